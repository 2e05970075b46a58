using System.Globalization;
using Agora.Contracts.Registry.V1;
using Agora.Registry.Data;
using Agora.Registry.Directory;
using Agora.Registry.Participants;
using Agora.ServiceDefaults;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Agora.Registry.Grpc;

/// <summary>
/// The partner NGOs' gRPC API: the public directory and a stream of its changes since a cursor.
/// The cursor is the (updated-at, id) of the last change seen, so a partner resumes exactly.
/// </summary>
[Authorize(Policy = Policies.Partner)]
public sealed class PartnerDirectoryGrpcService(RegistryDbContext db, IConfiguration config) : PartnerDirectory.PartnerDirectoryBase
{
    public override async Task<DirectoryPage> Search(DirectorySearchRequest request, ServerCallContext context)
    {
        var (page, errors) = await DirectoryApi.QueryAsync(db, new DirectoryApi.Filter(request.Query, request.Theme, request.Governorate, request.Kind,
            request.PageToken, request.PageSize == 0 ? null : request.PageSize), context.CancellationToken);
        if (page is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")))));
        }
        var reply = new DirectoryPage { NextPageToken = page.Next ?? "" };
        reply.Entries.AddRange(page.Items.Select(ToEntry));
        return reply;
    }

    public override async Task WatchChanges(WatchChangesRequest request, IServerStreamWriter<DirectoryChange> responseStream, ServerCallContext context)
    {
        var (since, after) = ParseCursor(request.Cursor);
        var poll = TimeSpan.FromMilliseconds(config.GetValue("Registry:Partners:PollMilliseconds", 1000));
        var ct = context.CancellationToken;
        while (!ct.IsCancellationRequested)
        {
            var batch = await db.Participants.AsNoTracking()
                .Where(p => p.UpdatedAt > since || (p.UpdatedAt == since && p.Id.CompareTo(after) > 0))
                .OrderBy(p => p.UpdatedAt).ThenBy(p => p.Id).Take(500).ToListAsync(ct);
            foreach (var p in batch)
            {
                (since, after) = (p.UpdatedAt, p.Id);
                var change = new DirectoryChange { ParticipantId = p.Id.ToString(), Cursor = Cursor(p.UpdatedAt, p.Id) };
                if (p.IsListed)
                {
                    change.Type = DirectoryChange.Types.ChangeType.Upserted;
                    change.Entry = ToEntry(DirectoryApi.EntryOf(p));
                }
                else
                {
                    change.Type = DirectoryChange.Types.ChangeType.Removed;
                }
                await responseStream.WriteAsync(change, ct);
            }
            if (batch.Count == 500)
            {
                continue;
            }
            if (!request.Follow)
            {
                return;
            }
            try
            {
                await Task.Delay(poll, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static DirectoryEntry ToEntry(DirectoryApi.Entry e)
    {
        var entry = new DirectoryEntry
        {
            ParticipantId = e.Id.ToString(),
            Kind = e.Kind,
            Category = e.Category ?? "",
            NameAr = e.Names.Ar ?? "",
            NameFr = e.Names.Fr ?? "",
            NameEn = e.Names.En ?? "",
            Governorate = e.Governorate ?? "",
        };
        entry.Themes.AddRange(e.Themes);
        return entry;
    }

    private static string Cursor(DateTimeOffset at, Guid id) => $"{at.UtcTicks.ToString(CultureInfo.InvariantCulture)}.{id:N}";

    private static (DateTimeOffset, Guid) ParseCursor(string cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (DateTimeOffset.MinValue, Guid.Empty);
        }
        var parts = cursor.Split('.');
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(parts[1], "N", out var id))
        {
            return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }
        throw new RpcException(new Status(StatusCode.InvalidArgument, "The cursor is not valid."));
    }
}
