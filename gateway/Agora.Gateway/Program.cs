using Agora.Gateway;
using Agora.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();
app.UseServiceDefaults();
app.UseGateway();
await app.RunAsync();
