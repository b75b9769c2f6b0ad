using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Namespaces;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The namespace controller on a node's real registry: a deleted namespace is emptied, reports why it waits, and goes.</summary>
public sealed class NamespaceControllerTests : IAsyncLifetime
{
    private readonly FailureLog _log = new();
    private ControllerTestHost _host = null!;
    private ReconcileLoop _loop = null!;
    private NamespaceController _controller = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("ns-node");
        var controller = _controller = new NamespaceController(Registry.Kinds, _host.Informers, new RegistryWriter(Registry, "namespace-controller"), new RegistryNamespaceFinalizer(Registry, "namespace-controller"), TimeProvider.System, NullLogger.Instance);
        _loop = new ReconcileLoop(controller, workers: 2, TimeProvider.System, _log);
        controller.Watch(_loop);
        await _host.RunAsync(_loop);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task DeletedNamespace_ContentWithAFinalizer_WaitsSayingWhyThenIsEmptiedAndRemoved()
    {
        await CreateAsync(BuiltInKinds.Namespace, "", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"doomed"}}""");
        await CreateAsync(BuiltInKinds.ConfigMap, "doomed", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"plain"}}""");
        await CreateAsync(BuiltInKinds.ConfigMap, "doomed", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}""");
        await CreateAsync(BuiltInKinds.Pod, "doomed", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"app","image":"simulated"}]}}""");
        var service = await CreateAsync(BuiltInKinds.Service, "doomed", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}""");
        var ip = service["spec"]!["clusterIP"]!.GetValue<string>();

        await Registry.DeleteAsync(BuiltInKinds.Namespace, "", "doomed", DeleteOptions.Default, CancellationToken.None);

        var waiting = await UntilAsync(ns => ns?.Status?.Conditions?.Any(c => c.Type == "NamespaceFinalizersRemaining" && c.Status == "True") == true);
        Assert.Equal(
            "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
            waiting!.Status.Conditions.Single(c => c.Type == "NamespaceFinalizersRemaining").Message);
        Assert.Equal("Terminating", waiting.Status.Phase);
        Assert.Equal(["held"], Registry.Cache(BuiltInKinds.ConfigMap).List("doomed").Items.Select(c => c.Name));
        Assert.Empty(Registry.Cache(BuiltInKinds.Pod).List("doomed").Items);
        Assert.Null(Registry.Cache(BuiltInKinds.IPAddress).Get("", ip));

        await Registry.PatchAsync(BuiltInKinds.ConfigMap, "doomed", "held", PatchType.Merge, JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!, null, WriteOptions.Default, CancellationToken.None);

        await UntilAsync(ns => ns is null);
        Assert.Empty(Registry.Cache(BuiltInKinds.ConfigMap).List("doomed").Items);
    }

    [Fact]
    public async Task ActiveNamespace_Reconciled_LeftAlone()
    {
        await CreateAsync(BuiltInKinds.Namespace, "", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"alive"}}""");
        await CreateAsync(BuiltInKinds.ConfigMap, "alive", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""");

        var result = await _controller.ReconcileAsync("alive", CancellationToken.None);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.Single(Registry.Cache(BuiltInKinds.ConfigMap).List("alive").Items);
        Assert.Null(Registry.Cache(BuiltInKinds.Namespace).Get("", "alive")!.ToJsonObject()["status"]?["conditions"]);
    }

    private async Task<JsonObject> CreateAsync(ResourceKind kind, string ns, string json)
    {
        var reply = await Registry.CreateAsync(kind, ns, JsonNode.Parse(json)!.AsObject(), WriteOptions.Default, CancellationToken.None);
        // The controller and the assertions read the cache: let it catch up with the write.
        await Registry.SyncAsync(CancellationToken.None);
        return reply.ToJsonObject();
    }

    private async Task<V1Namespace?> UntilAsync(Func<V1Namespace?, bool> condition)
    {
        V1Namespace? last = null;
        for (var i = 0; i < 300; i++)
        {
            last = Registry.Cache(BuiltInKinds.Namespace).Get("", "doomed")?.As<V1Namespace>();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"The namespace never reached the expected state; last: {(last is null ? "gone" : k8s.KubernetesJson.Serialize(last))}; controller: {_loop.Stats}, last failure: {_log.Last}");
    }
}
