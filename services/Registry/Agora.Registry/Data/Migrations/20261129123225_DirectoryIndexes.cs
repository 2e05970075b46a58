using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Registry.Data.Migrations
{
    /// <inheritdoc />
    public partial class DirectoryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_participants_search_vector",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "ix_participants_themes",
                table: "participants");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:btree_gin", ",,");

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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_participants_directory_keyset",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "ix_participants_directory_search",
                table: "participants");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:btree_gin", ",,");

            migrationBuilder.CreateIndex(
                name: "ix_participants_search_vector",
                table: "participants",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_participants_themes",
                table: "participants",
                column: "themes")
                .Annotation("Npgsql:IndexMethod", "gin");
        }
    }
}
