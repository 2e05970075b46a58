using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Agora.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ (<c>ConnectionStrings:rabbitmq</c>, an amqp:// URI) with publisher
    /// confirms, queues named <c>&lt;service&gt;-&lt;consumer&gt;</c>, retries with backoff and then
    /// the <c>_error</c> queue; plus the relay that publishes <typeparamref name="TDbContext"/>'s outbox.
    /// The host starts without waiting for the broker; readiness reports it.
    /// </summary>
    public static IHostApplicationBuilder AddAgoraMessaging<TDbContext>(this IHostApplicationBuilder builder, string serviceName,
        Action<IBusRegistrationConfigurator>? consumers = null) where TDbContext : DbContext
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection("Messaging:Outbox"));
        builder.Services.AddHostedService<OutboxRelay<TDbContext>>();
        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            consumers?.Invoke(x);
            x.AddConfigureEndpointsCallback((_, _, endpoint) =>
                endpoint.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200))));
            x.UsingRabbitMq((context, cfg) =>
            {
                var broker = BrokerAddress.Parse(builder.Configuration.GetConnectionString("rabbitmq")
                    ?? throw new InvalidOperationException("ConnectionStrings:rabbitmq is not set."));
                cfg.Host(broker.Host, broker.Port, broker.VirtualHost, h =>
                {
                    h.Username(broker.Username);
                    h.Password(broker.Password);
                    h.PublisherConfirmation = true;
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });
        return builder;
    }
}

/// <summary>The parts of an amqp://user:password@host:port/vhost URI.</summary>
public sealed record BrokerAddress(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    public static BrokerAddress Parse(string uri)
    {
        var u = new Uri(uri);
        var user = u.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/'));
        return new BrokerAddress(
            u.Host,
            (ushort)(u.IsDefaultPort || u.Port <= 0 ? 5672 : u.Port),
            vhost.Length == 0 ? "/" : vhost,
            user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : "guest",
            user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest");
    }
}
