using System.Net;
using Agora.Charter.Statements;
using Agora.Messaging;
using Agora.ServiceDefaults;
using Agora.Testing;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Tests.Statements;

public sealed class PublishingTests(CharterFactory factory) : IClassFixture<CharterFactory>
{
    [Fact]
    public async Task Events_written_to_the_outbox_are_published_to_the_broker()
    {
        var id = (await factory.StatementsAsync(Conversation.MainId, 1, status: StatementStatus.Pending))[0];
        await (await factory.ClientFor(Guid.NewGuid(), Roles.Steering).PostAsync($"/api/charter/statements/{id}/accept", null)).ReadAsync(HttpStatusCode.OK);

        await Eventually.UntilAsync(async () =>
        {
            await using var scope = factory.Scope(out var db);
            var rows = await db.Set<OutboxMessage>().AsNoTracking().ToListAsync();
            return rows.Any(m => m.Payload.Contains(id.ToString(), StringComparison.Ordinal) && m.SentAt != null);
        }, TimeSpan.FromSeconds(30), "the outbox relay marks StatementAccepted sent");
    }
}
