using System.Runtime.CompilerServices;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;
using k8s.Models;

namespace Cluster.Controllers.Ownership;

/// <summary>
/// Finds the controllers of one kind an object's change concerns, from their informer: the one its controller
/// reference names (upstream's resolveControllerRef) or, for an orphan, every one of its namespace whose selector
/// matches it (upstream's getPodReplicaSets, getPodJobs, getDaemonSetsForPod, getStatefulSetsForPod).
/// </summary>
public sealed class OwnerLookup
{
    private readonly SharedInformer _owners;
    private readonly Func<CachedObject, LabelSelector?> _selectorOf;
    private readonly ConditionalWeakTable<CachedObject, Parsed> _selectors = [];

    /// <param name="selectorOf">An owner's selector; null when malformed (it adopts nothing).</param>
    public OwnerLookup(SharedInformer owners, Func<CachedObject, LabelSelector?>? selectorOf = null)
    {
        _owners = owners;
        _selectorOf = selectorOf ?? SpecSelector;
    }

    /// <summary>
    /// Has the owners' changes, and those of the objects they own in <paramref name="dependents"/>, enqueue owner keys
    /// on <paramref name="loop"/> (<see cref="OwnerEvents"/> and <see cref="DependentEvents"/>).
    /// </summary>
    public void Watch(ReconcileLoop loop, SharedInformer dependents, UidTrackingExpectations? expectations = null)
    {
        _owners.AddHandler(new OwnerEvents(loop, expectations));
        dependents.AddHandler(new DependentEvents(this, loop, expectations));
    }

    /// <summary>The key of the owner <paramref name="controller"/> names, when the informer has it (same kind and uid).</summary>
    public string? Resolve(string ns, V1OwnerReference? controller) =>
        controller is not null && controller.Kind == _owners.Kind.Kind && _owners.Get(ns, controller.Name) is { } cached && cached.Uid == controller.Uid ? cached.Key : null;

    /// <summary>The owners of the namespace whose (non-empty) selector matches any of <paramref name="labels"/>: those an orphan may be adopted by.</summary>
    public IEnumerable<string> Matching(string ns, params IReadOnlyDictionary<string, string>[] labels) =>
        _owners.ByIndex(Indexers.Namespace, ns)
            .Where(o => _selectors.GetValue(o, c => new Parsed(_selectorOf(c))).Selector is { IsEverything: false } selector && labels.Any(selector.Matches))
            .Select(o => o.Key);

    /// <summary>A metav1.LabelSelector in spec.selector (apps/v1 and batch/v1 kinds).</summary>
    public static LabelSelector? SpecSelector(CachedObject owner) =>
        LabelSelector.TryFromJson(owner.ToJsonObject()["spec"]?["selector"], out var selector, out _) ? selector : null;

    private sealed record Parsed(LabelSelector? Selector);
}
