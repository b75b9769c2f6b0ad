using System.Globalization;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Controllers;

/// <summary>Services, EndpointSlices and namespace deletion driven by kubectl on simulated nodes with the whole control plane.</summary>
public sealed class ServiceKubectlTests(SchedulerKubectlTests.Cluster cluster) : IClassFixture<SchedulerKubectlTests.Cluster>
{
    [Fact]
    public async Task CreateServiceNodePort_Twice_EachGetsItsOwnClusterIPAndNodePortInRange()
    {
        const string ns = "nodeports";
        await cluster.RunAsync("create", "namespace", ns);

        KubectlAssert.Succeeded(await cluster.RunAsync("create", "service", "nodeport", "first", "-n", ns, "--tcp=80:8080"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "service", "nodeport", "second", "-n", ns, "--tcp=80:8080"));

        var table = KubectlTable.Parse(await cluster.OutputAsync("get", "services", "-n", ns));
        var first = table.Row("first");
        var second = table.Row("second");
        Assert.Equal(("NodePort", "NodePort"), (first["TYPE"], second["TYPE"]));
        var (firstIP, firstPort) = (first["CLUSTER-IP"], NodePortOf(first["PORT(S)"]));
        var (secondIP, secondPort) = (second["CLUSTER-IP"], NodePortOf(second["PORT(S)"]));
        Assert.True(Cluster.Core.Registry.Services.ServiceIPRange.Default.Contains(firstIP), firstIP);
        Assert.True(Cluster.Core.Registry.Services.ServiceIPRange.Default.Contains(secondIP), secondIP);
        Assert.NotEqual(firstIP, secondIP);
        Assert.InRange(firstPort, 30000, 32767);
        Assert.InRange(secondPort, 30000, 32767);
        Assert.NotEqual(firstPort, secondPort);

        var taken = await cluster.RunAsync("create", "service", "nodeport", "third", "-n", ns, "--tcp=80:8080", "--node-port=" + firstPort.ToString(CultureInfo.InvariantCulture));
        Assert.NotEqual(0, taken.ExitCode);
        Assert.Contains("provided port is already allocated", taken.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointSlices_FollowTheServicesPods()
    {
        const string ns = "slices";
        await cluster.WaitForReadyNodesAsync();
        await cluster.RunAsync("create", "namespace", ns);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "deployment", "web", "-n", ns, "--image=simulated/web:1", "--replicas=2", "--port=8080"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "service", "clusterip", "web", "-n", ns, "--tcp=80:8080"));

        var two = await ReadyAddressesAsync(ns, 2);
        Assert.Equal(2, two.Length);

        KubectlAssert.Succeeded(await cluster.RunAsync("scale", "deployment/web", "-n", ns, "--replicas=3"));
        var three = await ReadyAddressesAsync(ns, 3);
        Assert.Equal(3, three.Length);
        Assert.Subset(three.ToHashSet(), two.ToHashSet());
        var slices = KubectlTable.Parse(await cluster.OutputAsync("get", "endpointslices", "-n", ns));
        var slice = Assert.Single(slices.Rows);
        Assert.Equal(("IPv4", "8080"), (slice["ADDRESSTYPE"], slice["PORTS"]));
    }

    [Fact]
    public async Task DeleteNamespace_WithObjectsInside_Completes()
    {
        const string ns = "doomed";
        await cluster.RunAsync("create", "namespace", ns);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "configmap", "settings", "-n", ns, "--from-literal=a=b"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "deployment", "web", "-n", ns, "--image=simulated/web:1"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "service", "nodeport", "web", "-n", ns, "--tcp=80:8080"));

        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "namespace", ns, "--timeout=60s"));

        var gone = await cluster.RunAsync("get", "namespace", ns);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("NotFound", gone.StdErr, StringComparison.Ordinal);
    }

    /// <summary>The "80:31234/TCP" column's node port.</summary>
    private static int NodePortOf(string ports) =>
        int.Parse(ports[(ports.IndexOf(':', StringComparison.Ordinal) + 1)..ports.IndexOf('/', StringComparison.Ordinal)], CultureInfo.InvariantCulture);

    /// <summary>The ready addresses of the Service's EndpointSlices once there are <paramref name="count"/>.</summary>
    private async Task<string[]> ReadyAddressesAsync(string ns, int count)
    {
        string[] ready = [];
        for (var i = 0; i < 200; i++)
        {
            ready = (await cluster.OutputAsync("get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=web", "-o", "jsonpath={range .items[*].endpoints[*]}{.addresses[0]}|{.conditions.ready} {end}"))
                .Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Where(e => e.EndsWith("|true", StringComparison.Ordinal)).Select(e => e.Split('|')[0]).ToArray();
            if (ready.Length == count)
            {
                break;
            }

            await Task.Delay(100);
        }

        return ready;
    }
}
