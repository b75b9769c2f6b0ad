using System.Globalization;
using Cluster.Api.Metrics;
using Cluster.Core.Registry;
using Cluster.Node.Agent.Runtime;

namespace Cluster.Node.Agent;

/// <summary>
/// Measures the node's and its containers' CPU and memory (what cAdvisor and metrics-server do for the kubelet): CPU is
/// the CPU time used between two samples divided by the time between them, memory the working set at the second.
/// The first sample of a container gives no CPU figure yet; it is reported from the next one on. Not thread-safe: the
/// agent samples one round at a time.
/// </summary>
public sealed class UsageSampler(string nodeName, TimeProvider clock)
{
    private readonly Dictionary<string, (ulong CpuNanos, DateTimeOffset At)> _containers = new(StringComparer.Ordinal);
    private (ulong BusyJiffies, DateTimeOffset At)? _node;

    /// <param name="runtimes">The node's runtime; with simulated nodes, every simulated node's of this process (one agent measures them all).</param>
    public async Task<MetricsSnapshot> SampleAsync(IReadOnlyCollection<IContainerRuntime> runtimes, ResourceRegistry registry, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var running = new List<(IContainerRuntime Runtime, RuntimeContainer Container)>();
        foreach (var runtime in runtimes)
        {
            running.AddRange((await runtime.ListPodContainersAsync(ct).ConfigureAwait(false)).Where(c => c.State == ContainerRunState.Running && !c.IsSandbox).Select(c => (runtime, c)));
        }

        var byPod = new Dictionary<(string Ns, string Name), List<ContainerUsage>>();
        var window = TimeSpan.Zero;
        foreach (var (runtime, container) in running)
        {
            (ulong cpu, long memory) usage;
            try
            {
                usage = await runtime.UsageAsync(container.Id, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                continue;
            }

            // Each reading is timed when it came back, not when the round began: containers are read one after another.
            var at = clock.GetUtcNow();
            if (_containers.TryGetValue(container.Id, out var previous) && at > previous.At && usage.cpu >= previous.CpuNanos)
            {
                var elapsed = at - previous.At;
                window = elapsed > window ? elapsed : window;
                var nanoCores = (long)((usage.cpu - previous.CpuNanos) / elapsed.TotalSeconds);
                var key = (container.PodNamespace, container.PodName);
                if (!byPod.TryGetValue(key, out var list))
                {
                    byPod[key] = list = [];
                }

                list.Add(new ContainerUsage(container.Name, nanoCores, usage.memory));
            }

            _containers[container.Id] = (usage.cpu, at);
        }

        var live = running.Select(r => r.Container.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _containers.Keys.Where(id => !live.Contains(id)).ToList())
        {
            _containers.Remove(gone);
        }

        var pods = byPod.Select(p => new PodUsage(
            p.Key.Ns,
            p.Key.Name,
            registry.Cache(BuiltInKinds.Pod).Get(p.Key.Ns, p.Key.Name)?.Labels ?? new Dictionary<string, string>(),
            [.. p.Value.OrderBy(c => c.Name, StringComparer.Ordinal)])).ToList();
        return new MetricsSnapshot(now, window, NodeUsage(now) is { } node ? [node] : [], pods);
    }

    /// <summary>The whole host from /proc: busy CPU time (all but idle and iowait) and memory in use (total less available).</summary>
    private NodeUsage? NodeUsage(DateTimeOffset now)
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => ulong.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Aggregate(0UL, (a, b) => a + b) - fields[3] - (fields.Length > 4 ? fields[4] : 0);
        var previous = _node;
        _node = (busy, now);
        if (previous is not { } p || now <= p.At || busy < p.BusyJiffies)
        {
            return null;
        }

        // USER_HZ is 100 on Linux: a jiffy is 10 ms of CPU time.
        var nanoCores = (long)((busy - p.BusyJiffies) * 10_000_000UL / (now - p.At).TotalSeconds);
        var memory = HostFacts.MemInfo();
        return new NodeUsage(nodeName, nanoCores, (memory.GetValueOrDefault("MemTotal") - memory.GetValueOrDefault("MemAvailable")) * 1024);
    }
}
