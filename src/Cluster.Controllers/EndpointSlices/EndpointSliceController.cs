using System.Text.Json.Nodes;
using Cluster.Controllers.Endpoints;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.EndpointSlices;

/// <summary>
/// Keeps each selector Service's EndpointSlices (upstream's endpointslice controller): a Service, a pod its selector
/// matches now or matched before the change, or one of its slices enqueues the Service's key; the reconcile plans the
/// slices (<see cref="EndpointSlicePlanner"/>) and creates, rewrites and deletes the ones it manages (labelled
/// managed-by endpointslice-controller.k8s.io, owned by the Service). Slices it created or deleted are expected until
/// the informer shows them (<see cref="Expectations"/>), so a stale cache never makes it create twice. Services
/// without a selector keep the slices their users write.
/// </summary>
public sealed class EndpointSliceController : IReconciler
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string ManagedBy = "endpointslice-controller.k8s.io";
    public const string ZoneLabel = "topology.kubernetes.io/zone";
    private const string ByService = "service-name";

    private readonly SharedInformer _services;
    private readonly SharedInformer _pods;
    private readonly SharedInformer _slices;
    private readonly SharedInformer _nodes;
    private readonly ServiceSelectors _selectors;
    private readonly IObjectWriter _writer;

    public EndpointSliceController(InformerFactory informers, IObjectWriter writer, TimeProvider clock)
    {
        _services = informers.For(BuiltInKinds.Service);
        _pods = informers.For(BuiltInKinds.Pod);
        _slices = informers.For(BuiltInKinds.EndpointSlice);
        _nodes = informers.For(BuiltInKinds.Node);
        _slices.AddIndexer(ByService, s => ManagedServiceKey(s) is { } key ? [key] : []);
        _selectors = new ServiceSelectors(_services);
        _writer = writer;
        Expectations = new Expectations(clock);
    }

    public string Name => "endpointslice";

    /// <summary>The slices each Service has created or deleted and not yet seen come or go.</summary>
    public Expectations Expectations { get; }

    public void Watch(ReconcileLoop loop)
    {
        _services.AddHandler(new EnqueueHandler(loop, (old, now) => [(now ?? old)!.Key]));
        _pods.AddHandler(new EnqueueHandler(loop, _selectors.ServicesOf));
        _slices.AddHandler(new EnqueueHandler(loop, (old, now) =>
        {
            if (ManagedServiceKey((now ?? old)!) is not { } key)
            {
                return [];
            }

            if (old is null)
            {
                Expectations.CreationObserved(key);
            }
            else if (now is null)
            {
                Expectations.DeletionObserved(key);
            }

            return [key];
        }));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        var existing = _slices.ByIndex(ByService, key).Select(CachedObjectJson.As<V1EndpointSlice>).ToList();
        if (_services.Get(ns, name) is not { } cached)
        {
            // The garbage collector would remove them too (they are owned); done here they go at once.
            foreach (var slice in existing)
            {
                await _writer.DeleteAsync(BuiltInKinds.EndpointSlice, ns, slice.Metadata.Name, ct).ConfigureAwait(false);
            }

            Expectations.Delete(key);
            return ReconcileResult.Done;
        }

        if (!Expectations.Satisfied(key))
        {
            return ReconcileResult.Done;
        }

        var service = cached.As<V1Service>();
        var pods = _pods.ByIndex(Indexers.Namespace, ns).Select(CachedObjectJson.As<V1Pod>);
        if (EndpointSlicePlanner.Desired(service, pods, ZoneOf) is not { } desired)
        {
            return ReconcileResult.Done;
        }

        var labels = Labels(service);
        var plan = EndpointSlicePlanner.Plan(desired, existing);
        if (plan.Create.Count > 0)
        {
            Expectations.ExpectCreations(key, plan.Create.Count);
        }
        else if (plan.Delete.Count > 0)
        {
            Expectations.ExpectDeletions(key, plan.Delete.Count);
        }

        for (var i = 0; i < plan.Create.Count; i++)
        {
            try
            {
                await _writer.CreateAsync(BuiltInKinds.EndpointSlice, ns, Json(NewSlice(service, labels, plan.Create[i])), ct).ConfigureAwait(false);
            }
            catch
            {
                // The creates that did not happen will never be observed.
                for (var missing = i; missing < plan.Create.Count; missing++)
                {
                    Expectations.CreationObserved(key);
                }

                throw;
            }
        }

        foreach (var (slice, content) in plan.Update)
        {
            // A replace of what the informer has: a write since then is refused (409) and the key retried on fresh state.
            slice.Endpoints = content.Endpoints;
            slice.Ports = content.Ports;
            slice.Metadata.Labels = labels;
            await _writer.UpdateAsync(BuiltInKinds.EndpointSlice, ns, slice.Metadata.Name, Json(slice), ct).ConfigureAwait(false);
        }

        foreach (var slice in existing.Except(plan.Update.Select(u => u.Slice)).Except(plan.Delete).Where(s => !SameLabels(s.Metadata.Labels, labels)))
        {
            slice.Metadata.Labels = labels;
            await _writer.UpdateAsync(BuiltInKinds.EndpointSlice, ns, slice.Metadata.Name, Json(slice), ct).ConfigureAwait(false);
        }

        foreach (var slice in plan.Delete)
        {
            await _writer.DeleteAsync(BuiltInKinds.EndpointSlice, ns, slice.Metadata.Name, ct).ConfigureAwait(false);
        }

        return ReconcileResult.Done;
    }

    /// <summary>The Service key of a slice this controller manages (null for anyone else's).</summary>
    private static string? ManagedServiceKey(CachedObject slice) =>
        slice.Labels.TryGetValue(ManagedByLabel, out var by) && by == ManagedBy && slice.Labels.TryGetValue(ServiceNameLabel, out var service)
            ? CachedObject.KeyOf(slice.Namespace, service)
            : null;

    /// <summary>The Service's labels, with the service-name and managed-by labels, and upstream's headless mark.</summary>
    private static Dictionary<string, string> Labels(V1Service service)
    {
        var labels = new Dictionary<string, string>(service.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [ServiceNameLabel] = service.Metadata.Name,
            [ManagedByLabel] = ManagedBy,
        };
        if (service.Spec.ClusterIP == "None")
        {
            labels[EndpointsController.HeadlessLabel] = "";
        }

        return labels;
    }

    private static V1EndpointSlice NewSlice(V1Service service, Dictionary<string, string> labels, DesiredSlice slice) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta
        {
            GenerateName = service.Metadata.Name + "-",
            NamespaceProperty = service.Metadata.NamespaceProperty,
            Labels = labels,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Service", Name = service.Metadata.Name, Uid = service.Metadata.Uid, Controller = true, BlockOwnerDeletion = true }],
        },
        AddressType = "IPv4",
        Endpoints = slice.Endpoints,
        Ports = slice.Ports,
    };

    private string? ZoneOf(string node) =>
        _nodes.Get("", node) is { } cached && cached.Labels.TryGetValue(ZoneLabel, out var zone) && zone.Length > 0 ? zone : null;

    private static bool SameLabels(IDictionary<string, string>? a, Dictionary<string, string> b) =>
        a is not null && a.Count == b.Count && b.All(kv => a.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static JsonObject Json<T>(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();
}
