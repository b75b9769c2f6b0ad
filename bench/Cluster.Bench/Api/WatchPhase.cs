using System.Diagnostics;
using System.Net;

namespace Cluster.Bench.Api;

/// <summary>Figures for one number of concurrent watchers.</summary>
public sealed record WatchLevel(
    int Watchers, int Rounds, LatencySummary Events, LatencySummary WriteAck, double SpreadP50Ms,
    long Missing, int ClosedStreams, TimeSpan OpenTime, long RssBeforeOpen, long RssAfterOpen, TimeSpan ServerCpuPerRound);

/// <summary>
/// Phase 3: N watch streams on one namespace's configmaps; each round creates one configmap and measures, for
/// every watcher, the time from sending the create to receiving its event line.
/// </summary>
public static class WatchPhase
{
    public const string Namespace = "bench-watch";
    private const string ListPath = "/api/v1/namespaces/" + Namespace + "/configmaps";
    private const int WarmUpRounds = 2;

    public static async Task<IReadOnlyList<WatchLevel>> RunAsync(NodeProcess node, ApiBenchOptions options, TextWriter log, CancellationToken ct)
    {
        using var api = new ApiClient(node.BaseUri, 4);
        await api.EnsureNamespaceAsync(Namespace, ct);
        var server = new IPEndPoint(IPAddress.Loopback, node.BaseUri.Port);
        var maxLines = options.WatcherLevels.Count * (options.WatchRounds + WarmUpRounds) + 64;
        var connections = new List<WatchConnection>();
        var readers = new List<Task>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var results = new List<WatchLevel>();
        try
        {
            foreach (var level in options.WatcherLevels)
            {
                var rssBefore = ProcStats.Memory(node.Pid).Rss;
                var openClock = Stopwatch.StartNew();
                var query = $"{ListPath}?watch=true&resourceVersion={await api.ListResourceVersionAsync(ListPath, ct)}";
                using var gate = new SemaphoreSlim(64);
                var opened = await Task.WhenAll(Enumerable.Range(0, Math.Max(0, level - connections.Count)).Select(async _ =>
                {
                    await gate.WaitAsync(ct);
                    try
                    {
                        return await WatchConnection.OpenAsync(server, query, maxLines, ct);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                foreach (var connection in opened)
                {
                    connections.Add(connection);
                    readers.Add(connection.RunAsync(stop.Token));
                }

                var openTime = openClock.Elapsed;
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                var rssAfter = ProcStats.Memory(node.Pid).Rss;
                log.WriteLine(Report.F($"  {connections.Count:N0} watch streams open (the last {opened.Length:N0} in {openTime.TotalSeconds:0.00} s); node RSS {Report.Megabytes(rssBefore)} -> {Report.Megabytes(rssAfter)}"));
                results.Add(await RoundsAsync(node, api, connections, level, options, ct) with
                {
                    OpenTime = openTime,
                    RssBeforeOpen = rssBefore,
                    RssAfterOpen = rssAfter,
                });
            }
        }
        finally
        {
            await stop.CancelAsync();
            connections.ForEach(c => c.Dispose());
            await Task.WhenAll(readers);
        }

        return results;
    }

    public static void Print(TextWriter output, IReadOnlyList<WatchLevel> levels)
    {
        output.WriteLine(" watchers  rounds   event p50   event p99   event max  create ack p50/p99   spread p50  missing  closed  node CPU/round  node RSS/watcher");
        foreach (var l in levels)
        {
            var perWatcher = l.Watchers > 0 ? (l.RssAfterOpen - l.RssBeforeOpen) / 1024.0 / l.Watchers : 0;
            output.WriteLine(Report.F($" {l.Watchers,8}{l.Rounds,8}{l.Events.P50Ms,9:0.0} ms{l.Events.P99Ms,9:0.0} ms{l.Events.MaxMs,9:0.0} ms{l.WriteAck.P50Ms,10:0.0} /{l.WriteAck.P99Ms,5:0.0} ms{l.SpreadP50Ms,10:0.0} ms{l.Missing,9}{l.ClosedStreams,8}{l.ServerCpuPerRound.TotalMilliseconds,12:0.0} ms{perWatcher,14:0.0} KB"));
        }

        output.WriteLine(" (event = create sent -> event line received, over every watcher and round; spread = last minus first watcher in a round;");
        output.WriteLine("  RSS/watcher = node RSS growth while the streams opened, divided by the streams opened then, over all watchers at that level)");
    }

    private static async Task<WatchLevel> RoundsAsync(
        NodeProcess node, ApiClient api, List<WatchConnection> connections, int level, ApiBenchOptions options, CancellationToken ct)
    {
        var events = new Latencies(1, connections.Count * options.WatchRounds);
        var acks = new Latencies(1, options.WatchRounds);
        var spreads = new List<double>();
        var missing = 0L;
        var meter = CpuMeter.Start(node.Pid);
        for (var round = -WarmUpRounds; round < options.WatchRounds; round++)
        {
            await Task.Delay(options.WatchGap, ct);
            var baseline = connections.Select(c => c.Lines).ToArray();
            var start = Stopwatch.GetTimestamp();
            var error = await api.SendAsync(HttpMethod.Post, ListPath, ApiClient.ConfigMap(Namespace, $"w{level}-{round + WarmUpRounds}"), ApiClient.Json, ct);
            var acked = Stopwatch.GetTimestamp();
            if (error is not null)
            {
                throw new InvalidOperationException(error);
            }

            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(10) && Enumerable.Range(0, connections.Count).Any(i => connections[i].Lines <= baseline[i] && connections[i].Closed is null))
            {
                await Task.Delay(5, ct);
            }

            if (round < 0)
            {
                continue;
            }

            acks.AddShared(acked - start);
            long first = long.MaxValue, last = long.MinValue;
            for (var i = 0; i < connections.Count; i++)
            {
                if (connections[i].Lines <= baseline[i])
                {
                    missing++;
                    continue;
                }

                var at = connections[i].LineTicks(baseline[i]);
                events.AddShared(at - start);
                first = Math.Min(first, at);
                last = Math.Max(last, at);
            }

            if (last >= first)
            {
                spreads.Add(Latencies.Milliseconds(last - first));
            }
        }

        var cpu = meter.Used().Server;
        spreads.Sort();
        return new WatchLevel(
            connections.Count, options.WatchRounds, events.Summarize(TimeSpan.Zero), acks.Summarize(TimeSpan.Zero),
            spreads.Count == 0 ? 0 : spreads[spreads.Count / 2], missing, connections.Count(c => c.Closed is not null),
            TimeSpan.Zero, 0, 0, cpu / (options.WatchRounds + WarmUpRounds));
    }
}
