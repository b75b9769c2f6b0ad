using Cluster.Controllers.Informers;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;
using k8s.Models;

namespace Cluster.Controllers.Endpoints;

/// <summary>
/// Which Services a pod change concerns, for the controllers that follow Services' pods (Endpoints, EndpointSlices):
/// each Service version's selector is parsed once rather than on every pod event (cached versions are immutable,
/// and the table lets a version's entry go with it).
/// </summary>
public sealed class ServiceSelectors(SharedInformer services)
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<CachedObject, LabelSelector?> _selectors = [];

    /// <summary>The keys of the Services of the pod's namespace whose selector matches the pod, before or after the change.</summary>
    public HashSet<string> ServicesOf(CachedObject? old, CachedObject? now)
    {
        var pod = (now ?? old)!;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cached in services.ByIndex(Indexers.Namespace, pod.Namespace))
        {
            if (SelectorOf(cached) is { } selector && ((now is not null && selector.Matches(now.Labels)) || (old is not null && selector.Matches(old.Labels))))
            {
                keys.Add(cached.Key);
            }
        }

        return keys;
    }

    /// <summary>A Service version's selector (null: none).</summary>
    public LabelSelector? SelectorOf(CachedObject service) =>
        _selectors.GetValue(service, s => s.As<V1Service>().Spec?.Selector is { Count: > 0 } map ? EndpointsPlanner.SelectorOf(map) : null);
}
