using System.Net;
using System.Text.RegularExpressions;
using Duende.IdentityModel.OidcClient;
using Duende.IdentityModel.OidcClient.Browser;

namespace Agora.EndToEnd.Tests;

/// <summary>
/// Signs a participant in through the gateway the way a front end does: authorization code + PKCE
/// with a standards-compliant OIDC client, the "browser" filling in the registry's login page.
/// </summary>
public static partial class SignIn
{
    public const string WebRedirect = "http://127.0.0.1:5100/callback"; // agora-web's development redirect URI

    public static async Task<string> AccessTokenAsync(Uri gateway, string email, string password)
    {
        var oidc = new OidcClient(new OidcClientOptions
        {
            Authority = gateway.ToString(),
            ClientId = "agora-web",
            RedirectUri = WebRedirect,
            Scope = "openid roles offline_access",
            Browser = new PasswordBrowser(gateway, email, password),
            LoadProfile = false,
            Policy = { Discovery = { RequireHttps = false } },
        });
        var login = await oidc.LoginAsync();
        return login.IsError ? throw new InvalidOperationException($"Sign-in failed: {login.Error} {login.ErrorDescription}") : login.AccessToken;
    }

    private sealed partial class PasswordBrowser(Uri gateway, string email, string password) : IBrowser
    {
        public async Task<BrowserResult> InvokeAsync(BrowserOptions options, CancellationToken cancellationToken = default)
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = gateway };
            var response = await http.GetAsync(new Uri(options.StartUrl), cancellationToken);
            for (var hops = 0; hops < 10; hops++)
            {
                if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
                {
                    var location = response.Headers.Location!;
                    var absolute = location.IsAbsoluteUri ? location : new Uri(gateway, location);
                    if (absolute.AbsoluteUri.StartsWith(options.EndUrl, StringComparison.Ordinal))
                    {
                        return new BrowserResult { ResultType = BrowserResultType.Success, Response = absolute.AbsoluteUri };
                    }
                    response = await http.GetAsync(absolute, cancellationToken);
                    continue;
                }
                var page = await response.Content.ReadAsStringAsync(cancellationToken);
                var returnUrl = WebUtility.HtmlDecode(ReturnUrl().Match(page).Groups[1].Value);
                if (returnUrl.Length == 0)
                {
                    return new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = $"{response.StatusCode}: no login form" };
                }
                // The form's antiforgery token goes with the antiforgery cookie this client keeps.
                var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value);
                response = await http.PostAsync(new Uri("/connect/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = token,
                    ["method"] = "password",
                    ["email"] = email,
                    ["password"] = password,
                    ["returnUrl"] = returnUrl,
                }), cancellationToken);
                if (response.Headers.Location is null)
                {
                    return new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = $"sign-in refused: {response.StatusCode}" };
                }
            }
            return new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = "too many redirects" };
        }

        [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
        private static partial Regex ReturnUrl();

        [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]*)\"")]
        private static partial Regex AntiforgeryToken();
    }
}
