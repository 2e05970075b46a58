using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Charter.Data.Migrations
{
    /// <inheritdoc />
    public partial class AmendmentVotes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "amendment_votes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    amendment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    charter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version_number = table.Column<int>(type: "integer", nullable: false),
                    opens_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closes_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    quorum = table.Column<int>(type: "integer", nullable: false),
                    majority = table.Column<double>(type: "double precision", nullable: false),
                    by_college = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    accepted = table.Column<bool>(type: "boolean", nullable: true),
                    outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_amendment_votes", x => x.id);
                    table.ForeignKey(
                        name: "fk_amendment_votes_amendments_amendment_id",
                        column: x => x.amendment_id,
                        principalTable: "amendments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "amendment_vote_casts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    vote_id = table.Column<Guid>(type: "uuid", nullable: false),
                    participant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    choice = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    college = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    cast_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_amendment_vote_casts", x => x.id);
                    table.ForeignKey(
                        name: "fk_amendment_vote_casts_amendment_votes_vote_id",
                        column: x => x.vote_id,
                        principalTable: "amendment_votes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_amendment_vote_casts_vote_id_participant_id",
                table: "amendment_vote_casts",
                columns: new[] { "vote_id", "participant_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_amendment_votes_amendment_id",
                table: "amendment_votes",
                column: "amendment_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "amendment_vote_casts");

            migrationBuilder.DropTable(
                name: "amendment_votes");
        }
    }
}
