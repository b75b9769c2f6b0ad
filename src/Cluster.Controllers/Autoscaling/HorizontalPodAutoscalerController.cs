using System.Collections.Concurrent;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Autoscaling;

/// <summary>
/// Scales Deployments, ReplicaSets, StatefulSets and ReplicationControllers on their pods' CPU and memory usage
/// (upstream's horizontal pod autoscaler controller). Every sync period each autoscaler reads its target's scale,
/// proposes a count per metric (<see cref="ReplicaCalculator"/>), takes the largest, bounds it
/// (<see cref="ScaleNormalizer"/>), writes the target's spec.replicas when it changes and always its own status.
/// <code>
///   HPA added or changed ──sync period──▶ sync ──sync period──▶ sync ──▶ ...
///                                           └── target or metrics unavailable: conditions say why, retried next period
/// </code>
/// </summary>
public sealed partial class HorizontalPodAutoscalerController : IReconciler
{
    private readonly SharedInformer _autoscalers;
    private readonly SharedInformer _pods;
    private readonly InformerFactory _informers;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder _events;
    private readonly IPodMetricsSource _metrics;
    private readonly HorizontalPodAutoscalerSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ScaleHistory> _histories = new(StringComparer.Ordinal);

    public HorizontalPodAutoscalerController(
        InformerFactory informers, IObjectWriter writer, EventRecorder events, IPodMetricsSource metrics, HorizontalPodAutoscalerSettings settings, TimeProvider clock, ILogger logger)
    {
        _informers = informers;
        _autoscalers = informers.For(BuiltInKinds.HorizontalPodAutoscaler);
        _pods = informers.For(BuiltInKinds.Pod);
        foreach (var kind in ScaleTarget.Kinds)
        {
            informers.For(kind);
        }

        _writer = writer;
        _events = events;
        _metrics = metrics;
        _settings = settings;
        _clock = clock;
        _logger = logger;
    }

    public string Name => "horizontalpodautoscaling";

    /// <summary>
    /// As upstream's enqueueHPA: every autoscaler waits a sync period in the queue (a key already waiting keeps its
    /// earlier time), so a new or changed one is first synced a period later and this controller's own status writes
    /// never hurry a sync; a deletion is handled at once (its history is forgotten).
    /// </summary>
    public void Watch(ReconcileLoop loop) => _autoscalers.AddHandler(new PeriodicHandler(loop, _settings.SyncPeriod));

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_autoscalers.Get(key[..slash], key[(slash + 1)..]) is not { } cached)
        {
            _histories.TryRemove(key, out _);
            return ReconcileResult.Done;
        }

        var hpa = cached.As<V2HorizontalPodAutoscaler>();
        var original = KubernetesJson.Serialize(hpa.Status);
        var status = hpa.Status ??= new V2HorizontalPodAutoscalerStatus();
        status.Conditions ??= [];
        var now = Now();
        var spec = hpa.Spec;
        if (!ScaleTarget.TryFind(spec.ScaleTargetRef, cached.Namespace, _informers.For, out var target, out var error))
        {
            _events.Warning(Reference(hpa), "FailedGetScale", error);
            SetCondition(status, "AbleToScale", false, "FailedGetScale", "the HPA controller was unable to get the target's current scale: " + error, now);
            await WriteStatusAsync(cached, hpa, original, ct).ConfigureAwait(false);
            return Later;
        }

        SetCondition(status, "AbleToScale", true, "SucceededGetScale", "the HPA controller was able to get the target's current scale", now);
        var current = target.Replicas;
        var history = _histories.GetOrAdd(key, _ => new ScaleHistory());
        ScaleNormalizer.RecordInitial(history, current, now);
        var min = spec.MinReplicas ?? 1;
        var behavior = spec.Behavior is { } given ? ScaleNormalizer.Complete(given, _settings.DownscaleStabilization) : null;
        List<V2MetricStatus>? metricStatuses = null;
        var (desired, reason, rescale) = (0, "", true);
        if (current == 0 && min != 0)
        {
            rescale = false;
            SetCondition(status, "ScalingActive", false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero", now);
        }
        else if (current > spec.MaxReplicas)
        {
            (desired, reason) = (spec.MaxReplicas, "Current number of replicas above Spec.MaxReplicas");
        }
        else if (current < min)
        {
            (desired, reason) = (min, "Current number of replicas below Spec.MinReplicas");
        }
        else
        {
            var computed = ComputeReplicasForMetrics(hpa, target, current, now);
            if (computed.Error is { } failure)
            {
                status.CurrentReplicas = current;
                await WriteStatusAsync(cached, hpa, original, ct).ConfigureAwait(false);
                _events.Warning(Reference(hpa), "FailedComputeMetricsReplicas", failure);
                LogNoProposal(_logger, key, failure);
                return Later;
            }

            metricStatuses = computed.Statuses;
            desired = computed.Replicas;
            reason = desired > current ? computed.Metric + " above target" : desired < current ? "All metrics below target" : "";
            var normalized = behavior is null
                ? ScaleNormalizer.WithoutBehavior(history, current, desired, min, spec.MaxReplicas, _settings.DownscaleStabilization, now)
                : ScaleNormalizer.WithBehavior(history, behavior, current, desired, min, spec.MaxReplicas, now);
            SetCondition(status, "AbleToScale", true, normalized.AbleReason, normalized.AbleMessage, now);
            SetCondition(status, "ScalingLimited", normalized.Limited, normalized.LimitReason, normalized.LimitMessage, now);
            desired = normalized.Replicas;
            rescale = desired != current;
        }

        if (rescale)
        {
            await RescaleAsync(cached, hpa, original, target, desired, reason, ct).ConfigureAwait(false);
            ScaleNormalizer.RecordScale(history, behavior, current, desired, now);
            status.LastScaleTime = now.UtcDateTime;
        }
        else
        {
            desired = current;
        }

        status.CurrentReplicas = current;
        status.DesiredReplicas = desired;
        status.CurrentMetrics = metricStatuses;
        await WriteStatusAsync(cached, hpa, original, ct).ConfigureAwait(false);
        return Later;
    }

    private ReconcileResult Later => new(_settings.SyncPeriod);

    /// <summary>The clock at whole seconds, as metav1.Time keeps it: a status written and read back compares equal.</summary>
    private DateTimeOffset Now()
    {
        var now = _clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    /// <summary>Upstream's setCondition: the transition time moves only when the status does.</summary>
    internal static void SetCondition(V2HorizontalPodAutoscalerStatus status, string type, bool value, string reason, string message, DateTimeOffset now)
    {
        var text = value ? "True" : "False";
        var condition = status.Conditions.FirstOrDefault(c => c.Type == type);
        if (condition is null)
        {
            condition = new V2HorizontalPodAutoscalerCondition { Type = type };
            status.Conditions.Add(condition);
        }

        if (condition.Status != text)
        {
            condition.LastTransitionTime = now.UtcDateTime;
        }

        condition.Status = text;
        condition.Reason = reason;
        condition.Message = message;
    }

    private sealed class PeriodicHandler(ReconcileLoop loop, TimeSpan period) : IInformerHandler
    {
        public void OnAdd(CachedObject obj) => loop.Queue.AddAfter(obj.Key, period);

        public void OnUpdate(CachedObject old, CachedObject now) => loop.Queue.AddAfter(now.Key, period);

        public void OnDelete(CachedObject last) => loop.Enqueue(last.Key);
    }

    private static V1ObjectReference Reference(V2HorizontalPodAutoscaler hpa) => new()
    {
        ApiVersion = BuiltInKinds.HorizontalPodAutoscaler.ApiVersion,
        Kind = BuiltInKinds.HorizontalPodAutoscaler.Kind,
        Name = hpa.Metadata.Name,
        NamespaceProperty = hpa.Metadata.NamespaceProperty,
        Uid = hpa.Metadata.Uid,
    };

    [LoggerMessage(EventId = 8501, Level = LogLevel.Information, Message = "Autoscaler {Key}: rescaled {Target} from {Current} to {Desired} ({Reason})")]
    private static partial void LogRescaled(ILogger logger, string key, string target, int current, int desired, string reason);

    [LoggerMessage(EventId = 8502, Level = LogLevel.Debug, Message = "Autoscaler {Key}: no replica count proposed: {Reason}")]
    private static partial void LogNoProposal(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 8503, Level = LogLevel.Warning, Message = "Autoscaler {Key}: rescaling {Target} to {Desired} failed")]
    private static partial void LogRescaleFailed(ILogger logger, Exception exception, string key, string target, int desired);
}
