using Cluster.Controllers.Jobs;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.Jobs;

/// <summary>Jobs and their pods as the pure job specs need them.</summary>
internal static class JobFixtures
{
    public static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start);

    public static V1Job Job(
        int? completions = 1,
        int parallelism = 1,
        int backoffLimit = 6,
        bool indexed = false,
        bool suspend = false,
        long? activeDeadlineSeconds = null,
        int? ttl = null,
        string restartPolicy = "Never",
        V1JobStatus? status = null) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = new V1ObjectMeta { Name = "pi", NamespaceProperty = "batch", Uid = "job-uid", CreationTimestamp = Start.UtcDateTime },
        Spec = new V1JobSpec
        {
            Completions = completions,
            Parallelism = parallelism,
            BackoffLimit = backoffLimit,
            CompletionMode = indexed ? "Indexed" : "NonIndexed",
            Suspend = suspend,
            ActiveDeadlineSeconds = activeDeadlineSeconds,
            TtlSecondsAfterFinished = ttl,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = "job-uid" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = "job-uid", ["batch.kubernetes.io/job-name"] = "pi" } },
                Spec = new V1PodSpec { RestartPolicy = restartPolicy, Containers = [new V1Container { Name = "pi", Image = "perl" }] },
            },
        },
        Status = status,
    };

    /// <summary>The pod once the controller took its tracking finalizer off (it is counted for good at the next sync).</summary>
    public static V1Pod Untracked(V1Pod pod)
    {
        pod.Metadata.Finalizers = null;
        return pod;
    }

    /// <summary>A pod of the job in <paramref name="phase"/>; finished ones finished at <paramref name="finished"/>.</summary>
    public static V1Pod Pod(string name, string phase = "Running", DateTimeOffset? finished = null, int? index = null, bool ready = false, bool terminating = false, int restarts = 0) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "batch",
            Uid = "uid-" + name,
            CreationTimestamp = Start.UtcDateTime,
            DeletionTimestamp = terminating ? Start.UtcDateTime : null,
            Annotations = index is { } i ? new Dictionary<string, string> { [JobFacts.CompletionIndexKey] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = "pi", Uid = "job-uid", Controller = true }],
            Finalizers = [JobTracking.Finalizer],
        },
        Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "pi", Image = "perl" }] },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = Start.UtcDateTime }],
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "pi",
                    RestartCount = restarts,
                    State = finished is { } at ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = phase == "Failed" ? 1 : 0, FinishedAt = at.UtcDateTime } } : null,
                },
            ],
        },
    };

    public static V1JobCondition? Condition(V1JobStatus status, string type) => status.Conditions?.FirstOrDefault(c => c.Type == type);
}
