using System.Net;
using System.Net.Sockets;
using System.Text;
using Agora.Notifications.Templates;
using Agora.ServiceDefaults;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Agora.Notifications.Channels;

public sealed class SmtpOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 2525;
    public string From { get; set; } = "Agora <no-reply@agora.tn>";
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>None | StartTls | StartTlsWhenAvailable | SslOnConnect | Auto</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.None;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Builds the email for a rendered message: HTML in the message's direction and language, plus a plain-text part.</summary>
public static class EmailComposer
{
    public static MimeMessage Compose(RenderedMessage message, MailboxAddress from, MailboxAddress to, Guid deliveryId)
    {
        var direction = message.Direction;
        var align = direction == "rtl" ? "right" : "left";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"").Append(message.Language).Append("\" dir=\"").Append(direction).Append("\">\n<head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(message.Title)).Append("</title></head>\n<body dir=\"").Append(direction).Append("\" style=\"text-align:").Append(align).Append("\">\n<h1>")
            .Append(WebUtility.HtmlEncode(message.Title)).Append("</h1>\n");
        foreach (var paragraph in message.Body.Split('\n'))
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph)).Append("</p>\n");
        }
        html.Append("</body>\n</html>\n");
        var email = new MimeMessage
        {
            Subject = message.Title,
            MessageId = $"{deliveryId:N}@agora.tn",
            Body = new BodyBuilder { TextBody = message.Body + "\n", HtmlBody = html.ToString() }.ToMessageBody(),
        };
        // A copy of the sender: a message's address list subscribes to its addresses' Changed events,
        // so one shared MailboxAddress would keep every message ever composed with it alive.
        email.From.Add(new MailboxAddress(from.Name, from.Address));
        email.To.Add(to);
        email.Headers.Add("Content-Language", message.Language);
        return email;
    }

    /// <summary>A plausible single address (MimeKit parses it and it has a domain), or null.</summary>
    public static MailboxAddress? ParseAddress(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 254 || address.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }
        if (!MailboxAddress.TryParse(address, out var parsed) || parsed.Domain is not { Length: > 0 } domain || !domain.Contains('.', StringComparison.Ordinal)
            || parsed.LocalPart.Length == 0)
        {
            return null;
        }
        return parsed;
    }
}

/// <summary>
/// Sends email over one SMTP connection, opened on first use and kept for the next messages (a
/// delivery lane keeps one across its batches); any failure closes it, and the next message reconnects.
/// </summary>
public sealed class EmailChannel(IOptions<SmtpOptions> options, ILogger<EmailChannel> logger) : IAsyncDisposable
{
    private SmtpClient? client;

    public MailboxAddress From { get; } = MailboxAddress.Parse(options.Value.From);

    public async Task<SendOutcome> SendAsync(MimeMessage message, CancellationToken ct)
    {
        var settings = options.Value;
        try
        {
            if (client is not { IsConnected: true })
            {
                client?.Dispose();
                client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
                // Our own socket, with Nagle off: SMTP is a chatty request/reply protocol, and Nagle
                // plus delayed ACKs would stall each message by tens of milliseconds.
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    connectTimeout.CancelAfter(settings.Timeout);
                    await socket.ConnectAsync(settings.Host, settings.Port, connectTimeout.Token);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
                await client.ConnectAsync(socket, settings.Host, settings.Port, settings.Security, ct);
                if (!string.IsNullOrEmpty(settings.Username))
                {
                    await client.AuthenticateAsync(settings.Username, settings.Password ?? "", ct);
                }
            }
            await client.SendAsync(message, ct);
            return SendOutcome.Sent;
        }
        catch (SmtpCommandException e)
        {
            await ResetAsync();
            var code = (int)e.StatusCode;
            var error = $"smtp-{code}: {e.ErrorCode} {Truncate(e.Message)}";
            return code >= 500 ? SendOutcome.Permanent(error) : SendOutcome.Transient(error);
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException
            or ServiceNotAuthenticatedException or AuthenticationException or TimeoutException
            or OperationCanceledException && !ct.IsCancellationRequested)
        {
            await ResetAsync();
            logger.LogWarning("SMTP send failed ({ExceptionType}); the message will be retried", e.GetType().Name);
            return SendOutcome.Transient($"smtp-unavailable: {e.GetType().Name} {Truncate(e.Message)}");
        }
    }

    private static string Truncate(string text) => FreeText.Truncate(text, 300); // never half an emoji, which PostgreSQL cannot store

    private async Task ResetAsync()
    {
        if (client is null)
        {
            return;
        }
        try
        {
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(true, timeout.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or ServiceNotConnectedException)
        {
            // The connection is gone either way.
        }
        client.Dispose();
        client = null;
    }

    /// <summary>Closes the connection (a lane with nothing to send lets it go); the next message reconnects.</summary>
    public Task CloseAsync() => ResetAsync();

    public async ValueTask DisposeAsync() => await ResetAsync();
}
