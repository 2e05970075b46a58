using Agora.Messaging;
using Agora.Workshops;
using Agora.Workshops.Data;
using Agora.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAgoraAuthentication();
builder.AddWorkshops();

var app = builder.Build();
if (await app.MigrateIfRequestedAsync<WorkshopsDbContext>(args))
{
    return;
}
app.UseServiceDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapWorkshops();
await app.RunAsync();
