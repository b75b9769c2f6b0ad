namespace Cluster.Api.Metrics;

/// <summary>One container's usage: CPU in nanocores (averaged over the window), memory as its working set in bytes.</summary>
public sealed record ContainerUsage(string Name, long CpuNanoCores, long MemoryBytes);

/// <summary>A pod's containers' usage; the labels let a label selector choose pods.</summary>
public sealed record PodUsage(string Namespace, string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<ContainerUsage> Containers);

/// <summary>A node's usage as a whole.</summary>
public sealed record NodeUsage(string Name, long CpuNanoCores, long MemoryBytes);

/// <summary>The usage the node agents measured last, over a window ending at <see cref="Timestamp"/>.</summary>
public sealed record MetricsSnapshot(DateTimeOffset Timestamp, TimeSpan Window, IReadOnlyList<NodeUsage> Nodes, IReadOnlyList<PodUsage> Pods);

/// <summary>Where the resource metrics API (metrics.k8s.io, what metrics-server serves) reads usage from.</summary>
public interface IResourceMetrics
{
    /// <summary>The latest measurement, or null before the first one.</summary>
    MetricsSnapshot? Latest { get; }
}
