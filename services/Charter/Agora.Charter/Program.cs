using Agora.Charter;
using Agora.Charter.Analysis;
using Agora.Charter.Data;
using Agora.Messaging;
using Agora.ServiceDefaults;

// `analyze <dir>`: print the analysis of a Pol.is export as JSON, with no infrastructure.
if (args.Length > 0 && args[0] == "analyze")
{
    // `dotnet run --project` runs in the project's folder: read a relative <dir> from where the command was typed.
    if (args.Length == 2 && !Path.IsPathRooted(args[1]) && !Directory.Exists(args[1])
        && Environment.GetEnvironmentVariable("PWD") is { Length: > 0 } invokedFrom)
    {
        args = ["analyze", Path.Combine(invokedFrom, args[1])];
    }
    return PolisCli.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAgoraAuthentication();
builder.AddCharter();

var app = builder.Build();
if (await app.MigrateIfRequestedAsync<CharterDbContext>(args))
{
    return 0;
}
app.UseServiceDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapCharter();
await app.RunAsync();
return 0;
