using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.NodeLifecycle;

/// <summary>
/// Watches node health (upstream's node lifecycle controller, monitorNodeHealth): a node whose kubelet neither renews
/// its Lease in <c>kube-node-lease</c> nor posts a new Ready heartbeat for the grace period gets its conditions set to
/// Unknown; the node's taints then follow its conditions (<see cref="NodeTaints"/>), which is what evicts its pods
/// (<see cref="TaintEvictionController"/>) and keeps new ones off. A node is reconciled on every change to it or its
/// Lease, and again when its grace period would end.
/// </summary>
public sealed partial class NodeLifecycleController : IReconciler
{
    public const string LeaseNamespace = "kube-node-lease";

    private readonly SharedInformer _nodes;
    private readonly SharedInformer _leases;
    private readonly IObjectWriter _writer;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly TimeSpan _grace;
    private readonly NodeProbes _probes = new();

    public NodeLifecycleController(InformerFactory informers, IObjectWriter writer, TimeSpan gracePeriod, TimeProvider clock, ILogger logger)
    {
        _nodes = informers.For(BuiltInKinds.Node);
        _leases = informers.For(BuiltInKinds.Lease);
        _writer = writer;
        _grace = gracePeriod;
        _clock = clock;
        _logger = logger;
    }

    public string Name => "nodelifecycle";

    /// <summary>Has node and node-Lease events enqueue node keys on <paramref name="loop"/>.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _nodes.AddHandler(new EnqueueHandler(loop, (old, now) => [(now ?? old)!.Key]));
        _leases.AddHandler(new EnqueueHandler(loop, (old, now) => (now ?? old)!.Namespace == LeaseNamespace ? [Core.Registry.Cache.CachedObject.KeyOf("", (now ?? old)!.Name)] : []));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var name = key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];
        if (_nodes.Get("", name) is not { } cached)
        {
            _probes.Forget(name);
            return ReconcileResult.Done;
        }

        var node = cached.As<V1Node>();
        var health = NodeHealth.Plan(node, _leases.Get(LeaseNamespace, name)?.As<V1Lease>(), _probes, _grace, _clock.GetUtcNow());
        if (health.MarkedUnknown is { } unknown)
        {
            LogUnknown(_logger, name, _grace);

            // The status write's own event brings the node back, and the taints are set from what it wrote.
            await _writer.UpdateStatusAsync(BuiltInKinds.Node, "", name, Json(unknown), ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (health.Taints is { } taints)
        {
            LogTainting(_logger, name, NodeConditions.ReadyStatus(node), string.Join(", ", taints.Select(t => t.Key + ":" + t.Effect)));
            node.Spec ??= new V1NodeSpec();
            node.Spec.Taints = taints;
            await _writer.UpdateAsync(BuiltInKinds.Node, "", name, Json(node), ct).ConfigureAwait(false);
        }

        return new ReconcileResult(health.RecheckIn);
    }

    private static JsonObject Json(V1Node node) => JsonNode.Parse(KubernetesJson.Serialize(node))!.AsObject();

    [LoggerMessage(EventId = 7801, Level = LogLevel.Information, Message = "Node {Node}: no Lease renewal or status for {Grace}; its conditions are now Unknown")]
    private static partial void LogUnknown(ILogger logger, string node, TimeSpan grace);

    [LoggerMessage(EventId = 7802, Level = LogLevel.Information, Message = "Node {Node} (Ready {Ready}): setting its condition taints to [{Taints}]")]
    private static partial void LogTainting(ILogger logger, string node, string ready, string taints);
}
