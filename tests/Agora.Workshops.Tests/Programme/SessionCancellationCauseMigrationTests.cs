using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Agora.Workshops.Tests.Programme;

/// <summary>A database of its own (the test rolls its schema back), hence a factory class of its own.</summary>
public sealed class SessionCancellationCauseMigrationFactory : WorkshopsFactory;

public sealed class SessionCancellationCauseMigrationTests(SessionCancellationCauseMigrationFactory factory) : IClassFixture<SessionCancellationCauseMigrationFactory>
{
    private readonly Arrange arrange = new(factory);

    [Fact]
    public async Task Sessions_cancelled_by_closing_their_workshop_before_the_cause_existed_get_it_and_managers_cancellations_do_not()
    {
        var closedWorkshop = await arrange.WorkshopAsync("in_progress");
        var byClosing = await arrange.SessionAsync(closedWorkshop, capacity: 5, days: 30);
        var byManager = await arrange.SessionAsync(closedWorkshop, capacity: 5, days: 31);
        var openWorkshop = await arrange.WorkshopAsync("open");
        // A manager who typed the closing's very words, in a workshop still open: their own reason, no cause.
        var sameWords = await arrange.SessionAsync(openWorkshop, capacity: 5, days: 32);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{byManager}/cancel", new { reason = "Salle indisponible" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/sessions/{sameWords}/cancel", new { reason = "The workshop was closed." })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await arrange.Facilitator.PostAsJsonAsync($"/api/workshops/workshops/{closedWorkshop}/status", new { status = "closed" })).StatusCode);

        await using var scope = factory.Scope(out var db);
        var migrator = db.GetService<IMigrator>();
        // Back to before the cause (the column dropped), then forward again.
        await migrator.MigrateAsync("ErasedParticipants");
        await migrator.MigrateAsync();

        var causes = await db.Sessions.AsNoTracking().Where(s => s.Id == byClosing || s.Id == byManager || s.Id == sameWords)
            .ToDictionaryAsync(s => s.Id, s => (s.Cancelled, s.CancellationCause));
        Assert.Equal((true, "workshop-closed"), causes[byClosing]);
        Assert.Equal((true, (string?)null), causes[byManager]);
        Assert.Equal((true, (string?)null), causes[sameWords]);
    }
}
