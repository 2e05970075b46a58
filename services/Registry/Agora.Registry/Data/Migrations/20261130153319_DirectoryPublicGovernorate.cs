using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Registry.Data.Migrations
{
    /// <inheritdoc />
    public partial class DirectoryPublicGovernorate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_participants_directory_keyset",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "ix_participants_directory_search",
                table: "participants");

            migrationBuilder.AddColumn<string>(
                name: "directory_governorate",
                table: "participants",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true,
                computedColumnSql: "CASE WHEN kind <> 'Individual' OR demographics_consent_at IS NOT NULL THEN governorate END",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_participants_directory_keyset",
                table: "participants",
                column: "id",
                filter: "status = 'Active' AND directory_opt_in")
                .Annotation("Npgsql:IndexInclude", new[] { "kind", "directory_governorate", "themes", "search_vector" });

            migrationBuilder.CreateIndex(
                name: "ix_participants_directory_search",
                table: "participants",
                columns: new[] { "search_vector", "themes", "directory_governorate", "kind" },
                filter: "status = 'Active' AND directory_opt_in")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_participants_directory_keyset",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "ix_participants_directory_search",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "directory_governorate",
                table: "participants");

            migrationBuilder.CreateIndex(
                name: "ix_participants_directory_keyset",
                table: "participants",
                column: "id",
                filter: "status = 'Active' AND directory_opt_in")
                .Annotation("Npgsql:IndexInclude", new[] { "kind", "governorate", "themes", "search_vector" });

            migrationBuilder.CreateIndex(
                name: "ix_participants_directory_search",
                table: "participants",
                columns: new[] { "search_vector", "themes", "governorate", "kind" },
                filter: "status = 'Active' AND directory_opt_in")
                .Annotation("Npgsql:IndexMethod", "gin");
        }
    }
}
