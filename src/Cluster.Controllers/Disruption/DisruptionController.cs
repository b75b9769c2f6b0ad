using System.Text.Json.Nodes;
using Cluster.Controllers.Deployments;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Disruption;

/// <summary>
/// Keeps each PodDisruptionBudget's status (upstream's disruption controller), which the eviction subresource spends:
/// a budget, or a pod its selector matches before or after the change, enqueues the budget; the reconcile counts the
/// selected pods (<see cref="DisruptionStatusPlanner"/>), resolves percentages against the scale of their controllers
/// (<see cref="ControllerScales"/>), drops evictions that never showed after two minutes and writes the status only
/// when it changed. A budget whose counts cannot be told allows no disruption (upstream's failSafe).
/// </summary>
public sealed partial class DisruptionController : IReconciler
{
    private readonly SharedInformer _budgets;
    private readonly SharedInformer _pods;
    private readonly InformerFactory _informers;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder? _events;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<CachedObject, Core.Registry.Selectors.LabelSelector> _selectors = [];

    public DisruptionController(InformerFactory informers, IObjectWriter writer, EventRecorder? events, TimeProvider clock, ILogger logger)
    {
        _informers = informers;
        _budgets = informers.For(BuiltInKinds.PodDisruptionBudget);
        _pods = informers.For(BuiltInKinds.Pod);
        // Read for the scale of the pods' controllers; created now so they list before the first reconcile.
        foreach (var kind in (ResourceKind[])[BuiltInKinds.ReplicaSet, BuiltInKinds.Deployment, BuiltInKinds.ReplicationController, BuiltInKinds.StatefulSet])
        {
            informers.For(kind);
        }

        _writer = writer;
        _events = events;
        _clock = clock;
        _logger = logger;
    }

    public string Name => "disruption";

    public void Watch(ReconcileLoop loop)
    {
        _budgets.AddHandler(new EnqueueHandler(loop, (old, now) => [(now ?? old)!.Key]));
        _pods.AddHandler(new EnqueueHandler(loop, BudgetsOf));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        if (_budgets.Get(ns, name) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var pdb = cached.As<V1PodDisruptionBudget>();
        var selector = SelectorOf(cached);
        var pods = _pods.ByIndex(Indexers.Namespace, ns).Where(p => selector.Matches(p.Labels)).Select(CachedObjectJson.As<V1Pod>).ToList();
        if (pods.Count == 0)
        {
            _events?.Normal(Reference(pdb), "NoPods", "No matching pods found");
        }

        var expected = DisruptionStatusPlanner.Expected(pdb, pods, r => ControllerScales.Find(r, ns, Get));
        if (expected.Unmanaged.Count > 0)
        {
            _events?.Warning(Reference(pdb), "UnmanagedPods",
                $"Pods selected by this PodDisruptionBudget (selector: {KubernetesJson.Serialize(pdb.Spec?.Selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.");
        }

        var now = _clock.GetUtcNow();
        if (expected.Error is { } error)
        {
            _events?.Warning(Reference(pdb), "CalculateExpectedPodCountFailed", "Failed to calculate the number of expected pods: " + error);
            LogFailSafe(_logger, key, error);
            await WriteAsync(pdb, DisruptionStatusPlanner.FailSafe(pdb, error, now), ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var (disrupted, recheck, notDeleted) = DisruptionStatusPlanner.DisruptedPods(pdb, pods, now);
        foreach (var pod in pods.Where(p => notDeleted.Contains(p.Metadata.Name)))
        {
            _events?.Warning(PodReference(pod), "NotDeleted", $"Pod was expected by PDB {ns}/{name} to be deleted but it wasn't");
        }

        var healthy = DisruptionStatusPlanner.CountHealthy(pods, disrupted, now);
        if (DisruptionStatusPlanner.Status(pdb, healthy, expected.DesiredHealthy, expected.Expected, disrupted, now) is { } status)
        {
            await WriteAsync(pdb, status, ct).ConfigureAwait(false);
        }

        // An eviction still in flight is dropped once its time is up, even if nothing else changes.
        return recheck is { } at ? new ReconcileResult(at - now + TimeSpan.FromMilliseconds(1)) : ReconcileResult.Done;
    }

    /// <summary>The budgets of the pod's namespace whose selector matches the pod, before or after the change.</summary>
    private IEnumerable<string> BudgetsOf(CachedObject? old, CachedObject? now)
    {
        var pod = (now ?? old)!;
        foreach (var cached in _budgets.ByIndex(Indexers.Namespace, pod.Namespace))
        {
            var selector = SelectorOf(cached);
            if ((now is not null && selector.Matches(now.Labels)) || (old is not null && selector.Matches(old.Labels)))
            {
                yield return cached.Key;
            }
        }
    }

    /// <summary>
    /// A budget version's selector (null selects nothing, as upstream's LabelSelectorAsSelector), parsed once per
    /// version rather than on every pod event: cached versions are immutable, and the table lets an entry go with them.
    /// </summary>
    private Core.Registry.Selectors.LabelSelector SelectorOf(CachedObject budget) =>
        _selectors.GetValue(budget, b => b.As<V1PodDisruptionBudget>().Spec?.Selector is { } s ? DeploymentPlanner.Selector(s) : Core.Registry.Selectors.LabelSelector.Nothing);

    private CachedObject? Get(ResourceKind kind, string ns, string name) => _informers.For(kind).Get(ns, name);

    /// <summary>A replace of the status the informer had: a write since then is refused (409) and the key retried on fresh state.</summary>
    private Task<long> WriteAsync(V1PodDisruptionBudget pdb, V1PodDisruptionBudgetStatus status, CancellationToken ct)
    {
        pdb.Status = status;
        LogStatus(_logger, pdb.Metadata.NamespaceProperty, pdb.Metadata.Name, status.ExpectedPods, status.CurrentHealthy, status.DesiredHealthy, status.DisruptionsAllowed);
        return _writer.UpdateStatusAsync(BuiltInKinds.PodDisruptionBudget, pdb.Metadata.NamespaceProperty, pdb.Metadata.Name, JsonNode.Parse(KubernetesJson.Serialize(pdb))!.AsObject(), ct);
    }

    private static V1ObjectReference Reference(V1PodDisruptionBudget pdb) => new()
    {
        ApiVersion = "policy/v1", Kind = "PodDisruptionBudget", NamespaceProperty = pdb.Metadata.NamespaceProperty, Name = pdb.Metadata.Name, Uid = pdb.Metadata.Uid,
    };

    private static V1ObjectReference PodReference(V1Pod pod) => new()
    {
        ApiVersion = "v1", Kind = "Pod", NamespaceProperty = pod.Metadata.NamespaceProperty, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid,
    };

    [LoggerMessage(EventId = 8450, Level = LogLevel.Debug, Message = "PodDisruptionBudget {Namespace}/{Name}: {Expected} expected, {Healthy} healthy, {Desired} desired, {Allowed} disruptions allowed")]
    private static partial void LogStatus(ILogger logger, string @namespace, string name, int? expected, int? healthy, int? desired, int? allowed);

    [LoggerMessage(EventId = 8451, Level = LogLevel.Information, Message = "PodDisruptionBudget {Key} allows no disruption: {Error}")]
    private static partial void LogFailSafe(ILogger logger, string key, string error);
}
