using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Agora.Notifications.Channels;

public sealed class SmsOptions
{
    /// <summary>The provider's base URL; messages are POSTed as JSON to <c>{BaseUrl}messages</c>.</summary>
    public Uri BaseUrl { get; set; } = new("http://127.0.0.1:5990/");
    public string? ApiKey { get; set; }
    public string Sender { get; set; } = "Agora";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>One SMS to send: the number (E.164) and its parts.</summary>
public sealed record SmsMessage(Guid Id, string To, string Text, SmsSegments Segments);

/// <summary>An SMS provider.</summary>
public interface ISmsProvider
{
    Task<SendOutcome> SendAsync(SmsMessage message, CancellationToken ct);
}

public static partial class PhoneNumbers
{
    /// <summary>E.164: a plus, a non-zero digit, 8 to 15 digits in all.</summary>
    public static bool IsE164(string? phone) => phone is not null && E164().IsMatch(phone);

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164();
}

/// <summary>
/// The HTTP provider adapter: <c>POST {BaseUrl}messages</c> with
/// <c>{ id, from, to, encoding, segments: [...], text }</c>. 2xx is sent; 408, 429 and 5xx (and no
/// answer) are retried; any other 4xx is a permanent failure.
/// </summary>
public sealed class HttpSmsProvider(HttpClient http, Microsoft.Extensions.Options.IOptions<SmsOptions> options, ILogger<HttpSmsProvider> logger) : ISmsProvider
{
    public async Task<SendOutcome> SendAsync(SmsMessage message, CancellationToken ct)
    {
        var settings = options.Value;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.BaseUrl, "messages"))
            {
                Content = JsonContent.Create(new
                {
                    id = message.Id,
                    from = settings.Sender,
                    to = message.To,
                    encoding = message.Segments.Encoding,
                    segments = message.Segments.Parts,
                    text = message.Text,
                }),
            };
            if (!string.IsNullOrEmpty(settings.ApiKey))
            {
                request.Headers.Authorization = new("Bearer", settings.ApiKey);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(settings.Timeout);
            using var response = await http.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return SendOutcome.Sent;
            }
            var error = $"sms-{status}";
            return status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                ? SendOutcome.Transient(error)
                : SendOutcome.Permanent(error);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("SMS provider unreachable ({ExceptionType}); the message will be retried", e.GetType().Name);
            return SendOutcome.Transient($"sms-unavailable: {e.GetType().Name}");
        }
    }
}
