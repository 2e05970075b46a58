using Agora.Registry.Identity;
using Agora.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests.Identity;

public sealed class GrantRoleCommandTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    [Fact]
    public async Task The_operator_command_appoints_a_steering_member_by_email_once()
    {
        var email = Api.NewEmail("steering");
        var id = await Api.RegisterAsync(factory.CreateClient(), "individual", email);

        var first = await GrantRoleCommand.RunIfRequestedAsync(factory.Services, ["--grant-role", Roles.Steering, email.ToUpperInvariant()]);
        var again = await GrantRoleCommand.RunIfRequestedAsync(factory.Services, ["--grant-role", Roles.Steering, email]);

        Assert.Equal(0, first);
        Assert.Equal(0, again);
        await using var scope = factory.Scope(out var db);
        var roles = (await db.Participants.SingleAsync(p => p.Id == id)).Roles;
        Assert.Equal(1, roles.Count(r => r == Roles.Steering));
    }

    [Theory]
    [InlineData("--grant-role", "emperor", "someone@example.tn", 2)]
    [InlineData("--grant-role", "steering", "nobody-registered@example.tn", 1)]
    public async Task Unknown_roles_and_unknown_emails_fail_without_changes(string flag, string role, string email, int expected)
    {
        Assert.Equal(expected, await GrantRoleCommand.RunIfRequestedAsync(factory.Services, [flag, role, email]));
    }

    [Fact]
    public async Task Without_the_flag_the_service_just_runs()
    {
        Assert.Null(await GrantRoleCommand.RunIfRequestedAsync(factory.Services, ["--urls", "http://127.0.0.1:0"]));
    }
}
