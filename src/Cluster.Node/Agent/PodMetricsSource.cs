using System.Runtime.CompilerServices;
using Cluster.Api.Metrics;
using Cluster.Controllers.Autoscaling;

namespace Cluster.Node.Agent;

/// <summary>
/// The node agents' latest measurement (what metrics.k8s.io serves) as the autoscaler reads it: each pod's containers
/// summed, CPU in millicores and memory in thousandths of a byte, as upstream's metrics client turns PodMetrics into
/// milli-values (each container's rounded up, as resource.Quantity.MilliValue).
/// </summary>
public sealed class PodMetricsSource(IResourceMetrics? metrics) : IPodMetricsSource
{
    // A measurement is grouped by namespace once, however many autoscalers read it.
    private readonly ConditionalWeakTable<MetricsSnapshot, Dictionary<string, Dictionary<string, PodMetric>>> _byNamespace = [];

    public IReadOnlyDictionary<string, PodMetric> PodMetrics(string ns) =>
        metrics?.Latest is { } snapshot && _byNamespace.GetValue(snapshot, Group).TryGetValue(ns, out var pods) ? pods : Empty;

    private static readonly Dictionary<string, PodMetric> Empty = new(StringComparer.Ordinal);

    private static Dictionary<string, Dictionary<string, PodMetric>> Group(MetricsSnapshot snapshot) =>
        snapshot.Pods.GroupBy(p => p.Namespace, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.ToDictionary(
                p => p.Name,
                p => new PodMetric(snapshot.Timestamp, snapshot.Window, p.Containers.Sum(c => (c.CpuNanoCores + 999_999) / 1_000_000), p.Containers.Sum(c => c.MemoryBytes) * 1000),
                StringComparer.Ordinal),
            StringComparer.Ordinal);
}
