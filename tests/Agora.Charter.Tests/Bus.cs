using Agora.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Charter.Tests;

internal static class Bus
{
    /// <summary>
    /// Publishes <paramref name="message"/> under one fixed MessageId until <paramref name="done"/> holds: early copies
    /// may be published before the consumer's queue is bound, and every redelivered copy must be absorbed by the inbox.
    /// </summary>
    public static async Task PublishUntilAsync<T>(this CharterFactory factory, T message, Guid messageId, Func<Task<bool>> done) where T : class
    {
        var bus = factory.Services.GetRequiredService<IBus>();
        await Eventually.UntilAsync(async () =>
        {
            if (await done())
            {
                return true;
            }
            await bus.Publish(message, c => c.MessageId = messageId);
            await Task.Delay(200);
            return await done();
        }, TimeSpan.FromSeconds(60), typeof(T).Name + " consumed");
    }
}
