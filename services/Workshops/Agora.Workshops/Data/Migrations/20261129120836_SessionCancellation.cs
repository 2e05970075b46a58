using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Workshops.Data.Migrations
{
    /// <inheritdoc />
    public partial class SessionCancellation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "cancellation_reason",
                table: "sessions",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cancelled_at",
                table: "sessions",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "cancellation_reason",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "cancelled_at",
                table: "sessions");
        }
    }
}
