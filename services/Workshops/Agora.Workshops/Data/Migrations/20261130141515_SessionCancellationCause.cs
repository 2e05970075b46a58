using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Workshops.Data.Migrations
{
    /// <inheritdoc />
    public partial class SessionCancellationCause : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "cancellation_cause",
                table: "sessions",
                type: "character varying(50)",
                maxLength: 50,
                nullable: true);

            // Sessions cancelled by closing their workshop before the cause existed: the closing's English reason in a closed workshop.
            migrationBuilder.Sql("""
                UPDATE sessions s SET cancellation_cause = 'workshop-closed'
                FROM workshops w
                WHERE w.id = s.workshop_id AND w.status = 'closed' AND s.cancelled AND s.cancellation_reason = 'The workshop was closed.';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "cancellation_cause",
                table: "sessions");
        }
    }
}
