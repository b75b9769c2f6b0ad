using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.Services;

/// <summary>
/// The cluster's own load balancer for <c>type: LoadBalancer</c> Services, in the manner of k3s's servicelb: with no
/// cloud to ask, every node's service proxy already serves the Service's node ports, so the Service is reachable on
/// each Ready node's address; those addresses are what its <c>status.loadBalancer.ingress</c> reports. A Service no
/// longer of that type has its ingress cleared, as the cloud service controller does.
/// </summary>
public sealed class ServiceLoadBalancerController : IReconciler
{
    public const string Component = "service-lb-controller";

    private readonly SharedInformer _services;
    private readonly SharedInformer _nodes;
    private readonly IObjectWriter _writer;

    public ServiceLoadBalancerController(InformerFactory informers, IObjectWriter writer)
    {
        _services = informers.For(BuiltInKinds.Service);
        _nodes = informers.For(BuiltInKinds.Node);
        _writer = writer;
    }

    public string Name => Component;

    public void Watch(ReconcileLoop loop)
    {
        _services.AddHandler(new EnqueueHandler(loop, (_, now) => now is null ? [] : [now.Namespace + "/" + now.Name]));

        // A node coming, going or changing readiness changes every load balancer's addresses.
        _nodes.AddHandler(new EnqueueHandler(loop, (_, _) => _services.List().Where(IsLoadBalancer).Select(s => s.Namespace + "/" + s.Name)));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_services.Get(key[..slash], key[(slash + 1)..]) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var service = cached.As<V1Service>();
        var desired = IsLoadBalancer(cached) ? Ingress(_nodes.List().Select(n => n.As<V1Node>())) : [];
        var current = (service.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip ?? i.Hostname ?? "").ToList();
        if (current.SequenceEqual(desired, StringComparer.Ordinal))
        {
            return ReconcileResult.Done;
        }

        var obj = cached.ToJsonObject();
        var status = obj["status"] as JsonObject ?? new JsonObject();
        status["loadBalancer"] = desired.Count == 0
            ? new JsonObject()
            : new JsonObject { ["ingress"] = new JsonArray([.. desired.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip, ["ipMode"] = "VIP" })]) };
        obj["status"] = status;
        await _writer.UpdateStatusAsync(BuiltInKinds.Service, cached.Namespace, cached.Name, obj, ct).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>The InternalIP of every Ready node, sorted (the order is part of the status, and must not flap).</summary>
    public static List<string> Ingress(IEnumerable<V1Node> nodes) =>
        [.. nodes
            .Where(n => n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true && n.Spec?.Unschedulable != true)
            .Select(n => n.Status!.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    private static bool IsLoadBalancer(CachedObject service) => service.As<V1Service>().Spec?.Type == "LoadBalancer";
}
