using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;

namespace Cluster.Controllers.Scheduling;

/// <summary>
/// Which pods a pod is spread from by default (upstream's helper.DefaultSelector): the selectors of the Services,
/// ReplicationControllers, ReplicaSets and StatefulSets in its namespace that select it, all required at once, so a
/// controller's replicas avoid piling onto one node even when they state no topology spread constraints.
/// Called under the scheduler cache's lock: it takes these informers' locks, and nothing holding them takes the cache's.
/// </summary>
public sealed class SpreadSelectors
{
    private readonly SharedInformer[] _mapSelected;
    private readonly SharedInformer[] _labelSelected;
    private readonly ConditionalWeakTable<CachedObject, LabelSelector?> _parsed = [];

    public SpreadSelectors(InformerFactory informers)
    {
        _mapSelected = [informers.For(BuiltInKinds.Service), informers.For(BuiltInKinds.ReplicationController)];
        _labelSelected = [informers.For(BuiltInKinds.ReplicaSet), informers.For(BuiltInKinds.StatefulSet)];
    }

    public LabelSelector? For(PodInfo pod)
    {
        List<string>? parts = null;
        foreach (var informer in _mapSelected)
        {
            Collect(informer, pod, map: true, ref parts);
        }

        foreach (var informer in _labelSelected)
        {
            Collect(informer, pod, map: false, ref parts);
        }

        return parts is null ? null : LabelSelector.Parse(string.Join(",", parts));
    }

    private void Collect(SharedInformer informer, PodInfo pod, bool map, ref List<string>? parts)
    {
        foreach (var owner in informer.ByIndex(Indexers.Namespace, pod.Namespace))
        {
            // Parsed once per cached version: the informer's versions are immutable and go with the table's entries.
            var selector = _parsed.GetValue(owner, o => SelectorOf(o, map));
            if (selector is { IsEverything: false, IsNothing: false } && selector.Matches(pod.Labels))
            {
                (parts ??= []).Add(selector.ToString());
            }
        }
    }

    private static LabelSelector? SelectorOf(CachedObject owner, bool map)
    {
        var selector = JsonNode.Parse(owner.Json)?["spec"]?["selector"];
        if (selector is not JsonObject obj)
        {
            return null;
        }

        if (map)
        {
            return obj.Count == 0 ? null : LabelSelector.FromMap(obj.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal));
        }

        return LabelSelector.TryFromJson(obj, out var parsed, out _) ? parsed : null;
    }
}
