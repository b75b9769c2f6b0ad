namespace Cluster.Controllers.Autoscaling;

/// <summary>
/// One pod's usage as the resource metrics API reports it, summed over its containers, in milli-units (as upstream's
/// metrics client: millicores of CPU, thousandths of a byte of memory), measured over <see cref="Window"/> up to
/// <see cref="Timestamp"/>.
/// </summary>
public sealed record PodMetric(DateTimeOffset Timestamp, TimeSpan Window, long CpuMilli, long MemoryMilli)
{
    /// <summary>The usage of <paramref name="resource"/> ("cpu" or "memory").</summary>
    public long Milli(string resource) => resource == "cpu" ? CpuMilli : MemoryMilli;
}

/// <summary>
/// Where the autoscaler reads pod usage from: the latest measurement of the node agents, which metrics.k8s.io serves
/// (tests feed synthetic usage instead).
/// </summary>
public interface IPodMetricsSource
{
    /// <summary>The measured pods of <paramref name="ns"/> by name; empty when none was measured.</summary>
    IReadOnlyDictionary<string, PodMetric> PodMetrics(string ns);
}

/// <summary>No measurements (a member without node agents): every autoscaler reports its metrics missing.</summary>
public sealed class NoPodMetrics : IPodMetricsSource
{
    public static NoPodMetrics Instance { get; } = new();

    public IReadOnlyDictionary<string, PodMetric> PodMetrics(string ns) => new Dictionary<string, PodMetric>();
}
