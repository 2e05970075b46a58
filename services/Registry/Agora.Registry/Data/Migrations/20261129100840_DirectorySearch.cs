using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace Agora.Registry.Data.Migrations
{
    /// <inheritdoc />
    public partial class DirectorySearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "participants",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "search_vector",
                table: "participants",
                type: "tsvector",
                nullable: false)
                .Annotation("Npgsql:TsVectorConfig", "simple")
                .Annotation("Npgsql:TsVectorProperties", new[] { "search_text" });

            // Rows from before: a rough backfill (the service rewrites search_text, fully normalized, on every save).
            migrationBuilder.Sql("UPDATE participants SET search_text = lower(coalesce(name_ar, '') || ' ' || coalesce(name_fr, '') || ' ' || coalesce(name_en, '') || ' ' || display_name)");

            migrationBuilder.CreateIndex(
                name: "ix_participants_search_vector",
                table: "participants",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_participants_search_vector",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "search_vector",
                table: "participants");
        }
    }
}
