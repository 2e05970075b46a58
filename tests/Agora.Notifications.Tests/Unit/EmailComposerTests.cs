using System.Runtime.CompilerServices;
using Agora.Notifications.Channels;
using Agora.Notifications.Templates;
using MimeKit;

namespace Agora.Notifications.Tests.Unit;

public sealed class EmailComposerTests
{
    private static readonly RenderedMessage Message = new("announcement", "ar", "عنوان", "نص");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Compose(MailboxAddress from)
    {
        var email = EmailComposer.Compose(Message, from, MailboxAddress.Parse("p@example.tn"), Guid.NewGuid());
        Assert.Equal(from.Address, email.From.Mailboxes.Single().Address);
        return new WeakReference(email);
    }

    [Fact]
    public void A_sender_address_shared_by_a_long_lived_channel_does_not_keep_the_composed_messages_alive()
    {
        var from = MailboxAddress.Parse("Agora <no-reply@agora.tn>");
        var composed = Enumerable.Range(0, 20).Select(_ => Compose(from)).ToList();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.All(composed, message => Assert.False(message.IsAlive));
        GC.KeepAlive(from);
    }

    [Fact]
    public void Arabic_email_is_right_to_left_html_with_a_plain_text_part_in_its_language()
    {
        var email = EmailComposer.Compose(Message, MailboxAddress.Parse("Agora <no-reply@agora.tn>"), MailboxAddress.Parse("p@example.tn"), Guid.NewGuid());

        Assert.Contains("dir=\"rtl\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("نص", email.TextBody?.Trim());
        Assert.Equal("ar", email.Headers["Content-Language"]);
    }
}
