using System.Text;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Rbac;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The clusterrole-aggregation controller on a node's real registry, over the bootstrap policy it starts with.</summary>
public sealed class ClusterRoleAggregationControllerTests : IAsyncLifetime
{
    private readonly FailureLog _log = new();
    private ControllerTestHost _host = null!;
    private ReconcileLoop _loop = null!;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("aggregation-node");
        var controller = new ClusterRoleAggregationController(_host.Informers, new RegistryWriter(_host.Registry, ClusterRoleAggregationController.Component), _log);
        _loop = new ReconcileLoop(controller, workers: 2, TimeProvider.System, _log);
        controller.Watch(_loop);
        await _host.RunAsync(_loop);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task RoleLabelledAggregateToView_ItsRulesReachViewEditAndAdmin_AndLeaveWithTheLabel()
    {
        // The defaults already hold their aggregated rules: the first pass over them writes nothing.
        var before = Versions();
        await UntilAsync(() => _loop.Stats is { QueueDepth: 0, Waiting: 0, Reconciles: > 0 }, "the defaults reconciled");
        Assert.Equal(before, Versions());

        await _host.CreateAsync(BuiltInKinds.ClusterRole, """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"crontab-reader","labels":{"rbac.authorization.k8s.io/aggregate-to-view":"true"}},"rules":[{"apiGroups":["stable.example.com"],"resources":["crontabs"],"verbs":["get"]}]}""");
        await UntilAsync(() => new[] { "view", "edit", "admin" }.All(GrantsCronTabs), "view, edit and admin grant crontabs");

        await _host.Registry.PatchAsync(BuiltInKinds.ClusterRole, "", "crontab-reader", PatchType.Merge, System.Text.Json.Nodes.JsonNode.Parse("""{"metadata":{"labels":{"rbac.authorization.k8s.io/aggregate-to-view":null}}}""")!, null, WriteOptions.Default, CancellationToken.None);
        await UntilAsync(() => !new[] { "view", "edit", "admin" }.Any(GrantsCronTabs), "crontabs gone from view, edit and admin");
    }

    private bool GrantsCronTabs(string role) => Role(role)?.Rules?.Any(r => r.Resources?.Contains("crontabs") == true) == true;

    private long[] Versions() => [.. new[] { "view", "edit", "admin" }.Select(n => _host.Registry.Cache(BuiltInKinds.ClusterRole).Get("", n)!.ResourceVersion)];

    private V1ClusterRole? Role(string name) =>
        _host.Registry.Cache(BuiltInKinds.ClusterRole).Get("", name) is { } cached ? KubernetesJson.Deserialize<V1ClusterRole>(Encoding.UTF8.GetString(cached.Json)) : null;

    private Task UntilAsync(Func<bool> condition, string what) =>
        ControllerTestHost.UntilAsync(condition, what, () => $"loop: {_loop.Stats}; last failure: {_log.Last}");
}
