using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Dns;

/// <summary>A node's cluster DNS asked by the real <c>dig</c> (Debian's dnsutils), about objects made with the real kubectl.</summary>
public sealed class DnsDigTests(DnsDigTests.Cluster cluster) : IClassFixture<DnsDigTests.Cluster>
{
    [Fact]
    public async Task Dig_ServicesOfEveryKind_AnsweredAsTheSpecificationSays()
    {
        KubectlAssert.Succeeded(await cluster.RunWithInputAsync(Manifests, "apply", "-f", "-"));
        var clusterIp = KubectlAssert.Succeeded(await cluster.RunAsync("get", "service", "kubernetes", "-n", "default", "-o", "jsonpath={.spec.clusterIP}")).StdOut.Trim();
        var octets = clusterIp.Split('.');

        Assert.Equal(clusterIp, await DigAsync("kubernetes.default.svc.cluster.local", "A"));
        Assert.Equal("kubernetes.default.svc.cluster.local.", await DigAsync("-x", clusterIp));
        Assert.Equal("search.example.com.", await DigAsync("search.dig.svc.cluster.local", "CNAME"));
        Assert.Equal("10.9.0.1\n10.9.0.2", await DigAsync("db.dig.svc.cluster.local", "A"));
        Assert.Equal("10.9.0.1", await DigAsync("db-0.db.dig.svc.cluster.local", "A"));
        Assert.Equal("0 100 5432 10-9-0-2.db.dig.svc.cluster.local.\n0 100 5432 db-0.db.dig.svc.cluster.local.", await DigAsync("_pg._tcp.db.dig.svc.cluster.local", "SRV"));
        Assert.Equal("NXDOMAIN", await DigStatusAsync("missing.dig.svc.cluster.local"));
        Assert.Equal($"{octets[3]}.{octets[2]}.{octets[1]}.{octets[0]}.in-addr.arpa.", (await DigAsync("-x", clusterIp, "+noall", "+answer")).Split('\t', ' ')[0]);
    }

    [Fact]
    public async Task Dig_AfterAFloodOfMalformedPackets_StillAnswers()
    {
        using (var flood = new UdpClient())
        {
            var random = new Random(11);
            for (var i = 0; i < 2000; i++)
            {
                var packet = new byte[random.Next(1, 1500)];
                random.NextBytes(packet);
                await flood.SendAsync(packet, new IPEndPoint(IPAddress.Loopback, cluster.DnsPort));
            }
        }

        Assert.Equal("NOERROR", await DigStatusAsync("kubernetes.default.svc.cluster.local", "+tcp"));
        Assert.Equal("NOERROR", await DigStatusAsync("kubernetes.default.svc.cluster.local"));

        // Stopping the server is part of a clean shutdown (exit code 0), and the restarted node serves again.
        await cluster.RestartAsync();
        Assert.Equal("NOERROR", await DigStatusAsync("kubernetes.default.svc.cluster.local"));
    }

    private async Task<string> DigStatusAsync(params string[] args)
    {
        var output = await RunDigAsync([.. args, "+noall", "+comments"]);
        var header = output.Split('\n').First(l => l.Contains("status:", StringComparison.Ordinal));
        return header[(header.IndexOf("status: ", StringComparison.Ordinal) + 8)..].Split(',')[0];
    }

    /// <summary><c>dig +short</c>, its lines sorted (the order of records is not part of the answer).</summary>
    private async Task<string> DigAsync(params string[] args)
    {
        var output = await RunDigAsync(args.Contains("+answer") ? args : [.. args, "+short"]);
        return string.Join('\n', output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
    }

    private async Task<string> RunDigAsync(string[] args)
    {
        var info = new ProcessStartInfo("dig") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["@127.0.0.1", "-p", cluster.DnsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "+time=5", "+tries=1", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        using var dig = Process.Start(info)!;
        var output = await dig.StandardOutput.ReadToEndAsync();
        await dig.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(dig.ExitCode == 0, $"dig {string.Join(' ', args)} exited {dig.ExitCode}: {output}{await dig.StandardError.ReadToEndAsync()}");
        return output;
    }

    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: dig}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: search, namespace: dig}
        spec: {type: ExternalName, externalName: search.example.com}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: dig}
        spec:
          clusterIP: None
          ports: [{name: pg, port: 5432}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-manual
          namespace: dig
          labels: {kubernetes.io/service-name: db, endpointslice.kubernetes.io/managed-by: dig-test}
        addressType: IPv4
        ports: [{name: pg, protocol: TCP, port: 5432}]
        endpoints:
        - addresses: [10.9.0.1]
          hostname: db-0
          conditions: {ready: true}
        - addresses: [10.9.0.2]
          conditions: {ready: true}
        - addresses: [10.9.0.3]
          conditions: {ready: false}
        """;

    /// <summary>A node serving DNS on a free loopback port (the tests' nodes would otherwise race for port 53).</summary>
    public sealed class Cluster : KubectlCluster
    {
        public int DnsPort { get; } = FreePort();

        protected override string[] NodeArguments => ["--dns:enabled=true", "--dns:address=127.0.0.1", "--dns:port=" + DnsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)];

        private static int FreePort()
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        }
    }
}
