using Agora.Messaging;
using Agora.Workshops;
using Agora.Workshops.Data;
using Agora.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWorkshops();

var app = builder.Build();
if (await app.MigrateIfRequestedAsync<WorkshopsDbContext>(args))
{
    return;
}
app.UseServiceDefaults();
app.MapWorkshops();
await app.RunAsync();
