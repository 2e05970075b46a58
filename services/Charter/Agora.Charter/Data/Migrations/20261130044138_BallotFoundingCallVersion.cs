using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Charter.Data.Migrations
{
    /// <inheritdoc />
    public partial class BallotFoundingCallVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "founding_call_version",
                table: "ballots",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "founding_call_version",
                table: "ballots");
        }
    }
}
