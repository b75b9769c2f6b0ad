using System.Collections.Concurrent;

namespace Cluster.Controllers.NodeLifecycle;

/// <summary>
/// When the controller last saw each node show signs of life (upstream's nodeHealthData.probeTimestamp): a new Ready
/// heartbeat or Lease renewTime counts from when it is observed on this controller's clock, so a kubelet's skewed clock
/// neither ages nor rejuvenates its node.
/// </summary>
public sealed class NodeProbes
{
    private readonly ConcurrentDictionary<string, Probe> _probes = new(StringComparer.Ordinal);

    /// <summary>The time of the node's last sign of life: now when the heartbeat or renewTime differ from those seen before (or nothing was).</summary>
    public DateTimeOffset Observe(string node, DateTime? heartbeat, DateTime? renewed, DateTimeOffset now) =>
        _probes.AddOrUpdate(
            node,
            _ => new Probe(heartbeat, renewed, now),
            (_, seen) => seen.Heartbeat == heartbeat && seen.Renewed == renewed ? seen : new Probe(heartbeat, renewed, now)).At;

    public void Forget(string node) => _probes.TryRemove(node, out _);

    private sealed record Probe(DateTime? Heartbeat, DateTime? Renewed, DateTimeOffset At);
}
