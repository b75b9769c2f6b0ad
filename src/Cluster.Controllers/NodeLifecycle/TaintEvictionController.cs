using System.Text.Json.Nodes;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.NodeLifecycle;

/// <summary>
/// Deletes pods from nodes whose NoExecute taints they do not tolerate, or tolerate only for a while (upstream's
/// taint-eviction-controller): a pod is reconciled when it changes, when its node's taints change, and when its
/// toleration runs out (<see cref="TaintEviction"/>). Deletion is graceful; the pod's owner makes a replacement.
/// </summary>
public sealed partial class TaintEvictionController : IReconciler
{
    public const string DisruptionTarget = DisruptionTargets.Condition;
    public const string DisruptionReason = "DeletionByTaintManager";
    public const string DisruptionMessage = "Taint manager: deleting due to NoExecute taint";

    private readonly SharedInformer _pods;
    private readonly SharedInformer _nodes;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder _events;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<CachedObject, List<V1Taint>> _noExecute = new();

    public TaintEvictionController(InformerFactory informers, IObjectWriter writer, EventRecorder events, TimeProvider clock, ILogger logger)
    {
        _pods = informers.For(BuiltInKinds.Pod);
        _pods.AddIndexer(Indexers.NodeName, Indexers.ByNodeName);
        _nodes = informers.For(BuiltInKinds.Node);
        _writer = writer;
        _events = events;
        _clock = clock;
        _logger = logger;
    }

    public string Name => "taint-eviction-controller";

    /// <summary>Has pod events that place a pod or change its tolerations, and node events that change NoExecute taints, enqueue pod keys on <paramref name="loop"/>.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _pods.AddHandler(new EnqueueHandler(loop, (old, now) => now is not null && TaintEviction.Concerns(old, now) ? [now.Key] : []));
        _nodes.AddHandler(new EnqueueHandler(loop, PodsOnRetaintedNode));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_pods.Get(key[..slash], key[(slash + 1)..]) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        // Every pod is looked at once it is bound; on a node without NoExecute taints there is nothing more to read.
        if (Indexers.ByNodeName(cached).FirstOrDefault() is not { } nodeName || _nodes.Get("", nodeName) is not { } node
            || NoExecuteTaints(node) is not { Count: > 0 } taints)
        {
            return ReconcileResult.Done;
        }

        var pod = cached.As<V1Pod>();
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var now = _clock.GetUtcNow();
        if (TaintEviction.EvictAt(pod, taints, now) is not { } at)
        {
            return ReconcileResult.Done;
        }

        if (at > now)
        {
            return new ReconcileResult(at - now);
        }

        var name = cached.Namespace + "/" + cached.Name;
        _events.Normal(
            new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", NamespaceProperty = cached.Namespace, Name = cached.Name, Uid = cached.Uid },
            "TaintManagerEviction",
            "Marking for deletion Pod " + name);
        LogEvicting(_logger, name, nodeName);
        if (DisruptionTargets.Mark(pod, DisruptionReason, DisruptionMessage, now))
        {
            // Upstream's addConditionAndDeletePod: the pod's owners and its disruption budget see why it went.
            await _writer.UpdateStatusAsync(BuiltInKinds.Pod, cached.Namespace, cached.Name, JsonNode.Parse(KubernetesJson.Serialize(pod))!.AsObject(), ct).ConfigureAwait(false);
        }

        await _writer.DeleteAsync(BuiltInKinds.Pod, cached.Namespace, cached.Name, ct).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>The pods of a node whose NoExecute taints differ before and after the change (none for a deleted node: its pods go with it).</summary>
    private IEnumerable<string> PodsOnRetaintedNode(CachedObject? old, CachedObject? now)
    {
        if (now is null || NoExecute(old) == NoExecute(now))
        {
            return [];
        }

        return _pods.ByIndex(Indexers.NodeName, now.Name).Select(p => p.Key);
    }

    /// <summary>A node version's NoExecute taints, read once per version however many of its pods are looked at.</summary>
    private List<V1Taint> NoExecuteTaints(CachedObject node) =>
        _noExecute.GetValue(node, static n => [.. (n.As<V1Node>().Spec?.Taints ?? []).Where(t => t.Effect == NodeTaints.NoExecute)]);

    private string NoExecute(CachedObject? node) =>
        node is null ? "" : string.Join('\n', NoExecuteTaints(node).Select(t => t.Key + "=" + t.Value + "@" + t.TimeAdded?.Ticks));

    [LoggerMessage(EventId = 7811, Level = LogLevel.Information, Message = "Evicting pod {Pod} from node {Node}: it does not tolerate the node's NoExecute taints (or no longer)")]
    private static partial void LogEvicting(ILogger logger, string pod, string node);
}
