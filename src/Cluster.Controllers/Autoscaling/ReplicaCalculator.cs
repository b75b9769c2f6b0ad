using Cluster.Controllers.Scheduling.Framework;
using k8s.Models;

namespace Cluster.Controllers.Autoscaling;

/// <summary>
/// The replica calculator's tuning, as kube-controller-manager's flags: --horizontal-pod-autoscaler-tolerance (0.1),
/// -cpu-initialization-period (5m) and -initial-readiness-delay (30s).
/// </summary>
public sealed record CalculatorOptions(double Tolerance, TimeSpan CpuInitializationPeriod, TimeSpan InitialReadinessDelay)
{
    public static CalculatorOptions Default { get; } = new(0.1, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));
}

/// <summary>One metric's proposal and its current value for the status: utilization in percent (utilization targets only) and the average in milli-units.</summary>
public sealed record ReplicaProposal(int Replicas, int? Utilization, long AverageMilli);

/// <summary>The metric could not be computed; the message is upstream's.</summary>
public sealed class MetricUnavailableException(string message) : Exception(message);

/// <summary>
/// Upstream's replica_calculator for Resource metrics: desired = ceil(ready pods × usage / target), unless within the
/// tolerance. Pods being deleted or failed are left out; pending pods, and for CPU pods not yet ready or measured too
/// soon after becoming ready, are "unready"; running pods without a measurement are "missing". Both are treated
/// conservatively: on a scale-up they count as using nothing, missing ones on a scale-down as using their request (or
/// the target), and a result that would turn the direction of the scale keeps the current count.
/// </summary>
public static class ReplicaCalculator
{
    /// <summary>Upstream's GetResourceReplicas: a target utilization in percent of the pods' requests.</summary>
    public static ReplicaProposal ForUtilization(int current, int targetUtilization, string resource, IReadOnlyList<V1Pod> pods, IReadOnlyDictionary<string, PodMetric> metrics, DateTimeOffset now, CalculatorOptions options)
    {
        var (ready, unready, missing, usage) = Group(pods, metrics, resource, now, options);
        var requests = Requests(pods, resource);
        if (usage.Count == 0)
        {
            throw new MetricUnavailableException("did not receive metrics for targeted pods (pods might be unready)");
        }

        var (ratio, utilization, raw) = UtilizationRatio(usage, requests, targetUtilization);
        var scaleUpWithUnready = unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            return new ReplicaProposal(Math.Abs(1.0 - ratio) <= options.Tolerance ? current : Ceiling(ratio * ready), utilization, raw);
        }

        Rebalance(usage, missing, unready, ratio, scaleUpWithUnready, pod => requests[pod]);
        var (newRatio, _, _) = UtilizationRatio(usage, requests, targetUtilization);
        return new ReplicaProposal(Rebalanced(current, ratio, newRatio, usage.Count, options), utilization, raw);
    }

    /// <summary>Upstream's GetRawResourceReplicas (calcPlainMetricReplicas): a target average usage per pod in milli-units.</summary>
    public static ReplicaProposal ForAverageValue(int current, long targetMilli, string resource, IReadOnlyList<V1Pod> pods, IReadOnlyDictionary<string, PodMetric> metrics, DateTimeOffset now, CalculatorOptions options)
    {
        var (ready, unready, missing, usage) = Group(pods, metrics, resource, now, options);
        if (usage.Count == 0)
        {
            throw new MetricUnavailableException("did not receive metrics for targeted pods (pods might be unready)");
        }

        var (ratio, average) = AverageRatio(usage, targetMilli);
        var scaleUpWithUnready = unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            return new ReplicaProposal(Math.Abs(1.0 - ratio) <= options.Tolerance ? current : Ceiling(ratio * ready), null, average);
        }

        Rebalance(usage, missing, unready, ratio, scaleUpWithUnready, _ => targetMilli);
        var (newRatio, _) = AverageRatio(usage, targetMilli);
        return new ReplicaProposal(Rebalanced(current, ratio, newRatio, usage.Count, options), null, average);
    }

    /// <summary>
    /// Upstream's groupPods: the ready count, the unready and missing pods, and the usage of the pods that count
    /// (those with a measurement, less the ignored and unready ones).
    /// </summary>
    internal static (int Ready, List<string> Unready, List<string> Missing, Dictionary<string, long> Usage) Group(
        IReadOnlyList<V1Pod> pods, IReadOnlyDictionary<string, PodMetric> metrics, string resource, DateTimeOffset now, CalculatorOptions options)
    {
        if (pods.Count == 0)
        {
            throw new MetricUnavailableException("no pods returned by selector while calculating replica count");
        }

        var ready = 0;
        List<string> unready = [];
        List<string> missing = [];
        var usage = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var name = pod.Metadata.Name;
            if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase == "Failed")
            {
                continue;
            }

            if (pod.Status?.Phase is null or "Pending")
            {
                unready.Add(name);
                continue;
            }

            if (!metrics.TryGetValue(name, out var metric))
            {
                missing.Add(name);
                continue;
            }

            if (resource == "cpu" && CpuSampleUnready(pod, metric, now, options))
            {
                unready.Add(name);
                continue;
            }

            usage[name] = metric.Milli(resource);
            ready++;
        }

        return (ready, unready, missing, usage);
    }

    /// <summary>
    /// CPU spikes while a pod starts: within the initialization period a sample counts only from a ready pod and when
    /// measured a full window after it became ready; after it, only a pod that never became ready is left out.
    /// </summary>
    private static bool CpuSampleUnready(V1Pod pod, PodMetric metric, DateTimeOffset now, CalculatorOptions options)
    {
        var condition = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (condition is null || pod.Status?.StartTime is not { } startTime)
        {
            return true;
        }

        var started = new DateTimeOffset(DateTime.SpecifyKind(startTime, DateTimeKind.Utc));
        var transition = condition.LastTransitionTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : started;
        if (started + options.CpuInitializationPeriod > now)
        {
            return condition.Status == "False" || metric.Timestamp < transition + metric.Window;
        }

        return condition.Status == "False" && started + options.InitialReadinessDelay > transition;
    }

    /// <summary>Upstream's calculatePodRequests: every container must request the resource.</summary>
    internal static Dictionary<string, long> Requests(IReadOnlyList<V1Pod> pods, string resource)
    {
        var requests = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            long sum = 0;
            foreach (var container in pod.Spec?.Containers ?? [])
            {
                if (container.Resources?.Requests?.TryGetValue(resource, out var request) != true)
                {
                    throw new MetricUnavailableException($"missing request for {resource} in container {container.Name} of Pod {pod.Metadata.Name}");
                }

                sum += ResourceAmounts.MilliValue(request!);
            }

            requests[pod.Metadata.Name] = sum;
        }

        return requests;
    }

    /// <summary>Upstream's GetResourceUtilizationRatio: the utilization is a whole percent, and the ratio is taken from it.</summary>
    private static (double Ratio, int Utilization, long Average) UtilizationRatio(Dictionary<string, long> usage, Dictionary<string, long> requests, int target)
    {
        long total = 0, requested = 0;
        var entries = 0;
        foreach (var (pod, value) in usage)
        {
            if (requests.TryGetValue(pod, out var request))
            {
                total += value;
                requested += request;
                entries++;
            }
        }

        if (requested == 0)
        {
            throw new MetricUnavailableException("no metrics returned matched known pods");
        }

        var utilization = (int)(total * 100 / requested);
        return ((double)utilization / target, utilization, total / entries);
    }

    /// <summary>Upstream's GetMetricUtilizationRatio: the average usage against the target average.</summary>
    private static (double Ratio, long Average) AverageRatio(Dictionary<string, long> usage, long target)
    {
        var average = usage.Values.Sum() / usage.Count;
        return ((double)average / target, average);
    }

    /// <summary>Missing pods count as using nothing on a scale-up and <paramref name="full"/> on a scale-down; unready ones as nothing on a scale-up.</summary>
    private static void Rebalance(Dictionary<string, long> usage, List<string> missing, List<string> unready, double ratio, bool scaleUpWithUnready, Func<string, long> full)
    {
        foreach (var pod in missing)
        {
            if (ratio < 1.0)
            {
                usage[pod] = full(pod);
            }
            else if (ratio > 1.0)
            {
                usage[pod] = 0;
            }
        }

        if (scaleUpWithUnready)
        {
            foreach (var pod in unready)
            {
                usage[pod] = 0;
            }
        }
    }

    /// <summary>The count after rebalancing: unchanged within the tolerance or when the rebalanced pods would turn the direction of the scale.</summary>
    private static int Rebalanced(int current, double ratio, double newRatio, int counted, CalculatorOptions options)
    {
        if (Math.Abs(1.0 - newRatio) <= options.Tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0))
        {
            return current;
        }

        var proposed = Ceiling(newRatio * counted);
        return (newRatio < 1.0 && proposed > current) || (newRatio > 1.0 && proposed < current) ? current : proposed;
    }

    private static int Ceiling(double value) => (int)Math.Ceiling(value);
}
