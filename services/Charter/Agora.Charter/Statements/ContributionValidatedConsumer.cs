using Agora.Charter.Data;
using Agora.Contracts.Workshops;
using Agora.Messaging;
using Agora.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Agora.Charter.Statements;

/// <summary>A validated workshop contribution becomes a pending statement of the main conversation (once).</summary>
public sealed class ContributionValidatedConsumer(CharterDbContext db, TimeProvider time) : IConsumer<ContributionValidated>
{
    public Task Consume(ConsumeContext<ContributionValidated> context) =>
        db.ConsumeOnceAsync(context, nameof(ContributionValidatedConsumer), async ct =>
        {
            var m = context.Message;
            if (await db.Statements.AnyAsync(s => s.SourceContributionId == m.ContributionId, ct))
            {
                return; // the same contribution sent again under another message id
            }
            var language = Statement.Languages.Contains(m.Language) ? m.Language : "ar";
            var full = m.Text.Trim();
            var text = FreeText.Truncate(full, Statement.MaxLength);
            var theme = string.IsNullOrWhiteSpace(m.Theme) ? "general" : m.Theme.Trim();
            var statement = Statement.Create(Conversation.MainId, FreeText.Truncate(theme, 200), language, text, null, time.GetUtcNow());
            statement.SourceContributionId = m.ContributionId;
            // A contribution may be 2,000 characters, a statement 500: the cut is recorded for the moderators.
            statement.TruncatedFrom = text.Length < full.Length ? full.Length : null;
            statement.ContributionIds = [m.ContributionId, .. m.MergedFrom.Where(g => g != m.ContributionId)];
            statement.WorkshopIds = [m.WorkshopId];
            db.Statements.Add(statement);
            await Conversation.BumpRevisionAsync(db, Conversation.MainId, ct);
        }, time);
}
