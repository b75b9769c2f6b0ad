using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Services;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>Service cluster IPs and node ports through the HTTP API: allocated on create, checked when asked for, never shared, given back.</summary>
public sealed class ServiceAllocationTests(ITestOutputHelper output)
{
    private const string Services = "/api/v1/namespaces/default/services";
    private const string IPAddresses = "/apis/networking.k8s.io/v1/ipaddresses";

    public static TheoryData<string> Backends => ApiTestHost.Backends();

    /// <summary>A Service manifest; <paramref name="spec"/> adds fields to (or, with "ports", replaces the ports of) its spec.</summary>
    private static string Service(string name, string spec = "")
    {
        var fields = JsonNode.Parse("{" + spec + "}")!.AsObject();
        fields["ports"] ??= JsonNode.Parse("""[{"name":"http","port":80}]""");
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = fields }.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Create_NodePortServiceWithoutValues_GetsAClusterIPAndNodePortInRangeAndAReservation(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);

        var (status, created) = await host.PostAsync(Services, Service("web", "\"type\":\"NodePort\""));

        Assert.Equal(201, status);
        var spec = created!["spec"]!;
        var ip = spec["clusterIP"]!.GetValue<string>();
        Assert.True(ServiceIPRange.Default.Contains(ip), ip);
        Assert.NotEqual("10.96.0.1", ip);
        Assert.Equal($"[\"{ip}\"]", spec["clusterIPs"]!.ToJsonString());
        Assert.Equal("[\"IPv4\"]", spec["ipFamilies"]!.ToJsonString());
        Assert.Equal("SingleStack", spec["ipFamilyPolicy"]!.GetValue<string>());
        var nodePort = spec["ports"]![0]!["nodePort"]!.GetValue<int>();
        Assert.InRange(nodePort, 30000, 32767);
        var (found, reservation) = await host.GetAsync(IPAddresses + "/" + ip);
        Assert.Equal(200, found);
        Assert.Equal("web", reservation!["spec"]!["parentRef"]!["name"]!.GetValue<string>());
        Assert.NotNull(host.Registry.Cache(BuiltInKinds.ServiceNodePort).Get("", nodePort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Start_KubernetesService_HoldsTheFirstAddressOnPort443()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, kubernetes) = await host.GetAsync(Services + "/kubernetes");

        Assert.Equal(200, status);
        Assert.Equal("10.96.0.1", kubernetes!["spec"]!["clusterIP"]!.GetValue<string>());
        Assert.Equal(443, kubernetes["spec"]!["ports"]![0]!["port"]!.GetValue<int>());
        Assert.Equal(200, (await host.GetAsync(IPAddresses + "/10.96.0.1")).Status);
    }

    [Theory]
    [InlineData("\"clusterIP\":\"1.2.3.4\"", "spec.clusterIP: Invalid value: \"1.2.3.4\": provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/12")]
    [InlineData("\"clusterIP\":\"10.96.0.1\"", "spec.clusterIP: Invalid value: \"10.96.0.1\": provided IP is already allocated")]
    [InlineData("\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":80}]", "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767")]
    public async Task Create_ExplicitValueOutOfRangeOrTaken_422WithUpstreamMessage(string spec, string message)
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);

        var (status, body) = await host.PostAsync(Services, Service("asks", spec));

        Assert.Equal(422, status);
        Assert.Contains(message, body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(404, (await host.GetAsync(Services + "/asks")).Status);
    }

    [Fact]
    public async Task Create_ExplicitValuesTakenByAnotherService_422AndNothingLeftReserved()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        Assert.Equal(201, (await host.PostAsync(Services, Service("first", "\"type\":\"NodePort\",\"clusterIP\":\"10.96.5.5\",\"ports\":[{\"port\":80,\"nodePort\":30080}]"))).Status);

        var (ipTaken, ipBody) = await host.PostAsync(Services, Service("second", "\"clusterIP\":\"10.96.5.5\""));
        var (portTaken, portBody) = await host.PostAsync(Services, Service("third", "\"type\":\"NodePort\",\"clusterIP\":\"10.96.6.6\",\"ports\":[{\"port\":80,\"nodePort\":30080}]"));

        Assert.Equal(422, ipTaken);
        Assert.Contains("provided IP is already allocated", ipBody!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(422, portTaken);
        Assert.Contains("spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated", portBody!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(404, (await host.GetAsync(IPAddresses + "/10.96.6.6")).Status);
    }

    [Fact]
    public async Task Create_RangeExhausted_500RangeIsFull()
    {
        // 10.0.0.0/29: six usable addresses, the first the kubernetes Service's.
        var settings = RegistrySettings.Default with { ServiceClusterIPRange = ServiceIPRange.Parse("10.0.0.0/29") };
        await using var host = await ApiTestHost.StartAsync("memory", output, settings);
        var ips = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            var (status, created) = await host.PostAsync(Services, Service("s" + i));
            Assert.Equal(201, status);
            Assert.True(ips.Add(created!["spec"]!["clusterIP"]!.GetValue<string>()));
        }

        var (full, body) = await host.PostAsync(Services, Service("one-too-many"));

        Assert.Equal(500, full);
        Assert.Equal("InternalError", body!["reason"]!.GetValue<string>());
        Assert.Contains("failed to allocate a serviceIP: range is full", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"], ips.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Delete_Service_FreesItsValuesForTheNextService()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(Services, Service("old", "\"type\":\"NodePort\",\"clusterIP\":\"10.96.7.7\",\"ports\":[{\"port\":80,\"nodePort\":30999}]"));

        Assert.Equal(200, (await host.DeleteAsync(Services + "/old")).Status);

        Assert.Equal(404, (await host.GetAsync(IPAddresses + "/10.96.7.7")).Status);
        var (status, _) = await host.PostAsync(Services, Service("new", "\"type\":\"NodePort\",\"clusterIP\":\"10.96.7.7\",\"ports\":[{\"port\":80,\"nodePort\":30999}]"));
        Assert.Equal(201, status);
    }

    [Fact]
    public async Task Patch_TypeChanges_NodePortAllocatedThenReleased()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var (_, created) = await host.PostAsync(Services, Service("flip"));
        var ip = created!["spec"]!["clusterIP"]!.GetValue<string>();

        var (toNodePort, asNodePort) = await host.PatchAsync(Services + "/flip", """{"spec":{"type":"NodePort"}}""");
        Assert.Equal(200, toNodePort);
        var nodePort = asNodePort!["spec"]!["ports"]![0]!["nodePort"]!.GetValue<int>();
        Assert.InRange(nodePort, 30000, 32767);
        Assert.Equal(ip, asNodePort["spec"]!["clusterIP"]!.GetValue<string>());
        var portName = nodePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotNull(host.Registry.Cache(BuiltInKinds.ServiceNodePort).Get("", portName));

        var (toClusterIP, asClusterIP) = await host.PatchAsync(Services + "/flip", """{"spec":{"type":"ClusterIP"}}""");
        Assert.Equal(200, toClusterIP);
        Assert.Null(asClusterIP!["spec"]!["ports"]![0]!["nodePort"]);
        await host.Registry.SyncAsync(CancellationToken.None);
        Assert.Null(host.Registry.Cache(BuiltInKinds.ServiceNodePort).Get("", portName));
        Assert.Equal(200, (await host.GetAsync(IPAddresses + "/" + ip)).Status);
    }

    [Fact]
    public async Task Create_Headless_NoAddressReservedAndFamiliesFilled()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        var before = host.Registry.Cache(BuiltInKinds.IPAddress).Count;

        var (status, created) = await host.PostAsync(Services, Service("headless", "\"clusterIP\":\"None\",\"selector\":{\"app\":\"db\"}"));

        Assert.Equal(201, status);
        Assert.Equal("[\"None\"]", created!["spec"]!["clusterIPs"]!.ToJsonString());
        Assert.Equal("SingleStack", created["spec"]!["ipFamilyPolicy"]!.GetValue<string>());
        Assert.Equal(before, host.Registry.Cache(BuiltInKinds.IPAddress).Count);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Restart_ReservationsPersist_AndOrphansAreFreed(string backend)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ApiTestHost.StartAsync(backend, output, clock: clock);
        Assert.Equal(201, (await host.PostAsync(Services, Service("kept", "\"clusterIP\":\"10.96.8.8\""))).Status);
        var orphan = ServiceAllocator.Reservation(BuiltInKinds.IPAddress, "10.96.9.9", "default", "never-made");
        Assert.Equal(201, (await host.PostAsync(IPAddresses, orphan.ToJsonString())).Status);

        // Older than a write can be in flight (twice the request timeout), the orphan is the repair's to free.
        clock.Advance(2 * RegistrySettings.Default.RequestTimeout + TimeSpan.FromSeconds(1));
        await host.RestartAsync();

        Assert.Equal(404, (await host.GetAsync(IPAddresses + "/10.96.9.9")).Status);
        var (taken, body) = await host.PostAsync(Services, Service("copy", "\"clusterIP\":\"10.96.8.8\""));
        Assert.Equal(422, taken);
        Assert.Contains("provided IP is already allocated", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
