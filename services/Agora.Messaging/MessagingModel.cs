using Microsoft.EntityFrameworkCore;

namespace Agora.Messaging;

public static class MessagingModel
{
    /// <summary>Adds the <c>outbox_messages</c> and <c>consumed_messages</c> tables to a service's model.</summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder model)
    {
        model.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(m => m.Id);
            e.Property(m => m.MessageType).HasMaxLength(300);
            e.Property(m => m.Payload).HasColumnType("jsonb");
            e.Property(m => m.TraceParent).HasMaxLength(128);
            e.Property(m => m.LastError).HasMaxLength(1000);
            e.HasIndex(m => m.CreatedAt).HasFilter("sent_at IS NULL").HasDatabaseName("ix_outbox_messages_unsent");
        });
        model.Entity<ConsumedMessage>(e =>
        {
            e.ToTable("consumed_messages");
            e.HasKey(m => new { m.MessageId, m.Consumer }).HasName(Inbox.PrimaryKeyName);
            e.Property(m => m.Consumer).HasMaxLength(200);
        });
        return model;
    }

    /// <summary>Queues an event for publication; it is saved by the caller's next <c>SaveChanges</c>.</summary>
    public static OutboxMessage AddEvent<T>(this DbContext db, T message, DateTimeOffset now) where T : class
    {
        var row = OutboxMessage.Create(message, now);
        db.Set<OutboxMessage>().Add(row);
        return row;
    }
}
