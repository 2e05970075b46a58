using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Charter.Data.Migrations
{
    /// <inheritdoc />
    public partial class ArticleTranslations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "text_ar",
                table: "articles",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "text_en",
                table: "articles",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "text_fr",
                table: "articles",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "text_ar",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "text_en",
                table: "articles");

            migrationBuilder.DropColumn(
                name: "text_fr",
                table: "articles");
        }
    }
}
