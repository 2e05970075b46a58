using Agora.Messaging;
using Agora.Notifications;
using Agora.Notifications.Data;
using Agora.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAgoraAuthentication();
builder.AddNotifications();

var app = builder.Build();
if (await app.MigrateIfRequestedAsync<NotificationsDbContext>(args))
{
    return;
}
app.UseServiceDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapNotifications();
await app.RunAsync();
