using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Cluster.Core.Registry;
using Cluster.Node.Dns;
using Cluster.Node.Tests.Controllers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Dns;

/// <summary>Cluster DNS over a registry holding Services and EndpointSlices, asked in-process and over real UDP and TCP.</summary>
public sealed class ClusterDnsTests : IAsyncLifetime
{
    private ControllerTestHost _host = null!;
    private ClusterDnsResolver _resolver = null!;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("dns-node");
        _resolver = new ClusterDnsResolver(new ServiceDirectory(_host.Registry), "cluster.local");
        await _host.CreateAsync(BuiltInKinds.Service, """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}""");
        await _host.CreateAsync(BuiltInKinds.Service, """{"apiVersion":"v1","kind":"Service","metadata":{"name":"db"},"spec":{"clusterIP":"None","selector":{"app":"db"},"ports":[{"name":"pg","port":5432}]}}""");
        await _host.CreateAsync(BuiltInKinds.Service, """{"apiVersion":"v1","kind":"Service","metadata":{"name":"search"},"spec":{"type":"ExternalName","externalName":"search.example.com"}}""");
        await _host.CreateAsync(BuiltInKinds.EndpointSlice, """
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"db-1","labels":{"kubernetes.io/service-name":"db"}},
             "addressType":"IPv4","ports":[{"name":"pg","protocol":"TCP","port":5432}],
             "endpoints":[{"addresses":["10.1.0.5"],"hostname":"db-0","conditions":{"ready":true}},
                          {"addresses":["10.1.0.6"],"conditions":{"ready":true}},
                          {"addresses":["10.1.0.7"],"hostname":"db-2","conditions":{"ready":false}}]}
            """);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void Answer_ClusterIpService_ItsClusterIp()
    {
        var clusterIp = ClusterIpOf("web");

        var response = Ask("web.default.svc.cluster.local", RecordType.A);

        Assert.Equal(ReturnCode.NoError, response.ReturnCode);
        Assert.True(response.IsAuthoritiveAnswer);
        Assert.Equal([clusterIp], response.AnswerRecords.OfType<ARecord>().Select(r => r.Address));
        Assert.Equal(ClusterDnsResolver.Ttl, response.AnswerRecords[0].TimeToLive);
    }

    [Fact]
    public void Answer_HeadlessService_EachReadyEndpointAndItsHostname()
    {
        var all = Ask("db.default.svc.cluster.local", RecordType.A);
        var host = Ask("db-0.db.default.svc.cluster.local", RecordType.A);
        var dashed = Ask("10-1-0-6.db.default.svc.cluster.local", RecordType.A);
        var notReady = Ask("db-2.db.default.svc.cluster.local", RecordType.A);

        Assert.Equal(["10.1.0.5", "10.1.0.6"], all.AnswerRecords.OfType<ARecord>().Select(r => r.Address.ToString()).Order());
        Assert.Equal("10.1.0.5", Assert.Single(host.AnswerRecords.OfType<ARecord>()).Address.ToString());
        Assert.Equal("10.1.0.6", Assert.Single(dashed.AnswerRecords.OfType<ARecord>()).Address.ToString());
        Assert.Equal(ReturnCode.NxDomain, notReady.ReturnCode);
    }

    [Fact]
    public void Answer_NamedPorts_SrvForTheServiceOrEachEndpoint()
    {
        var web = Ask("_http._tcp.web.default.svc.cluster.local", RecordType.Srv);
        var db = Ask("_pg._tcp.db.default.svc.cluster.local", RecordType.Srv);
        var unknownPort = Ask("_ftp._tcp.web.default.svc.cluster.local", RecordType.Srv);

        var webSrv = Assert.Single(web.AnswerRecords.OfType<SrvRecord>());
        Assert.Equal((80, "web.default.svc.cluster.local."), (webSrv.Port, webSrv.Target.ToString()));
        Assert.Equal(
            ["10-1-0-6.db.default.svc.cluster.local.:5432", "db-0.db.default.svc.cluster.local.:5432"],
            db.AnswerRecords.OfType<SrvRecord>().Select(r => r.Target + ":" + r.Port).Order());
        Assert.Equal(2, db.AdditionalRecords.OfType<ARecord>().Count());
        Assert.Equal(ReturnCode.NxDomain, unknownPort.ReturnCode);
    }

    [Fact]
    public void Answer_ReverseExternalNameAndPods()
    {
        var clusterIp = ClusterIpOf("web");
        var octets = clusterIp.GetAddressBytes();

        var ptr = Ask($"{octets[3]}.{octets[2]}.{octets[1]}.{octets[0]}.in-addr.arpa", RecordType.Ptr);
        var endpointPtr = Ask("5.0.1.10.in-addr.arpa", RecordType.Ptr);
        var external = Ask("search.default.svc.cluster.local", RecordType.A);
        var pod = Ask("10-1-2-3.default.pod.cluster.local", RecordType.A);
        var version = Ask("dns-version.cluster.local", RecordType.Txt);

        Assert.Equal("web.default.svc.cluster.local.", Assert.Single(ptr.AnswerRecords.OfType<PtrRecord>()).PointerDomainName.ToString());
        Assert.Equal("db-0.db.default.svc.cluster.local.", Assert.Single(endpointPtr.AnswerRecords.OfType<PtrRecord>()).PointerDomainName.ToString());
        Assert.Equal("search.example.com.", Assert.Single(external.AnswerRecords.OfType<CNameRecord>()).CanonicalName.ToString());
        Assert.Equal("10.1.2.3", Assert.Single(pod.AnswerRecords.OfType<ARecord>()).Address.ToString());
        Assert.Equal("1.1.0", Assert.Single(version.AnswerRecords.OfType<TxtRecord>()).TextData);
    }

    [Fact]
    public void Answer_MissingNamesInTheDomain_NxDomain_OtherNamesNotOurs()
    {
        Assert.Equal(ReturnCode.NxDomain, Ask("nope.default.svc.cluster.local", RecordType.A).ReturnCode);
        Assert.Equal(ReturnCode.NxDomain, Ask("a.b.c.d.e.cluster.local", RecordType.A).ReturnCode);
        Assert.Equal(ReturnCode.NoError, Ask("default.svc.cluster.local", RecordType.A).ReturnCode);
        Assert.Null(_resolver.Answer(Query("example.com", RecordType.A)));
        Assert.Null(_resolver.Answer(Query("9.9.9.9.in-addr.arpa", RecordType.Ptr)));
    }

    [Fact]
    public async Task Server_UdpAndTcp_AnswersAndSurvivesMalformedPackets()
    {
        var settings = new DnsSettings { Enabled = true, Address = "127.0.0.1", Port = 0, Upstream = ["127.0.0.1"], UpstreamTimeout = TimeSpan.FromMilliseconds(200) };
        using var server = new ClusterDnsServer(settings, _resolver, NullLogger<ClusterDnsServer>.Instance);
        await server.StartAsync(CancellationToken.None);
        var endpoint = server.Endpoint!;
        var clusterIp = ClusterIpOf("web");

        using (var garbage = new UdpClient())
        {
            var random = new Random(7);
            for (var i = 0; i < 500; i++)
            {
                var packet = new byte[random.Next(1, 600)];
                random.NextBytes(packet);
                await garbage.SendAsync(packet, endpoint);
            }
        }

        var udp = new DnsClient([endpoint.Address], [new UdpClientTransport(endpoint.Port)], disposeTransport: true, queryTimeout: 5000);
        var tcp = new DnsClient([endpoint.Address], [new TcpClientTransport(endpoint.Port)], disposeTransport: true, queryTimeout: 5000);
        var overUdp = await udp.ResolveAsync(DomainName.Parse("web.default.svc.cluster.local"));
        var overTcp = await tcp.ResolveAsync(DomainName.Parse("_pg._tcp.db.default.svc.cluster.local"), RecordType.Srv);

        Assert.Equal(clusterIp, Assert.Single(overUdp!.AnswerRecords.OfType<ARecord>()).Address);
        Assert.Equal(2, overTcp!.AnswerRecords.OfType<SrvRecord>().Count());
        await server.StopAsync(CancellationToken.None);
    }

    private IPAddress ClusterIpOf(string service)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(_host.Registry.Cache(BuiltInKinds.Service).Get("default", service)!.Json)!;
        return IPAddress.Parse(json["spec"]!["clusterIP"]!.GetValue<string>());
    }

    private DnsMessage Ask(string name, RecordType type) => _resolver.Answer(Query(name, type))!;

    private static DnsMessage Query(string name, RecordType type)
    {
        var query = new DnsMessage { IsRecursionDesired = true };
        query.Questions.Add(new DnsQuestion(DomainName.Parse(name), type, RecordClass.INet));
        return query;
    }
}
