using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using Cluster.Bench.Api;

namespace Cluster.Bench.MultiNode;

/// <summary>
/// Watch streams on one member: timed ones record when each resourceVersion arrived (so an event is matched to
/// the write that made it), untimed ones only add load. Disposing closes them all.
/// </summary>
internal sealed class VersionedWatches : IAsyncDisposable
{
    private readonly List<WatchConnection> connections = [];
    private readonly List<Task> readers = [];
    private readonly List<ConcurrentDictionary<long, long>> arrivals = [];
    private readonly CancellationTokenSource stop = new();

    /// <summary>Per timed stream: resourceVersion to the Stopwatch ticks its event line arrived.</summary>
    public IReadOnlyList<IReadOnlyDictionary<long, long>> Arrivals => arrivals;

    public int Count => connections.Count;

    public int Closed => connections.Count(c => c.Closed is not null);

    private static ReadOnlySpan<byte> VersionKey => "\"resourceVersion\":\""u8;

    /// <summary>Opens <paramref name="count"/> streams on <paramref name="member"/> from the list's current resourceVersion.</summary>
    public async Task OpenAsync(ClusterMember member, string listPath, int count, bool timed, CancellationToken ct)
    {
        var version = await member.Api.ListResourceVersionAsync(listPath, ct);
        var server = new IPEndPoint(IPAddress.Loopback, member.Node.BaseUri.Port);
        for (var i = 0; i < count; i++)
        {
            var seen = timed ? new ConcurrentDictionary<long, long>() : null;
            // Lines are stamped by the handler, so the connection keeps no per-line times of its own (room for one).
            var connection = await WatchConnection.OpenAsync(
                server, $"{listPath}?watch=1&resourceVersion={version}", 1, seen is null ? null : (line, ticks) => Record(seen, line, ticks), ct);
            connections.Add(connection);
            readers.Add(connection.RunAsync(stop.Token));
            if (seen is not null)
            {
                arrivals.Add(seen);
            }
        }
    }

    /// <summary>Waits until every timed stream has seen <paramref name="resourceVersion"/> (events arrive in order, so all before it too).</summary>
    public async Task<bool> WaitForAsync(long resourceVersion, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (!arrivals.All(a => a.ContainsKey(resourceVersion)))
            {
                await Task.Delay(10, deadline.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        connections.ForEach(c => c.Dispose());
        await Task.WhenAll(readers);
        stop.Dispose();
    }

    /// <summary>The object's metadata.resourceVersion: the first one in an event line (a ConfigMap holds no other).</summary>
    private static void Record(ConcurrentDictionary<long, long> seen, ReadOnlySpan<byte> line, long ticks)
    {
        var at = line.IndexOf(VersionKey);
        if (at >= 0 && Utf8Parser.TryParse(line[(at + VersionKey.Length)..], out long version, out _))
        {
            seen.TryAdd(version, ticks);
        }
    }
}
