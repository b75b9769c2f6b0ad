using System.Runtime.CompilerServices;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;
using Cluster.Core.Registry.Strategies;
using k8s.Models;

namespace Cluster.Controllers.Autoscaling;

/// <summary>Upstream's computeReplicasForMetrics: one proposal per metric, the largest wins.</summary>
public sealed partial class HorizontalPodAutoscalerController
{
    // Cached versions are immutable: a pod is parsed once, however many syncs read it.
    private readonly ConditionalWeakTable<CachedObject, V1Pod> _parsedPods = [];

    /// <summary>The proposal, the metric it came from and every metric's status; or, when no proposal may be acted on, why.</summary>
    private sealed record Computed(int Replicas, string Metric, List<V2MetricStatus> Statuses, string? Error);

    /// <summary>
    /// Sets ScalingActive: true when some metric gave a count; false with the first failing metric's reason when all
    /// failed, or when some failed and the others would scale down (a missing metric must not shrink the target).
    /// </summary>
    private Computed ComputeReplicasForMetrics(V2HorizontalPodAutoscaler hpa, ScaleTarget target, int current, DateTimeOffset now)
    {
        var status = hpa.Status;
        if (target.Selector.Length == 0)
        {
            _events.Warning(Reference(hpa), "SelectorRequired", "selector is required");
            SetCondition(status, "ScalingActive", false, "InvalidSelector", "the HPA target's scale is missing a selector", now);
            return new Computed(0, "", [], "selector is required");
        }

        if (!LabelSelector.TryParse(target.Selector, out var selector, out var selectorError))
        {
            var message = $"couldn't convert selector into a corresponding internal selector object: {selectorError}";
            _events.Warning(Reference(hpa), "InvalidSelector", message);
            SetCondition(status, "ScalingActive", false, "InvalidSelector", message, now);
            return new Computed(0, "", [], message);
        }

        var ns = hpa.Metadata.NamespaceProperty;
        var pods = _pods.ByIndex(Indexers.Namespace, ns).Where(p => selector.Matches(p.Labels)).Select(p => _parsedPods.GetValue(p, CachedObjectJson.As<V1Pod>)).ToList();
        var metrics = _metrics.PodMetrics(ns);
        var specs = hpa.Spec.Metrics ?? [];
        var statuses = new List<V2MetricStatus>(specs.Count);
        var (replicas, metricName, invalid) = (0, "", 0);
        (string Reason, string Message)? firstFailure = null;
        foreach (var spec in specs)
        {
            try
            {
                var (proposal, name, metricStatus) = ComputeForMetric(spec, current, pods, metrics, now);
                statuses.Add(metricStatus);
                if (replicas == 0 || proposal > replicas)
                {
                    (replicas, metricName) = (proposal, name);
                }
            }
            catch (MetricUnavailableException e)
            {
                var reason = FailureReason(spec.Type);
                _events.Warning(Reference(hpa), reason, e.Message);
                firstFailure ??= (reason, e.Message);
                invalid++;
                statuses.Add(Unknown(spec));
            }
        }

        if (firstFailure is var (failedReason, failedMessage) && (invalid >= specs.Count || replicas < current))
        {
            SetCondition(status, "ScalingActive", false, failedReason, "the HPA was unable to compute the replica count: " + failedMessage, now);
            return new Computed(0, "", statuses, $"invalid metrics ({invalid} invalid out of {specs.Count}), first error is: {failedMessage}");
        }

        if (specs.Count == 0)
        {
            return new Computed(0, "", statuses, "no metrics to compute a replica count from");
        }

        SetCondition(status, "ScalingActive", true, "ValidMetricFound", $"the HPA was able to successfully calculate a replica count from {metricName}", now);
        return new Computed(replicas, metricName, statuses, null);
    }

    /// <summary>Upstream's computeStatusForResourceMetric; the other metric types need APIs this cluster does not serve.</summary>
    private (int Replicas, string Name, V2MetricStatus Status) ComputeForMetric(V2MetricSpec spec, int current, List<V1Pod> pods, IReadOnlyDictionary<string, PodMetric> metrics, DateTimeOffset now)
    {
        if (spec.Type != "Resource" || spec.Resource is not { } source)
        {
            throw new MetricUnavailableException(spec.Type switch
            {
                "ContainerResource" => "unable to get metrics for container resources: per-container targets are not supported by this cluster",
                "External" => "unable to get external metric: the external metrics API (external.metrics.k8s.io) is not served by this cluster",
                _ => $"unable to get metric: the custom metrics API (custom.metrics.k8s.io) is not served by this cluster for {spec.Type} metrics",
            });
        }

        var resource = source.Name;
        if (resource is not ("cpu" or "memory"))
        {
            throw new MetricUnavailableException($"unable to get metrics for resource {resource}: no metrics returned from resource metrics API");
        }

        var options = _settings.Calculator;
        if (source.Target.AverageValue is { } average)
        {
            var proposal = ReplicaCalculator.ForAverageValue(current, ResourceAmounts.MilliValue(average), resource, pods, metrics, now, options);
            return (proposal.Replicas, $"{resource} resource", ResourceStatus(resource, new V2MetricValueStatus { AverageValue = Milli(proposal.AverageMilli) }));
        }

        if (source.Target.AverageUtilization is not { } utilization)
        {
            throw new MetricUnavailableException("invalid resource metric source: neither a utilization target nor a value target was set");
        }

        var result = ReplicaCalculator.ForUtilization(current, utilization, resource, pods, metrics, now, options);
        return (result.Replicas, $"{resource} resource utilization (percentage of request)",
            ResourceStatus(resource, new V2MetricValueStatus { AverageUtilization = result.Utilization, AverageValue = Milli(result.AverageMilli) }));
    }

    private static string FailureReason(string type) => type switch
    {
        "Resource" => "FailedGetResourceMetric",
        "ContainerResource" => "FailedGetContainerResourceMetric",
        "Pods" => "FailedGetPodsMetric",
        "Object" => "FailedGetObjectMetric",
        "External" => "FailedGetExternalMetric",
        _ => "InvalidMetricSourceType",
    };

    /// <summary>A failed metric's status: its source without a current value, which kubectl shows as &lt;unknown&gt;.</summary>
    private static V2MetricStatus Unknown(V2MetricSpec spec) => spec.Resource is { } source
        ? ResourceStatus(source.Name, new V2MetricValueStatus())
        : new V2MetricStatus { Type = spec.Type };

    private static V2MetricStatus ResourceStatus(string resource, V2MetricValueStatus current) => new()
    {
        Type = "Resource",
        Resource = new V2ResourceMetricStatus { Name = resource, Current = current },
    };

    private static ResourceQuantity Milli(long milli) => new(Quantity.FromMilli(milli).ToString());
}
