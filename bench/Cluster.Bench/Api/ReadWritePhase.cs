namespace Cluster.Bench.Api;

/// <summary>
/// Phase 1: create, merge-patch and get throughput with N concurrent clients, then an open-loop run with writes
/// and reads each at a fixed rate, where the targets are write p99 ≤ 50 ms and read p99 ≤ 10 ms.
/// </summary>
public static class ReadWritePhase
{
    public const string Namespace = "bench-rw";
    private const string PodsPath = "/api/v1/namespaces/" + Namespace + "/pods";

    /// <summary>Rows: create, update, get (closed loop), then the paced writes and reads.</summary>
    public static async Task<IReadOnlyList<ApiRow>> RunAsync(NodeProcess node, ApiBenchOptions options, TextWriter log, CancellationToken ct, Action<SocketsHttpHandler>? tls = null)
    {
        using var api = new ApiClient(node.BaseUri, options.Clients, tls);
        await api.EnsureNamespaceAsync(Namespace, ct);
        var clients = options.Clients;
        var all = long.MaxValue;

        // Every operation measured below runs in the warm-up too, long enough for tiered JIT
        // compilation to settle: the phases measure the steady state, not the first calls.
        log.WriteLine(Report.F($"  warm-up: {options.WarmUp.TotalSeconds:0.#} s of creates, merge patches and gets (not measured)"));
        await Load.ClosedLoopAsync(clients, options.WarmUp, all, (_, op) => (op % 3) switch
        {
            0 => api.SendAsync(HttpMethod.Post, PodsPath, ApiClient.Pod(Namespace, $"warm-{op}", "warm"), ApiClient.Json, ct),
            1 => api.SendAsync(HttpMethod.Get, $"{PodsPath}/warm-{op - 1}", null, null, ct),
            _ => api.SendAsync(HttpMethod.Patch, $"{PodsPath}/warm-{op - 2}", ApiClient.LabelPatch(op), ApiClient.MergePatch, ct),
        }, ct);

        var rows = new List<ApiRow>();
        var create = await MeasureAsync(node, "create (POST pod)", clients.ToString(System.Globalization.CultureInfo.InvariantCulture), () =>
            Load.ClosedLoopAsync(clients, options.PhaseDuration, all, (_, op) =>
                api.SendAsync(HttpMethod.Post, PodsPath, ApiClient.Pod(Namespace, $"rw-{op}", "rw"), ApiClient.Json, ct), ct));
        rows.Add(create);
        log.WriteLine(Report.F($"  created {create.Summary.Count:N0} pods in {Namespace}"));

        var pods = Math.Max(1, create.Summary.Count);
        var random = Enumerable.Range(0, clients).Select(i => new Random(options.Seed + i)).ToArray();
        rows.Add(await MeasureAsync(node, "update (PATCH label, merge)", rows[0].Clients, () =>
            Load.ClosedLoopAsync(clients, options.PhaseDuration, all, (worker, op) =>
                api.SendAsync(HttpMethod.Patch, $"{PodsPath}/rw-{random[worker].NextInt64(pods)}", ApiClient.LabelPatch(op), ApiClient.MergePatch, ct), ct)));
        rows.Add(await MeasureAsync(node, "get (GET pod)", rows[0].Clients, () =>
            Load.ClosedLoopAsync(clients, options.PhaseDuration, all, (worker, _) =>
                api.SendAsync(HttpMethod.Get, $"{PodsPath}/rw-{random[worker].NextInt64(pods)}", null, null, ct), ct)));

        log.WriteLine(Report.F($"  paced: {options.WriteRate:N0} PATCH/s and {options.ReadRate:N0} GET/s for {options.PacedDuration.TotalSeconds:0.#} s, open loop"));
        using var paced = new ApiClient(node.BaseUri, 2048, tls);
        var writeRandom = new Random(options.Seed + 1000);
        var readRandom = new Random(options.Seed + 2000);
        var load = MachineLoad.Start(node.Pid);
        var writes = Load.PacedAsync(options.WriteRate, options.PacedDuration, op =>
            paced.SendAsync(HttpMethod.Patch, $"{PodsPath}/rw-{writeRandom.NextInt64(pods)}", ApiClient.LabelPatch(op), ApiClient.MergePatch, ct), ct);
        var stale = options.StaleReads ? "?resourceVersion=0" : "";
        var reads = Load.PacedAsync(options.ReadRate, options.PacedDuration, _ =>
            paced.SendAsync(HttpMethod.Get, $"{PodsPath}/rw-{readRandom.NextInt64(pods)}{stale}", null, null, ct), ct);
        await Task.WhenAll(writes, reads);
        var (server, bench) = load.Ours.Used();
        log.WriteLine("  paced run " + load.Describe());
        // The CPU of the mixed run is split between its two rows in proportion to their requests.
        var share = (double)writes.Result.Count / Math.Max(1, writes.Result.Count + reads.Result.Count);
        rows.Add(new ApiRow(Report.F($"paced writes {options.WriteRate:0}/s (PATCH)"), "open", writes.Result, server * share, bench * share));
        rows.Add(new ApiRow(Report.F($"paced reads {options.ReadRate:0}/s (GET{(options.StaleReads ? " rv=0" : "")})"), "open", reads.Result, server * (1 - share), bench * (1 - share)));
        return rows;
    }

    private static async Task<ApiRow> MeasureAsync(NodeProcess node, string name, string clients, Func<Task<LatencySummary>> run)
    {
        var meter = CpuMeter.Start(node.Pid);
        var summary = await run();
        var (server, bench) = meter.Used();
        return new ApiRow(name, clients, summary, server, bench);
    }
}
