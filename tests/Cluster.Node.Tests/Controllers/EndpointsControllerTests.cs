using System.Text;
using System.Text.Json.Nodes;
using Cluster.Controllers.Endpoints;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The endpoints controller on a node's real registry: informers, the reconcile loop and writes under the registry's rules.</summary>
public sealed class EndpointsControllerTests : IAsyncLifetime
{
    private readonly FailureLog _log = new();
    private ControllerTestHost _host = null!;
    private ReconcileLoop _loop = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("ep-node");
        var controller = new EndpointsController(_host.Informers, new RegistryWriter(Registry, "endpoint-controller"));
        _loop = new ReconcileLoop(controller, workers: 2, TimeProvider.System, _log);
        controller.Watch(_loop);
        await _host.RunAsync(_loop);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SelectorService_PodsComeAndGetReady_EndpointsFollow_AndGoWithTheService()
    {
        await CreateAsync(BuiltInKinds.Service, """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","labels":{"tier":"front"}},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":"http"}]}}""");
        await CreatePodAsync("web-a", "10.1.0.1", ready: true);
        await CreatePodAsync("web-b", "10.1.0.2", ready: false);
        await CreatePodAsync("db", "10.1.0.3", ready: true, app: "db");

        var endpoints = await UntilAsync(e => e.Subsets?.Count == 1 && e.Subsets[0].NotReadyAddresses?.Count == 1);
        var subset = endpoints.Subsets.Single();
        Assert.Equal(["10.1.0.1"], subset.Addresses.Select(a => a.Ip));
        Assert.Equal(["10.1.0.2"], subset.NotReadyAddresses.Select(a => a.Ip));
        Assert.Equal(("http", 8080), (subset.Ports.Single().Name, subset.Ports.Single().Port));
        Assert.Equal("front", endpoints.Metadata.Labels["tier"]);

        await SetStatusAsync("web-b", "10.1.0.2", ready: true);
        endpoints = await UntilAsync(e => e.Subsets?.Single().Addresses?.Count == 2);
        Assert.Null(endpoints.Subsets.Single().NotReadyAddresses);

        await Registry.DeleteAsync(BuiltInKinds.Pod, "default", "web-a", new DeleteOptions(GracePeriodSeconds: 0), CancellationToken.None);
        await UntilAsync(e => e.Subsets?.Single().Addresses?.Select(a => a.Ip).SequenceEqual(["10.1.0.2"]) == true);

        await Registry.DeleteAsync(BuiltInKinds.Service, "default", "web", DeleteOptions.Default, CancellationToken.None);
        await UntilGoneAsync();
    }

    [Fact]
    public async Task ServiceWithoutSelector_UsersEndpoints_LeftAlone()
    {
        await CreateAsync(BuiltInKinds.Service, """{"apiVersion":"v1","kind":"Service","metadata":{"name":"external"},"spec":{"ports":[{"port":5432}]}}""");
        await CreateAsync(BuiltInKinds.Endpoints, """{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"external"},"subsets":[{"addresses":[{"ip":"192.0.2.10"}],"ports":[{"port":5432}]}]}""");
        await Registry.PatchAsync(BuiltInKinds.Service, "default", "external", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"touched":"yes"}}}""")!, null, WriteOptions.Default, CancellationToken.None);

        await Task.Delay(500);
        var kept = Registry.Cache(BuiltInKinds.Endpoints).Get("default", "external");
        Assert.NotNull(kept);
        Assert.Contains("192.0.2.10", Encoding.UTF8.GetString(kept.Json), StringComparison.Ordinal);
    }

    private Task CreateAsync(ResourceKind kind, string json) => _host.CreateAsync(kind, json);

    private Task CreatePodAsync(string name, string ip, bool ready, string app = "web") => _host.CreateServingPodAsync(name, ip, ready, app);

    private Task SetStatusAsync(string name, string ip, bool ready) => _host.SetPodStatusAsync(name, ip, ready);

    private async Task<V1Endpoints> UntilAsync(Func<V1Endpoints, bool> condition)
    {
        V1Endpoints? last = null;
        for (var i = 0; i < 200; i++)
        {
            if (Registry.Cache(BuiltInKinds.Endpoints).Get("default", "web") is { } cached)
            {
                last = KubernetesJson.Deserialize<V1Endpoints>(Encoding.UTF8.GetString(cached.Json));
                if (condition(last))
                {
                    return last;
                }
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Endpoints never reached the expected state; last: {(last is null ? "none" : KubernetesJson.Serialize(last))}; controller: {_loop.Stats}, last failure: {_log.Last}; pods seen: {string.Join(", ", _host.Informers.For(BuiltInKinds.Pod).List().Select(p => p.Key + "@" + p.ResourceVersion))}; registry pods: {string.Join(", ", Registry.Cache(BuiltInKinds.Pod).List(null).Items.Select(p => p.Key + "@" + p.ResourceVersion))}");
    }

    private async Task UntilGoneAsync()
    {
        for (var i = 0; i < 200 && Registry.Cache(BuiltInKinds.Endpoints).Get("default", "web") is not null; i++)
        {
            await Task.Delay(50);
        }

        Assert.Null(Registry.Cache(BuiltInKinds.Endpoints).Get("default", "web"));
    }
}
