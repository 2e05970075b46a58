using Agora.Charter;
using Agora.Charter.Analysis;
using Agora.Charter.Data;
using Agora.Messaging;
using Agora.ServiceDefaults;

// `analyze <dir>`: print the analysis of a Pol.is export as JSON, with no infrastructure.
if (args.Length > 0 && args[0] == "analyze")
{
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
