using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Selectors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Api.Metrics;

/// <summary>
/// The resource metrics API as metrics-server serves it (metrics.k8s.io/v1beta1): NodeMetrics and PodMetrics, listed
/// (pods by namespace and label selector) or one by name, read from the node agents' latest measurement. This is what
/// <c>kubectl top nodes</c> and <c>kubectl top pods --containers</c> ask for.
/// </summary>
public static class MetricsEndpoints
{
    public const string Group = "metrics.k8s.io";
    public const string Version = "v1beta1";
    private const string Prefix = "/apis/" + Group + "/" + Version;

    public static IEndpointRouteBuilder MapResourceMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Prefix, (HttpContext context) => ResponseWriter.WriteAsync(context, 200, ResourceList(), context.RequestAborted));
        endpoints.MapGet(Prefix + "/nodes", (HttpContext context) => Serve(context, (s, now) => List("NodeMetricsList", s.Nodes.Where(n => Selected(context, null)).Select(n => Node(n, s, now)))));
        endpoints.MapGet(Prefix + "/nodes/{name}", (HttpContext context, string name) => Serve(context, (s, now) =>
            s.Nodes.FirstOrDefault(n => n.Name == name) is { } node ? Node(node, s, now) : throw NotFound("nodes", name)));
        endpoints.MapGet(Prefix + "/pods", (HttpContext context) => Serve(context, (s, now) => List("PodMetricsList", s.Pods.Where(p => Selected(context, p.Labels)).Select(p => Pod(p, s, now)))));
        endpoints.MapGet(Prefix + "/namespaces/{ns}/pods", (HttpContext context, string ns) => Serve(context, (s, now) =>
            List("PodMetricsList", s.Pods.Where(p => p.Namespace == ns && Selected(context, p.Labels)).Select(p => Pod(p, s, now)))));
        endpoints.MapGet(Prefix + "/namespaces/{ns}/pods/{name}", (HttpContext context, string ns, string name) => Serve(context, (s, now) =>
            s.Pods.FirstOrDefault(p => p.Namespace == ns && p.Name == name) is { } pod ? Pod(pod, s, now) : throw NotFound("pods", name)));
        return endpoints;
    }

    /// <summary>The group's entry in aggregated discovery (kubectl top looks for it there).</summary>
    public static JsonObject AggregatedGroup() => new()
    {
        ["metadata"] = new JsonObject { ["name"] = Group, ["creationTimestamp"] = null },
        ["versions"] = new JsonArray(new JsonObject
        {
            ["version"] = Version,
            ["resources"] = new JsonArray(AggregatedResource("nodes", "NodeMetrics", "Cluster"), AggregatedResource("pods", "PodMetrics", "Namespaced")),
            ["freshness"] = "Current",
        }),
    };

    /// <summary>The group in the legacy <c>/apis</c> list.</summary>
    public static JsonObject LegacyGroup()
    {
        var gv = new JsonObject { ["groupVersion"] = Group + "/" + Version, ["version"] = Version };
        return new JsonObject { ["name"] = Group, ["versions"] = new JsonArray(gv), ["preferredVersion"] = gv.DeepClone() };
    }

    private static JsonObject AggregatedResource(string plural, string kind, string scope) => new()
    {
        ["resource"] = plural,
        ["responseKind"] = new JsonObject { ["group"] = Group, ["version"] = Version, ["kind"] = kind },
        ["scope"] = scope,
        ["singularResource"] = "",
        ["verbs"] = new JsonArray("get", "list"),
    };

    private static JsonObject ResourceList() => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = Group + "/" + Version,
        ["resources"] = new JsonArray(
            new JsonObject { ["name"] = "nodes", ["singularName"] = "", ["namespaced"] = false, ["kind"] = "NodeMetrics", ["verbs"] = new JsonArray("get", "list") },
            new JsonObject { ["name"] = "pods", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "PodMetrics", ["verbs"] = new JsonArray("get", "list") }),
    };

    private static async Task Serve(HttpContext context, Func<MetricsSnapshot, DateTimeOffset, JsonObject> answer)
    {
        try
        {
            var snapshot = context.RequestServices.GetService<IResourceMetrics>()?.Latest ?? Empty;
            var now = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
            await ResponseWriter.WriteAsync(context, 200, answer(snapshot, now), context.RequestAborted).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e).ConfigureAwait(false);
        }
    }

    private static readonly MetricsSnapshot Empty = new(DateTimeOffset.UnixEpoch, TimeSpan.Zero, [], []);

    private static bool Selected(HttpContext context, IReadOnlyDictionary<string, string>? labels) =>
        ApiQuery.Get(context.Request, "labelSelector") is not { Length: > 0 } text || labels is not null && LabelSelector.Parse(text).Matches(labels);

    private static JsonObject List(string kind, IEnumerable<JsonObject> items) => new()
    {
        ["kind"] = kind,
        ["apiVersion"] = Group + "/" + Version,
        ["metadata"] = new JsonObject(),
        ["items"] = new JsonArray([.. items]),
    };

    private static JsonObject Node(NodeUsage node, MetricsSnapshot s, DateTimeOffset now) => new()
    {
        ["kind"] = "NodeMetrics",
        ["apiVersion"] = Group + "/" + Version,
        ["metadata"] = new JsonObject { ["name"] = node.Name, ["creationTimestamp"] = ObjectMeta.Timestamp(now), ["labels"] = new JsonObject() },
        ["timestamp"] = ObjectMeta.Timestamp(s.Timestamp),
        ["window"] = Window(s.Window),
        ["usage"] = Usage(node.CpuNanoCores, node.MemoryBytes),
    };

    private static JsonObject Pod(PodUsage pod, MetricsSnapshot s, DateTimeOffset now) => new()
    {
        ["kind"] = "PodMetrics",
        ["apiVersion"] = Group + "/" + Version,
        ["metadata"] = new JsonObject
        {
            ["name"] = pod.Name,
            ["namespace"] = pod.Namespace,
            ["creationTimestamp"] = ObjectMeta.Timestamp(now),
            ["labels"] = new JsonObject([.. pod.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))]),
        },
        ["timestamp"] = ObjectMeta.Timestamp(s.Timestamp),
        ["window"] = Window(s.Window),
        ["containers"] = new JsonArray([.. pod.Containers.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["usage"] = Usage(c.CpuNanoCores, c.MemoryBytes) })]),
    };

    /// <summary>metrics-server's quantities: CPU in nanocores ("12345n"), memory in KiB ("2048Ki").</summary>
    private static JsonObject Usage(long nanoCores, long bytes) => new()
    {
        ["cpu"] = nanoCores.ToString(CultureInfo.InvariantCulture) + "n",
        ["memory"] = (bytes / 1024).ToString(CultureInfo.InvariantCulture) + "Ki",
    };

    private static string Window(TimeSpan w) => ((long)Math.Round(w.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";

    private static ApiException NotFound(string resource, string name) =>
        new(404, "NotFound", $"{resource}.{Group} \"{name}\" not found", new StatusDetails(name, Group, resource));
}
