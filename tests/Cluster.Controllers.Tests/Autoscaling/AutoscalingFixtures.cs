using Cluster.Controllers.Autoscaling;
using k8s.Models;

namespace Cluster.Controllers.Tests.Autoscaling;

internal static class AutoscalingFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A pod requesting <paramref name="cpu"/> and <paramref name="memory"/> per container; by default running for
    /// 10 minutes and ready for 9 (past the CPU initialization period).
    /// </summary>
    public static V1Pod Pod(
        string name, string phase = "Running", bool? ready = true, TimeSpan? startedAgo = null, TimeSpan? readyAgo = null,
        string? cpu = "1000m", string? memory = "100Mi", int containers = 1, bool deleting = false)
    {
        var started = Now - (startedAgo ?? TimeSpan.FromMinutes(10));
        var requests = new Dictionary<string, ResourceQuantity>();
        if (cpu is not null)
        {
            requests["cpu"] = new ResourceQuantity(cpu);
        }

        if (memory is not null)
        {
            requests["memory"] = new ResourceQuantity(memory);
        }

        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", DeletionTimestamp = deleting ? Now.UtcDateTime : null },
            Spec = new V1PodSpec
            {
                Containers = [.. Enumerable.Range(0, containers).Select(i => new V1Container { Name = i == 0 ? "app" : "app" + i, Resources = new V1ResourceRequirements { Requests = requests } })],
            },
            Status = new V1PodStatus
            {
                Phase = phase,
                StartTime = phase == "Pending" ? null : started.UtcDateTime,
                Conditions = ready is { } r
                    ? [new V1PodCondition { Type = "Ready", Status = r ? "True" : "False", LastTransitionTime = (Now - (readyAgo ?? TimeSpan.FromMinutes(9))).UtcDateTime }]
                    : null,
            },
        };
    }

    /// <summary>Usage measured now over a 30-second window: CPU in millicores, memory in bytes.</summary>
    public static Dictionary<string, PodMetric> Usage(params (string Pod, long CpuMilli, long MemoryBytes)[] pods) =>
        pods.ToDictionary(p => p.Pod, p => new PodMetric(Now, TimeSpan.FromSeconds(30), p.CpuMilli, p.MemoryBytes * 1000));

    public static Dictionary<string, PodMetric> Cpu(params (string Pod, long Milli)[] pods) => Usage([.. pods.Select(p => (p.Pod, p.Milli, 0L))]);
}
