using Agora.Messaging;
using Agora.Charter;
using Agora.Charter.Data;
using Agora.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAgoraAuthentication();
builder.AddCharter();

var app = builder.Build();
if (await app.MigrateIfRequestedAsync<CharterDbContext>(args))
{
    return;
}
app.UseServiceDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapCharter();
await app.RunAsync();
