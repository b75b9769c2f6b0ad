using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.PodGarbageCollection;

/// <summary>
/// Upstream's podgc controller: every <see cref="CheckPeriod"/> one sweep (key <c>sweep</c>) removes the pods no kubelet
/// will ever finish (<see cref="PodGcPlanner"/>): the oldest terminated pods beyond the threshold, terminating pods on
/// out-of-service nodes, pods of nodes gone for the quarantine, and terminating pods never scheduled.
/// </summary>
public sealed partial class PodGarbageCollector : IReconciler
{
    public const string Component = "pod-garbage-collector";
    public const string DeletionByPodGc = "DeletionByPodGC";

    /// <summary>Upstream's gcCheckPeriod.</summary>
    public static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(20);

    private const string SweepKey = "sweep";

    private readonly SharedInformer _pods;
    private readonly SharedInformer _nodes;
    private readonly IObjectWriter _writer;
    private readonly int _threshold;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<CachedObject, V1Pod> _parsed = [];

    /// <summary>Nodes pods name that were missing at a sweep, and since when (upstream's nodeQueue quarantine).</summary>
    private readonly Dictionary<string, DateTimeOffset> _absentSince = new(StringComparer.Ordinal);

    public PodGarbageCollector(InformerFactory informers, IObjectWriter writer, int terminatedPodThreshold, TimeProvider clock, ILogger logger)
    {
        _pods = informers.For(BuiltInKinds.Pod);
        _nodes = informers.For(BuiltInKinds.Node);
        _writer = writer;
        _threshold = terminatedPodThreshold;
        _clock = clock;
        _logger = logger;
    }

    public string Name => "podgc";

    public void Watch(ReconcileLoop loop) => loop.Enqueue(SweepKey);

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var nodes = _nodes.List().ToDictionary(n => n.Name, n => n.As<V1Node>(), StringComparer.Ordinal);
        var pods = Candidates(nodes);
        var missing = PodGcPlanner.MissingNodes(pods, nodes).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _absentSince.Keys.Where(n => !missing.Contains(n)).ToList())
        {
            _absentSince.Remove(gone);
        }

        foreach (var node in missing)
        {
            _absentSince.TryAdd(node, now);
        }

        Exception? failure = null;
        foreach (var deletion in PodGcPlanner.Plan(pods, nodes, _absentSince, now, _threshold))
        {
            try
            {
                await DeleteAsync(deletion, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
                // Gone already, or changed since this sweep read it: the next sweep sees the fresh copy.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failure ??= e;
            }
        }

        if (failure is not null)
        {
            throw new InvalidOperationException("pod garbage collection: " + failure.Message, failure);
        }

        return new ReconcileResult(CheckPeriod);
    }

    /// <summary>
    /// The pods a sweep may remove, parsed; the rest are passed over from their cached fields and bytes, so a sweep
    /// of a large cluster does not parse every pod. Every terminated pod counts when there are more than the threshold.
    /// </summary>
    private List<V1Pod> Candidates(Dictionary<string, V1Node> nodes)
    {
        var all = _pods.List();
        var terminated = all.Count(p => WatchTrigger.ValueOf(p, "status.phase") is "Succeeded" or "Failed");
        var sweepTerminated = _threshold > 0 && terminated > _threshold;
        var candidates = new List<V1Pod>();
        foreach (var cached in all)
        {
            var node = WatchTrigger.ValueOf(cached, "spec.nodeName");
            var deleting = cached.Json.AsSpan().IndexOf("\"deletionTimestamp\""u8) >= 0;
            if ((node.Length > 0 && !nodes.ContainsKey(node)) || deleting
                || (sweepTerminated && WatchTrigger.ValueOf(cached, "status.phase") is "Succeeded" or "Failed"))
            {
                candidates.Add(_parsed.GetValue(cached, CachedObjectJson.As<V1Pod>));
            }
        }

        return candidates;
    }

    /// <summary>Upstream's markFailedAndDeletePod(WithCondition): phase Failed first where it was not terminal, then a forced delete.</summary>
    private async Task DeleteAsync(PodGcDeletion deletion, CancellationToken ct)
    {
        var pod = deletion.Pod;
        var (ns, name) = (pod.Metadata.NamespaceProperty, pod.Metadata.Name);
        if (deletion.MarkFailed)
        {
            // A copy: the parsed pod is the sweep's cached view of that version.
            var failed = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pod));
            failed.Status ??= new V1PodStatus();
            failed.Status.Phase = "Failed";
            if (deletion.Reason is PodGcReason.Orphaned or PodGcReason.TerminatingOutOfService)
            {
                DisruptionTargets.Mark(failed, DeletionByPodGc, "PodGC: node no longer exists", _clock.GetUtcNow());
            }

            await _writer.UpdateStatusAsync(BuiltInKinds.Pod, ns, name, JsonNode.Parse(KubernetesJson.Serialize(failed))!.AsObject(), ct).ConfigureAwait(false);
        }

        await _writer.DeleteAsync(BuiltInKinds.Pod, ns, name, new DeleteOptions(GracePeriodSeconds: 0, PreconditionUid: pod.Metadata.Uid), ct).ConfigureAwait(false);
        LogDeleted(_logger, ns, name, deletion.Reason.ToString());
    }

    [LoggerMessage(EventId = 8107, Level = LogLevel.Information, Message = "Pod garbage collector: deleted pod {Namespace}/{Name} ({Reason})")]
    private static partial void LogDeleted(ILogger logger, string @namespace, string name, string reason);
}
