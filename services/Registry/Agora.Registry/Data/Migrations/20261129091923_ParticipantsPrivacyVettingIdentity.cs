using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Agora.Registry.Data.Migrations
{
    /// <inheritdoc />
    public partial class ParticipantsPrivacyVettingIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_participants_email",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "email",
                table: "participants");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "activated_at",
                table: "participants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "adhered_at",
                table: "participants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "category",
                table: "participants",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "code_attempts",
                table: "participants",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "code_expires_at",
                table: "participants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "code_hash",
                table: "participants",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "code_purpose",
                table: "participants",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "demographics_cipher",
                table: "participants",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "demographics_consent_at",
                table: "participants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "directory_opt_in",
                table: "participants",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<byte[]>(
                name: "email_cipher",
                table: "participants",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "email_hash",
                table: "participants",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "email_verified_at",
                table: "participants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "failed_sign_ins",
                table: "participants",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "founding_call_version",
                table: "participants",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "governorate",
                table: "participants",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "locked_until",
                table: "participants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "name_ar",
                table: "participants",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "name_en",
                table: "participants",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "name_fr",
                table: "participants",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "password_hash",
                table: "participants",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "phone_cipher",
                table: "participants",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "roles",
                table: "participants",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<List<string>>(
                name: "themes",
                table: "participants",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "participants",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "vetting",
                table: "participants",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "participants",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.CreateTable(
                name: "founding_call_versions",
                columns: table => new
                {
                    version = table.Column<int>(type: "integer", nullable: false),
                    text_ar = table.Column<string>(type: "text", nullable: false),
                    text_fr = table.Column<string>(type: "text", nullable: false),
                    text_en = table.Column<string>(type: "text", nullable: false),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    published_by = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_founding_call_versions", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "memberships",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    individual_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    added_by = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_memberships", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictApplications",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    application_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    client_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    client_secret = table.Column<string>(type: "text", nullable: true),
                    client_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    concurrency_token = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    consent_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    display_names = table.Column<string>(type: "text", nullable: true),
                    json_web_key_set = table.Column<string>(type: "text", nullable: true),
                    permissions = table.Column<string>(type: "text", nullable: true),
                    post_logout_redirect_uris = table.Column<string>(type: "text", nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true),
                    redirect_uris = table.Column<string>(type: "text", nullable: true),
                    requirements = table.Column<string>(type: "text", nullable: true),
                    settings = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_open_iddict_applications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictScopes",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    concurrency_token = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    description = table.Column<string>(type: "text", nullable: true),
                    descriptions = table.Column<string>(type: "text", nullable: true),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    display_names = table.Column<string>(type: "text", nullable: true),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true),
                    resources = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_open_iddict_scopes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "themes",
                columns: table => new
                {
                    slug = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    label_ar = table.Column<string>(type: "text", nullable: false),
                    label_fr = table.Column<string>(type: "text", nullable: false),
                    label_en = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_themes", x => x.slug);
                });

            migrationBuilder.CreateTable(
                name: "vetting_decisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    participant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    decision = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    method = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    decided_by = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vetting_decisions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictAuthorizations",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    application_id = table.Column<string>(type: "text", nullable: true),
                    concurrency_token = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    creation_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true),
                    scopes = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_open_iddict_authorizations", x => x.id);
                    table.ForeignKey(
                        name: "fk_open_iddict_authorizations_open_iddict_applications_application",
                        column: x => x.application_id,
                        principalTable: "OpenIddictApplications",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictTokens",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    application_id = table.Column<string>(type: "text", nullable: true),
                    authorization_id = table.Column<string>(type: "text", nullable: true),
                    concurrency_token = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    creation_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    expiration_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    payload = table.Column<string>(type: "text", nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true),
                    redemption_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    reference_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    type = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_open_iddict_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_open_iddict_tokens_open_iddict_applications_application_id",
                        column: x => x.application_id,
                        principalTable: "OpenIddictApplications",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "fk_open_iddict_tokens_open_iddict_authorizations_authorization_id",
                        column: x => x.authorization_id,
                        principalTable: "OpenIddictAuthorizations",
                        principalColumn: "id");
                });

            migrationBuilder.InsertData(
                table: "founding_call_versions",
                columns: new[] { "version", "published_at", "published_by", "text_ar", "text_en", "text_fr" },
                values: new object[] { 1, new DateTimeOffset(new DateTime(2026, 11, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "نحن، منظمات وحركات ومواطنات ومواطنون، نلتقي في فضاء مفتوح للحوار من أجل ميثاق مشترك للحقوق والحريات والعدالة الاجتماعية.", "We, organizations, movements and citizens, meet in an open space of dialogue towards a common charter of rights, freedoms and social justice.", "Nous, organisations, mouvements, citoyennes et citoyens, nous réunissons dans un espace ouvert de dialogue pour une charte commune des droits, des libertés et de la justice sociale." });

            migrationBuilder.InsertData(
                table: "themes",
                columns: new[] { "slug", "label_ar", "label_en", "label_fr" },
                values: new object[,]
                {
                    { "economic-social-rights", "الحقوق الاقتصادية والاجتماعية", "Economic and social rights", "Droits économiques et sociaux" },
                    { "education", "التعليم", "Education", "Éducation" },
                    { "environment", "البيئة", "Environment", "Environnement" },
                    { "gender-equality", "المساواة بين الجنسين", "Gender equality", "Égalité femmes-hommes" },
                    { "health", "الصحة", "Health", "Santé" },
                    { "individual-freedoms", "الحريات الفردية", "Individual freedoms", "Libertés individuelles" },
                    { "labour", "الشغل", "Labour", "Travail" },
                    { "migration", "الهجرة", "Migration", "Migration" },
                    { "regional-development", "التنمية الجهوية", "Regional development", "Développement régional" },
                    { "transitional-justice", "العدالة الانتقالية", "Transitional justice", "Justice transitionnelle" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_participants_email_hash",
                table: "participants",
                column: "email_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_participants_kind_status",
                table: "participants",
                columns: new[] { "kind", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_participants_themes",
                table: "participants",
                column: "themes")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_participants_updated_at_id",
                table: "participants",
                columns: new[] { "updated_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_memberships_individual_id",
                table: "memberships",
                column: "individual_id");

            migrationBuilder.CreateIndex(
                name: "ix_memberships_organization_id_individual_id",
                table: "memberships",
                columns: new[] { "organization_id", "individual_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_open_iddict_applications_client_id",
                table: "OpenIddictApplications",
                column: "client_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_open_iddict_authorizations_application_id_status_subject_type",
                table: "OpenIddictAuthorizations",
                columns: new[] { "application_id", "status", "subject", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_open_iddict_scopes_name",
                table: "OpenIddictScopes",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_open_iddict_tokens_application_id_status_subject_type",
                table: "OpenIddictTokens",
                columns: new[] { "application_id", "status", "subject", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_open_iddict_tokens_authorization_id",
                table: "OpenIddictTokens",
                column: "authorization_id");

            migrationBuilder.CreateIndex(
                name: "ix_open_iddict_tokens_reference_id",
                table: "OpenIddictTokens",
                column: "reference_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_vetting_decisions_participant_id",
                table: "vetting_decisions",
                column: "participant_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "founding_call_versions");

            migrationBuilder.DropTable(
                name: "memberships");

            migrationBuilder.DropTable(
                name: "OpenIddictScopes");

            migrationBuilder.DropTable(
                name: "OpenIddictTokens");

            migrationBuilder.DropTable(
                name: "themes");

            migrationBuilder.DropTable(
                name: "vetting_decisions");

            migrationBuilder.DropTable(
                name: "OpenIddictAuthorizations");

            migrationBuilder.DropTable(
                name: "OpenIddictApplications");

            migrationBuilder.DropIndex(
                name: "ix_participants_email_hash",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "ix_participants_kind_status",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "ix_participants_themes",
                table: "participants");

            migrationBuilder.DropIndex(
                name: "ix_participants_updated_at_id",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "activated_at",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "adhered_at",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "category",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "code_attempts",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "code_expires_at",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "code_hash",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "code_purpose",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "demographics_cipher",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "demographics_consent_at",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "directory_opt_in",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "email_cipher",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "email_hash",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "email_verified_at",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "failed_sign_ins",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "founding_call_version",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "governorate",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "locked_until",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "name_ar",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "name_en",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "name_fr",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "password_hash",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "phone_cipher",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "roles",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "themes",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "vetting",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "participants");

            migrationBuilder.AddColumn<string>(
                name: "email",
                table: "participants",
                type: "character varying(254)",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_participants_email",
                table: "participants",
                column: "email",
                unique: true);
        }
    }
}
