using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Registry.Data.Migrations
{
    /// <inheritdoc />
    public partial class MembershipInvitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Memberships made before invitations existed stay what they were: accepted (Active). The
            // default is then dropped, as the model has none: every new row states its status (Invited).
            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "memberships",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Active");

            migrationBuilder.Sql("ALTER TABLE memberships ALTER COLUMN status DROP DEFAULT;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "status",
                table: "memberships");
        }
    }
}
