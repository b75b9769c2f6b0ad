using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cluster.Bench.Api;
using Cluster.Node.Proxy;

namespace Cluster.Bench.Proxy;

/// <summary>
/// Service networking against a real node process (proxy in iptables mode, DNS on a free loopback port) with
/// <c>--services</c> Services, each with an EndpointSlice of three addresses:
/// <list type="number">
/// <item>rule sync: an EndpointSlice gains an address; the time from the API's answer to the PATCH until the new
/// endpoint's chain is in the kernel (<c>iptables -S</c> on it succeeds), p50/p99 over <c>--changes</c> changes;</item>
/// <item>a ClusterIP beside the endpoint itself, in the same run and in <c>--rounds</c> alternating rounds: connections
/// per second (connect, one request, one answer, close) and bulk throughput over one connection, to a sink in a pod's
/// network namespace (<see cref="PodSink"/>; without Docker, a sink in this process on the node's address);</item>
/// <item>DNS: A queries for the Services' names from <c>--dns-clients</c> UDP clients of dnsperf for <c>--seconds</c>,
/// with the node's CPU per query.</item>
/// </list>
/// Targets: rule sync p99 ≤ 1 s with 1,000 Services, ClusterIP ≥ 0.9× direct, ≥ 20,000 DNS queries/s. Needs root
/// and iptables (it programs the host's nat table, removed when the node stops).
/// </summary>
public static class ProxyBenchmark
{
    public const string Usage = "proxy [--services N] [--changes N] [--seconds N] [--rounds N] [--dns-clients N]";
    private const string Namespace = "bench-proxy";

    public static async Task<int> Run(string[] args)
    {
        var services = CommandLine.Int(args, "--services") ?? 1000;
        var changes = CommandLine.Int(args, "--changes") ?? 50;
        var seconds = CommandLine.Int(args, "--seconds") ?? 5;
        var rounds = CommandLine.Int(args, "--rounds") ?? 3;
        var dnsClients = CommandLine.Int(args, "--dns-clients") ?? 16;
        using var cancel = CommandLine.CancelOnCtrlC();
        var ct = cancel.Token;
        var output = Console.Out;
        if (!await new Iptables().UsableAsync(ct))
        {
            Console.Error.WriteLine("proxy: iptables cannot be used here (run as root with iptables installed)");
            return 2;
        }

        try
        {
            return await RunAsync(services, changes, seconds, rounds, dnsClients, output, ct);
        }
        finally
        {
            // The node removes its rules when it stops in time; if it was killed they would stay on the host.
            await new IptablesBackend(new Iptables(), PodNetwork.DefaultDockerCidr).CleanupAsync(CancellationToken.None);
        }
    }

    private static async Task<int> RunAsync(int services, int changes, int seconds, int rounds, int dnsClients, TextWriter output, CancellationToken ct)
    {
        var dnsPort = FreeUdpPort();
        await using var node = await NodeProcess.StartAsync(Path.GetTempPath(), new Dictionary<string, string>(), NodeProcess.FreePort(),
            ["--proxy:mode=iptables", "--dns:enabled=true", "--dns:address=127.0.0.1", "--dns:port=" + dnsPort.ToString(CultureInfo.InvariantCulture),
            ], ct);
        using var api = new ApiClient(node.BaseUri, 32);
        await api.EnsureNamespaceAsync(Namespace, ct);

        output.WriteLine(Report.F($"== {services:N0} Services with three endpoints each =="));
        var created = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, services), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
        {
            await Must(api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{Namespace}/services", Json(ServiceJson(i)), ApiClient.Json, token));
            await Must(api.SendAsync(HttpMethod.Post, $"/apis/discovery.k8s.io/v1/namespaces/{Namespace}/endpointslices", Json(SliceJson(i, 3)), ApiClient.Json, token));
        });
        output.WriteLine(Report.F($"  created in {created.Elapsed.TotalSeconds:0.0} s"));
        var lastPort = Port(services - 1, 3);
        await UntilAsync(() => ChainExistsAsync(IptablesRules.EndpointChain(lastPort, lastPort.Endpoints[^1]), ct), TimeSpan.FromSeconds(120), "the first sync");

        // 1. Rule sync.
        var latencies = new List<double>();
        for (var change = 0; change < changes; change++)
        {
            var i = change * 7 % services;
            var port = Port(i, 4 + change);
            var chain = IptablesRules.EndpointChain(port, port.Endpoints[^1]);
            var patch = Json("{\"endpoints\":" + Endpoints(i, 4 + change) + "}");
            var started = Stopwatch.GetTimestamp();
            await Must(api.SendAsync(HttpMethod.Patch, $"/apis/discovery.k8s.io/v1/namespaces/{Namespace}/endpointslices/svc-{i}", patch, ApiClient.MergePatch, ct));
            var patched = Stopwatch.GetElapsedTime(started);
            await UntilAsync(() => ChainExistsAsync(chain, ct), TimeSpan.FromSeconds(30), "change " + change);
            latencies.Add((Stopwatch.GetElapsedTime(started) - patched).TotalMilliseconds);
        }

        var sorted = latencies.Order().ToArray();
        var p99 = Percentiles.Of(sorted, 0.99);
        output.WriteLine(Report.F($"  rule sync after an EndpointSlice change ({changes} changes): p50 {Percentiles.Of(sorted, 0.5):0} ms  p99 {p99:0} ms  max {sorted[^1]:0} ms   target p99 <= 1000 ms: {(p99 <= 1000 ? "met" : "NOT met")}"));

        // 2. ClusterIP beside direct, to a pod's network namespace when Docker is there.
        await using var pod = await PodSink.TryStartAsync(output, ct);
        using var hostSink = pod is null ? new Sink(HostAddress()) : null;
        var (endpoint, endpointPort, where) = pod is null
            ? (HostAddress(), hostSink!.Port, "a sink in this process on the node's address")
            : (pod.Address, PodSink.Port, "a sink in a pod's network namespace behind docker0");
        await Must(api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{Namespace}/services", Json(ServiceJson(services, "10.100.200.1")), ApiClient.Json, ct));
        await Must(api.SendAsync(HttpMethod.Post, $"/apis/discovery.k8s.io/v1/namespaces/{Namespace}/endpointslices",
            Json(SliceJson(services, 0, $$$"""[{"addresses":["{{{endpoint}}}"],"conditions":{"ready":true}}]""", endpointPort)), ApiClient.Json, ct));
        var clusterIp = IPAddress.Parse("10.100.200.1");
        await UntilAsync(async () => await Sink.TryConnectAsync(clusterIp, 80, ct), TimeSpan.FromSeconds(30), "the sink's ClusterIP");
        output.WriteLine(Report.F($"== a ClusterIP beside its endpoint ({endpoint}:{endpointPort}, {where}), {rounds} rounds of {seconds} s each, alternating which goes first =="));
        var (direct, viaService, directMb, serviceMb) = (0.0, 0.0, 0.0, 0.0);
        for (var round = 0; round < rounds; round++)
        {
            // Alternating the order cancels a machine that grows busier or quieter over a round.
            var first = round % 2 == 0;
            var (d, v) = first
                ? (await Sink.ConnectionsPerSecondAsync(endpoint, endpointPort, seconds, ct), await Sink.ConnectionsPerSecondAsync(clusterIp, 80, seconds, ct))
                : Swap(await Sink.ConnectionsPerSecondAsync(clusterIp, 80, seconds, ct), await Sink.ConnectionsPerSecondAsync(endpoint, endpointPort, seconds, ct));
            var (dm, vm) = first
                ? (await Sink.ThroughputAsync(endpoint, endpointPort, seconds, ct), await Sink.ThroughputAsync(clusterIp, 80, seconds, ct))
                : Swap(await Sink.ThroughputAsync(clusterIp, 80, seconds, ct), await Sink.ThroughputAsync(endpoint, endpointPort, seconds, ct));
            output.WriteLine(Report.F($"  round {round + 1}: connections/s {d,8:N0} direct {v,8:N0} ClusterIP ({v / d:0.00})   MB/s {dm,6:N0} direct {vm,6:N0} ClusterIP ({vm / dm:0.00})"));
            (direct, viaService, directMb, serviceMb) = (direct + d, viaService + v, directMb + dm, serviceMb + vm);
        }

        output.WriteLine(Report.F($"  connections/s   direct {direct / rounds,9:N0}   ClusterIP {viaService / rounds,9:N0}   ratio {viaService / direct:0.00}"));
        output.WriteLine(Report.F($"  throughput MB/s direct {directMb / rounds,9:N0}   ClusterIP {serviceMb / rounds,9:N0}   ratio {serviceMb / directMb:0.00}   target >= 0.90: {(serviceMb / directMb >= 0.9 && viaService / direct >= 0.9 ? "met" : "NOT met")}"));

        // 3. DNS.
        output.WriteLine(Report.F($"== DNS: A queries for the Services' names, {dnsClients} UDP clients, {seconds} s =="));
        var names = Enumerable.Range(0, services).Select(i => $"svc-{i}.{Namespace}.svc.cluster.local").ToArray();
        var load = Api.MachineLoad.Start(node.Pid);
        var dns = await DnsLoad.RunAsync(new IPEndPoint(IPAddress.Loopback, dnsPort), names, dnsClients, seconds, output, ct);
        var cpu = load.Measure();
        var qps = dns.QueriesPerSecond;
        output.WriteLine(Report.F($"  {qps:N0} queries/s answered by {dns.Tool} ({dns.Failed:N0} unanswered{(dns.ResponseCodes.Length > 0 ? "; responses " + dns.ResponseCodes : "")})   target >= 20,000: {(qps >= 20000 ? "met" : "NOT met")}"));
        output.WriteLine(Report.F($"  node CPU {cpu.Nodes.TotalMicroseconds / Math.Max(1, dns.Answered):0.0} µs per query; the load generator and other processes {cpu.OtherCores:0.00} cores"));
        return 0;
    }

    private static (double, double) Swap(double clusterIp, double direct) => (direct, clusterIp);

    private static ProxyServicePort Port(int i, int endpoints) => new(
        Namespace, "svc-" + i.ToString(CultureInfo.InvariantCulture), "http", "TCP", [], 80, 0, [], false, 10800, false, false,
        [.. Enumerable.Range(0, endpoints).Select(e => new ProxyEndpoint(Address(i, e), 8080, true, false))]);

    private static IPAddress Address(int i, int e) => IPAddress.Parse($"10.{200 + (e % 50)}.{i / 250}.{(i % 250) + 1}");

    private static string Endpoints(int i, int count) =>
        "[" + string.Join(",", Enumerable.Range(0, count).Select(e => $$$"""{"addresses":["{{{Address(i, e)}}}"],"conditions":{"ready":true}}""")) + "]";

    private static string ServiceJson(int i, string? clusterIp = null) =>
        $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc-{{{i}}}","namespace":"{{{Namespace}}}"},"spec":{{{{(clusterIp is null ? "" : $"\"clusterIP\":\"{clusterIp}\",")}}}"ports":[{"name":"http","port":80,"protocol":"TCP"}]}}""";

    private static string SliceJson(int i, int endpoints, string? endpointJson = null, int port = 8080) =>
        $$$"""{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"svc-{{{i}}}","namespace":"{{{Namespace}}}","labels":{"kubernetes.io/service-name":"svc-{{{i}}}","endpointslice.kubernetes.io/managed-by":"bench"}},"addressType":"IPv4","ports":[{"name":"http","port":{{{port}}},"protocol":"TCP"}],"endpoints":{{{endpointJson ?? Endpoints(i, endpoints)}}}}""";

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task Must(Task<string?> request)
    {
        if (await request is { } error)
        {
            throw new InvalidOperationException(error);
        }
    }

    private static async Task<bool> ChainExistsAsync(string chain, CancellationToken ct)
    {
        var info = new ProcessStartInfo("iptables") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-w", "5", "-t", "nat", "-S", chain })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        await process.WaitForExitAsync(ct);
        return process.ExitCode == 0;
    }

    private static async Task UntilAsync(Func<Task<bool>> done, TimeSpan limit, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await done())
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException(what + " did not happen within " + limit);
            }

            await Task.Delay(5);
        }
    }

    private static int FreeUdpPort()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
    }

    /// <summary>The host's first non-loopback, non-bridge IPv4 address: what a node reports as its InternalIP.</summary>
    private static IPAddress HostAddress() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback && !n.Name.StartsWith("docker", StringComparison.Ordinal))
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;
}
