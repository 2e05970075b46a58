using System.Globalization;
using System.Net;
using Agora.Registry.Directory;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Tests.Directory;

/// <summary>
/// More listed rows than the search's first window (<see cref="DirectorySearch.Window"/>), so both
/// of its steps run: common filters answered from the window, rare ones past it from the GIN index.
/// </summary>
public sealed class DirectoryWindowFixture : RegistryFactory
{
    public const int Rows = DirectorySearch.Window + 600;

    /// <summary>Row i has the id ...0000{i:x12}, so id order is i order.</summary>
    public static Guid IdOf(int i) => Guid.Parse("00000000-0000-0000-0000-" + i.ToString("x12", CultureInfo.InvariantCulture));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var scope = Scope(out var db);
        // Every row says "commun"; from the last 100 rows of the first window on, rows with i % 20 == 0
        // also say "rarissime" (35 rows, 5 of them in the first window) and are in Gafsa; of the
        // others every third row is in Sfax.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO participants (id, kind, display_name, name_fr, preferred_language, governorate, themes, directory_opt_in,
              status, vetting, registered_at, updated_at, roles, failed_sign_ins, code_attempts, search_text)
            SELECT ('00000000-0000-0000-0000-' || lpad(to_hex(i), 12, '0'))::uuid, 'Organization', 'Association ' || i, 'Association ' || i, 'fr',
              CASE WHEN i > {DirectorySearch.Window - 100} AND i % 20 = 0 THEN 'gafsa' WHEN i % 3 = 0 THEN 'sfax' ELSE 'tunis' END,
              ARRAY['labour'], true, 'Active', 'Approved', now(), now(), ARRAY['participant'], 0, 0,
              'association commun ' || i || CASE WHEN i > {DirectorySearch.Window - 100} AND i % 20 = 0 THEN ' rarissime' ELSE '' END
            FROM generate_series(1, {Rows}) AS i
            """);
    }
}

public class DirectoryWindowTests(DirectoryWindowFixture fixture) : IClassFixture<DirectoryWindowFixture>
{
    private static readonly int[] Rare = [.. Enumerable.Range(1, DirectoryWindowFixture.Rows).Where(i => i > DirectorySearch.Window - 100 && i % 20 == 0)];

    private async Task<(Guid[] Ids, string? Next)> PageAsync(string query)
    {
        var page = await fixture.CreateClient().GetAsync($"/api/registry/directory?{query}").JsonAsync(HttpStatusCode.OK);
        var next = page.GetProperty("next");
        return ([.. page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid())],
            next.ValueKind == System.Text.Json.JsonValueKind.Null ? null : next.GetString());
    }

    [Fact]
    public async Task Rare_matches_past_the_window_come_in_id_order_across_keyset_pages()
    {
        var (first, next) = await PageAsync("q=rarissime&limit=20");
        Assert.Equal(Rare.Take(20).Select(DirectoryWindowFixture.IdOf), first);
        Assert.Equal(first[^1].ToString(), next);

        var (second, end) = await PageAsync($"q=rarissime&limit=20&after={next}");
        Assert.Equal(Rare.Skip(20).Select(DirectoryWindowFixture.IdOf), second);
        Assert.Null(end);
    }

    [Fact]
    public async Task A_page_that_starts_in_the_window_and_ends_past_it_is_complete()
    {
        // Filters combined: "commun" is everywhere, Gafsa only on the rare rows (5 in this window).
        var (ids, next) = await PageAsync($"q=commun&governorate=gafsa&limit=25&after={DirectoryWindowFixture.IdOf(10)}");
        Assert.Equal(Rare.Take(25).Select(DirectoryWindowFixture.IdOf), ids);
        Assert.Equal(ids[^1].ToString(), next);
    }

    [Fact]
    public async Task Common_matches_are_the_first_rows_in_id_order()
    {
        var (ids, next) = await PageAsync("q=commun&governorate=sfax&limit=10");
        Assert.Equal(Enumerable.Range(1, 30).Where(i => i % 3 == 0).Select(DirectoryWindowFixture.IdOf), ids);
        Assert.Equal(ids[^1].ToString(), next);

        var (last, end) = await PageAsync($"q=commun&limit=10&after={DirectoryWindowFixture.IdOf(DirectoryWindowFixture.Rows - 3)}");
        Assert.Equal(Enumerable.Range(DirectoryWindowFixture.Rows - 2, 3).Select(DirectoryWindowFixture.IdOf), last);
        Assert.Null(end);
    }
}
