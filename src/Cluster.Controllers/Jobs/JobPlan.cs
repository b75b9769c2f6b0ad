using k8s.Models;

namespace Cluster.Controllers.Jobs;

/// <summary>An Event the sync records on the job.</summary>
public sealed record JobEvent(string Type, string Reason, string Message);

/// <summary>What one sync of a job does: the pods to create (their indexes: null for NonIndexed), those to delete, the status to write.</summary>
/// <param name="RequeueAfter">When to look again though nothing changes: a back-off, the active deadline, the TTL.</param>
/// <param name="DeleteJob">The finished job's TTL has passed: the job goes (its pods with it, by the garbage collector).</param>
public sealed record JobPlan(
    V1JobStatus Status,
    IReadOnlyList<int?> Create,
    IReadOnlyList<V1Pod> Delete,
    IReadOnlyList<JobEvent> Events,
    TimeSpan? RequeueAfter,
    bool DeleteJob = false)
{
    /// <summary>The pods whose tracking finalizer goes once the status is stored (<see cref="JobTracking"/>).</summary>
    public IReadOnlyList<V1Pod> Release { get; init; } = [];
}
