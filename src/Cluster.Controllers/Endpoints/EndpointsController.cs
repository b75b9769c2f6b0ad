using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Endpoints;

/// <summary>
/// Keeps each selector Service's Endpoints (upstream's endpoint controller): a Service, or a pod its selector matches
/// now or matched before the change, enqueues the Service's key; the reconcile plans the subsets
/// (<see cref="EndpointsPlanner"/>) and writes the Endpoints only when they differ, and removes them with the Service.
/// Services without a selector keep the Endpoints their users write.
/// </summary>
public sealed class EndpointsController : IReconciler
{
    /// <summary>Upstream marks a headless Service's Endpoints so proxies leave them alone.</summary>
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    private readonly SharedInformer _services;
    private readonly SharedInformer _pods;
    private readonly SharedInformer _endpoints;
    private readonly IObjectWriter _writer;
    private readonly ServiceSelectors _selectors;

    public EndpointsController(InformerFactory informers, IObjectWriter writer)
    {
        _services = informers.For(BuiltInKinds.Service);
        _pods = informers.For(BuiltInKinds.Pod);
        _endpoints = informers.For(BuiltInKinds.Endpoints);
        _writer = writer;
        _selectors = new ServiceSelectors(_services);
    }

    public string Name => "endpoint";

    /// <summary>Has the informers' events enqueue Service keys on <paramref name="loop"/>.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _services.AddHandler(new EnqueueHandler(loop, (old, now) => [(now ?? old)!.Key]));
        // Someone changed or removed them: put them back. As upstream, a new Endpoints object alone enqueues nothing
        // (Endpoints written without a Service stay until they change).
        _endpoints.AddHandler(new EnqueueHandler(loop, (old, now) => old is null ? [] : [(now ?? old).Key]));
        _pods.AddHandler(new EnqueueHandler(loop, _selectors.ServicesOf));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var (ns, name) = Split(key);
        if (_services.Get(ns, name) is not { } cached)
        {
            await _writer.DeleteAsync(BuiltInKinds.Endpoints, ns, name, ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var service = cached.As<V1Service>();
        var pods = _pods.ByIndex(Indexers.Namespace, ns).Select(CachedObjectJson.As<V1Pod>);
        if (EndpointsPlanner.Subsets(service, pods) is not { } subsets)
        {
            return ReconcileResult.Done;
        }

        var labels = new Dictionary<string, string>(service.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (service.Spec.ClusterIP == "None")
        {
            labels[HeadlessLabel] = "";
        }

        var desired = new V1Endpoints
        {
            ApiVersion = "v1",
            Kind = "Endpoints",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels.Count > 0 ? labels : null },
            Subsets = subsets.Count > 0 ? subsets : null,
        };

        if (_endpoints.Get(ns, name) is not { } current)
        {
            await _writer.CreateAsync(BuiltInKinds.Endpoints, ns, Json(desired), ct).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var stored = current.As<V1Endpoints>();
        if (Same(stored.Subsets, desired.Subsets) && Same(stored.Metadata.Labels, desired.Metadata.Labels))
        {
            return ReconcileResult.Done;
        }

        // A replace of what the informer has: a write since then is refused (409) and the key is retried on fresh state.
        stored.Subsets = desired.Subsets;
        stored.Metadata.Labels = desired.Metadata.Labels;
        await _writer.UpdateAsync(BuiltInKinds.Endpoints, ns, name, Json(stored), ct).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    private static bool Same<T>(T? a, T? b)
        where T : class => a is null || b is null ? a is null && b is null : KubernetesJson.Serialize(a) == KubernetesJson.Serialize(b);

    private static (string Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }


    private static JsonObject Json<T>(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();
}
