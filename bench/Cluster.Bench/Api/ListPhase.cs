using System.Diagnostics;
using System.Text.Json;

namespace Cluster.Bench.Api;

/// <summary>One timed list and the node's memory around it.</summary>
public sealed record ListRun(
    string Name, long Items, long Bytes, int Pages, TimeSpan FirstByte, TimeSpan Total,
    long RssBefore, long RssPeak, long RssAfter, bool KernelPeak, int Samples, TimeSpan ServerCpu)
{
    public long Growth => Math.Max(0, RssPeak - RssBefore);
}

/// <summary>
/// Phase 2: creates many small pods concurrently (a third in one namespace, the rest in another), then times
/// listing them, unpaged and paged, while sampling the node's RSS, so memory can be compared across list sizes.
/// </summary>
public static class ListPhase
{
    public const string SubsetNamespace = "bench-list-a";
    public const string RestNamespace = "bench-list-b";

    // Each listed pod's stored JSON starts {"apiVersion":"v1","kind":"Pod","metadata":...; nested objects never say that.
    private static readonly byte[] ItemMarker = "\"kind\":\"Pod\",\"metadata\""u8.ToArray();

    public static async Task<(ApiRow Create, IReadOnlyList<ListRun> Runs)> RunAsync(
        NodeProcess node, ApiBenchOptions options, TextWriter log, CancellationToken ct)
    {
        using var api = new ApiClient(node.BaseUri, options.Clients);
        await api.EnsureNamespaceAsync(SubsetNamespace, ct);
        await api.EnsureNamespaceAsync(RestNamespace, ct);
        var subset = options.ListPods / 3;

        log.WriteLine(Report.F($"  creating {options.ListPods:N0} pods with {options.Clients} clients ({subset:N0} in {SubsetNamespace}, the rest in {RestNamespace}) ..."));
        var meter = CpuMeter.Start(node.Pid);
        var created = await Load.ClosedLoopAsync(options.Clients, TimeSpan.MaxValue, options.ListPods, (_, op) =>
        {
            var ns = op < subset ? SubsetNamespace : RestNamespace;
            return api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", ApiClient.Pod(ns, $"p-{op}", "list"), ApiClient.Json, ct);
        }, ct);
        var (server, bench) = meter.Used();
        var create = new ApiRow("create (POST pod), bulk", Report.F($"{options.Clients}"), created, server, bench);
        log.WriteLine(Report.F($"  created {created.Count:N0} pods in {created.Elapsed.TotalSeconds:0.0} s: {created.PerSecond:N0} pods/s, p99 {created.P99Ms:0.0} ms, {created.Errors} errors"));

        // Let the node finish the burst (journal flushes, cache updates) before the first memory baseline.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await api.Http.GetByteArrayAsync("/api/v1/pods?limit=500", ct); // warm-up, not measured

        var runs = new List<ListRun>();
        var subsetPath = $"/api/v1/namespaces/{SubsetNamespace}/pods";
        foreach (var (label, path) in new[] { ($"GET {subsetPath}", subsetPath), ("GET /api/v1/pods", "/api/v1/pods") })
        {
            for (var i = 1; i <= 2; i++)
            {
                runs.Add(await MeasureAsync(node, Report.F($"{label} (run {i})"), clock => StreamAsync(api.Http, path, clock, ct), ct));
            }
        }

        runs.Add(await MeasureAsync(node, Report.F($"GET /api/v1/pods?limit={options.PageSize} + continue"), clock => PagedAsync(api.Http, options.PageSize, clock, ct), ct));
        return (create, runs);
    }

    public static void Print(TextWriter output, IReadOnlyList<ListRun> runs)
    {
        output.WriteLine(" list                                                 items  pages       MB  first byte   total s    MB/s   node RSS before     peak   growth    after  node CPU");
        foreach (var r in runs)
        {
            output.WriteLine(Report.F($" {r.Name,-50}{r.Items,9}{r.Pages,7}{r.Bytes / 1048576.0,9:0.0}{r.FirstByte.TotalMilliseconds,9:0} ms{r.Total.TotalSeconds,10:0.000}{r.Bytes / 1048576.0 / r.Total.TotalSeconds,8:0}{Mb(r.RssBefore),18}{Mb(r.RssPeak),9}{"+" + Mb(r.Growth),9}{Mb(r.RssAfter),9}{r.ServerCpu.TotalSeconds,8:0.00} s"));
        }

        output.WriteLine(Report.F($" (node RSS in MB; peak = max of VmRSS sampled every 20 ms ({runs.Min(r => r.Samples)}+ samples per list) and {(runs.All(r => r.KernelPeak) ? "VmHWM reset before each list" : "no VmHWM (clear_refs not allowed)")}; growth = peak - before)"));
    }

    private static string Mb(long bytes) => Report.F($"{bytes / 1048576.0:0}");

    private static async Task<ListRun> MeasureAsync(
        NodeProcess node, string name, Func<Stopwatch, Task<(long Items, long Bytes, int Pages, TimeSpan FirstByte)>> list, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        var before = ProcStats.Memory(node.Pid).Rss;
        var kernelPeak = ProcStats.ResetPeak(node.Pid);
        var meter = CpuMeter.Start(node.Pid);
        var sampler = MemorySampler.Start(node.Pid, TimeSpan.FromMilliseconds(20));
        (long Items, long Bytes, int Pages, TimeSpan FirstByte) result;
        TimeSpan total;
        try
        {
            var clock = Stopwatch.StartNew();
            result = await list(clock);
            total = clock.Elapsed;
        }
        finally
        {
            sampler.Dispose();
        }

        var (after, hwm) = ProcStats.Memory(node.Pid);
        var peak = Math.Max(sampler.Peak, kernelPeak ? hwm : 0);
        return new ListRun(name, result.Items, result.Bytes, result.Pages, result.FirstByte, total, before, peak, after, kernelPeak, sampler.Samples, meter.Used().Server);
    }

    /// <summary>Reads the response into a sink, counting bytes and items; nothing is kept.</summary>
    private static async Task<(long Items, long Bytes, int Pages, TimeSpan FirstByte)> StreamAsync(HttpClient http, string path, Stopwatch clock, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[256 * 1024];
        var firstByte = TimeSpan.Zero;
        long bytes = 0, items = 0;
        var kept = 0;
        while (true)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(kept), ct);
            if (n == 0)
            {
                break;
            }

            if (bytes == 0)
            {
                firstByte = clock.Elapsed;
            }

            bytes += n;
            var span = buffer.AsSpan(0, kept + n);
            items += Count(span);
            // A marker split across reads is found next time; a kept tail is too short to hold a whole one.
            kept = Math.Min(ItemMarker.Length - 1, span.Length);
            span[^kept..].CopyTo(buffer);
        }

        return (items, bytes, 1, firstByte);
    }

    private static async Task<(long Items, long Bytes, int Pages, TimeSpan FirstByte)> PagedAsync(HttpClient http, int limit, Stopwatch clock, CancellationToken ct)
    {
        long bytes = 0, items = 0;
        var pages = 0;
        var firstByte = TimeSpan.Zero;
        string? token = null;
        do
        {
            var path = $"/api/v1/pods?limit={limit}" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token));
            var page = await http.GetByteArrayAsync(path, ct);
            if (pages++ == 0)
            {
                firstByte = clock.Elapsed;
            }

            bytes += page.Length;
            items += Count(page);
            token = ContinueToken(page);
        }
        while (token is not null);

        return (items, bytes, pages, firstByte);
    }

    private static long Count(ReadOnlySpan<byte> data)
    {
        long count = 0;
        for (var at = data.IndexOf(ItemMarker); at >= 0; at = data.IndexOf(ItemMarker))
        {
            count++;
            data = data[(at + ItemMarker.Length)..];
        }

        return count;
    }

    /// <summary>metadata.continue of a list page, read without parsing the items (metadata comes first).</summary>
    private static string? ContinueToken(byte[] page)
    {
        var reader = new Utf8JsonReader(page);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.CurrentDepth == 1 && reader.ValueTextEquals("items"u8))
            {
                return null;
            }

            if (reader.CurrentDepth == 2 && reader.ValueTextEquals("continue"u8))
            {
                reader.Read();
                return reader.GetString() is { Length: > 0 } token ? token : null;
            }
        }

        return null;
    }
}
