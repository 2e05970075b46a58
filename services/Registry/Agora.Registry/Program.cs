using Agora.Messaging;
using Agora.Registry;
using Agora.Registry.Data;
using Agora.Registry.Directory;
using Agora.Registry.Identity;
using Agora.Registry.Privacy;
using Agora.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAgoraAuthentication();
builder.AddRegistry();

var app = builder.Build();
if (await app.MigrateIfRequestedAsync<RegistryDbContext>(args))
{
    await using var scope = app.Services.CreateAsyncScope();
    var hidden = await SearchText.HideUnconsentedGovernoratesAsync(scope.ServiceProvider.GetRequiredService<RegistryDbContext>(), CancellationToken.None);
    app.Logger.LogInformation("Search text recomputed for {Count} individuals whose governorate is not public", hidden);
    return 0;
}
if (await GrantRoleCommand.RunIfRequestedAsync(app.Services, args) is int exitCode)
{
    return exitCode;
}
if (await PrivacyKeyCommand.RunIfRequestedAsync(app.Services, args) is int keyExitCode)
{
    return keyExitCode;
}
app.UseServiceDefaults();
app.UseRateLimiter(); // before authentication: OpenIddict answers /connect/token inside it
app.UseAuthentication();
app.UseAuthorization();
app.MapRegistry();
await app.RunAsync();
return 0;
