using Cluster.Controllers.EndpointSlices;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s.Models;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The EndpointSlice controller on a node's real registry: informers, the reconcile loop and writes under the registry's rules.</summary>
public sealed class EndpointSliceControllerTests : IAsyncLifetime
{
    private readonly FailureLog _log = new();
    private ControllerTestHost _host = null!;
    private ReconcileLoop _loop = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("eps-node");
        var controller = new EndpointSliceController(_host.Informers, new RegistryWriter(Registry, "endpointslice-controller"), TimeProvider.System);
        _loop = new ReconcileLoop(controller, workers: 2, TimeProvider.System, _log);
        controller.Watch(_loop);
        await _host.RunAsync(_loop);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SelectorService_PodsComeGetReadyAndGo_SliceFollows_AndGoesWithTheService()
    {
        await _host.CreateAsync(BuiltInKinds.Node, """{"apiVersion":"v1","kind":"Node","metadata":{"name":"zoned","labels":{"topology.kubernetes.io/zone":"zone-a"}}}""");
        await _host.CreateAsync(BuiltInKinds.Service, """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","labels":{"tier":"front"}},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":"http"}]}}""");
        var placeholder = await UntilAsync(s => s.Endpoints is null or { Count: 0 });
        Assert.Null(placeholder.Ports);

        await CreatePodAsync("web-a", "10.1.0.1", ready: true);
        await CreatePodAsync("web-b", "10.1.0.2", ready: false);
        var slice = await UntilAsync(s => s.Endpoints?.Count == 2);
        Assert.Equal(placeholder.Metadata.Name, slice.Metadata.Name);
        Assert.Equal([true, false], slice.Endpoints.Select(e => e.Conditions.Ready!.Value));
        Assert.Equal(("zoned", "zone-a", "web-a"), (slice.Endpoints[0].NodeName, slice.Endpoints[0].Zone, slice.Endpoints[0].TargetRef.Name));
        Assert.Equal(("http", 8080), (slice.Ports.Single().Name, slice.Ports.Single().Port!.Value));
        Assert.Equal(("web", "endpointslice-controller.k8s.io", "front"), (slice.Metadata.Labels["kubernetes.io/service-name"], slice.Metadata.Labels["endpointslice.kubernetes.io/managed-by"], slice.Metadata.Labels["tier"]));
        Assert.Equal(("Service", "web", true), (slice.Metadata.OwnerReferences.Single().Kind, slice.Metadata.OwnerReferences.Single().Name, slice.Metadata.OwnerReferences.Single().Controller == true));

        await SetStatusAsync("web-b", "10.1.0.2", ready: true);
        await UntilAsync(s => s.Endpoints?.All(e => e.Conditions.Ready == true) == true);

        await Registry.DeleteAsync(BuiltInKinds.Pod, "default", "web-a", new DeleteOptions(GracePeriodSeconds: 0), CancellationToken.None);
        await UntilAsync(s => s.Endpoints?.Select(e => e.Addresses[0]).SequenceEqual(["10.1.0.2"]) == true);

        await Registry.DeleteAsync(BuiltInKinds.Service, "default", "web", DeleteOptions.Default, CancellationToken.None);
        for (var i = 0; i < 200 && Slices().Count > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Empty(Slices());
    }

    [Fact]
    public async Task ServiceWithoutSelector_NoSliceMade()
    {
        await _host.CreateAsync(BuiltInKinds.Service, """{"apiVersion":"v1","kind":"Service","metadata":{"name":"external"},"spec":{"ports":[{"port":5432}]}}""");
        await _host.CreateAsync(BuiltInKinds.Service, """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}""");

        // The selector Service's slice shows the controller has handled both.
        await UntilAsync(_ => true);
        Assert.DoesNotContain(Slices(), s => s.Metadata.Labels["kubernetes.io/service-name"] == "external");
    }

    private List<V1EndpointSlice> Slices() =>
        [.. Registry.Cache(BuiltInKinds.EndpointSlice).List("default").Items.Select(CachedObjectJson.As<V1EndpointSlice>)];

    private Task CreatePodAsync(string name, string ip, bool ready) => _host.CreateServingPodAsync(name, ip, ready, node: "zoned");

    private Task SetStatusAsync(string name, string ip, bool ready) => _host.SetPodStatusAsync(name, ip, ready);

    private async Task<V1EndpointSlice> UntilAsync(Func<V1EndpointSlice, bool> condition)
    {
        List<V1EndpointSlice> last = [];
        for (var i = 0; i < 200; i++)
        {
            last = [.. Slices().Where(s => s.Metadata.Labels?["kubernetes.io/service-name"] == "web")];
            if (last.Count == 1 && condition(last[0]))
            {
                return last[0];
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"The slice never reached the expected state; last: {k8s.KubernetesJson.Serialize(last)}; controller: {_loop.Stats}, last failure: {_log.Last}");
    }
}
