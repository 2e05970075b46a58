using Agora.Registry.Data;
using Agora.ServiceDefaults;

namespace Agora.Registry.Identity;

/// <summary>
/// <c>--grant-role &lt;role&gt; &lt;email&gt;</c>: an operator's command, run with the service's
/// configuration and database, to appoint the first steering members. Every later role change goes
/// through the API, by steering. Prints ids only, never the email.
/// </summary>
public static class GrantRoleCommand
{
    public static async Task<int?> RunIfRequestedAsync(IServiceProvider services, string[] args)
    {
        var at = Array.IndexOf(args, "--grant-role");
        if (at < 0)
        {
            return null;
        }
        if (args.Length < at + 3 || !Roles.All.Contains(args[at + 1]))
        {
            await Console.Error.WriteLineAsync($"usage: --grant-role <{string.Join('|', Roles.All)}> <email>");
            return 2;
        }
        var role = args[at + 1];
        await using var scope = services.CreateAsyncScope();
        var signIns = scope.ServiceProvider.GetRequiredService<SignIns>();
        var participant = await signIns.FindByEmailAsync(args[at + 2], CancellationToken.None);
        if (participant is null)
        {
            await Console.Error.WriteLineAsync("No participant is registered with that email.");
            return 1;
        }
        if (!participant.Roles.Contains(role))
        {
            participant.Roles = [.. participant.Roles, role];
            await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().SaveChangesAsync();
        }
        Console.WriteLine($"Participant {participant.Id} has the role '{role}'.");
        return 0;
    }
}
