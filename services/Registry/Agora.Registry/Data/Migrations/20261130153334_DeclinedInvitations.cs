using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Registry.Data.Migrations
{
    /// <inheritdoc />
    public partial class DeclinedInvitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "declined_invitations",
                columns: table => new
                {
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    individual_id = table.Column<Guid>(type: "uuid", nullable: false),
                    declined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_declined_invitations", x => new { x.organization_id, x.individual_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_declined_invitations_individual_id",
                table: "declined_invitations",
                column: "individual_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "declined_invitations");
        }
    }
}
