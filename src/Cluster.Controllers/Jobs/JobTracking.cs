using k8s.Models;

namespace Cluster.Controllers.Jobs;

/// <summary>
/// Upstream's pod tracking with finalizers (trackJobStatusAndRemoveFinalizers): a job's pods carry
/// <see cref="Finalizer"/>, so a finished pod cannot vanish (a user's delete, pod GC) before the job counted it.
/// <code>
///   pod finished, finalizer on ──uid into status.uncountedTerminatedPods──▶ (status written) ──finalizer removed──▶
///   finalizer off, or pod gone ──uid leaves the uncounted list, status.succeeded / failed + 1──▶ counted for good
/// </code>
/// A uid enters the uncounted list only while its pod holds the finalizer and leaves it only once the finalizer is
/// gone, so no pod is counted twice or lost; the finalizer goes only after the list naming the pod is stored.
/// </summary>
public static class JobTracking
{
    public const string Finalizer = "batch.kubernetes.io/job-tracking";

    public static bool Tracked(V1Pod pod) => pod.Metadata?.Finalizers?.Contains(Finalizer) == true;

    /// <summary>
    /// Moves into <paramref name="status"/>'s counters the uncounted pods whose finalizer is gone, records the
    /// finished pods still holding it as uncounted, and answers the pods whose finalizer may go once that status is
    /// stored: the finished ones, and those deleted before they finished (not counted, as a deleted pod never was).
    /// </summary>
    /// <param name="countsFailure">Whether a failed pod counts against the backoff limit (a pod failure policy may ignore it).</param>
    public static List<V1Pod> Track(IReadOnlyList<V1Pod> pods, V1JobStatus status, Func<V1Pod, bool> countsFailure)
    {
        var uncounted = status.UncountedTerminatedPods ??= new V1UncountedTerminatedPods();
        var holding = new Dictionary<string, V1Pod>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (Tracked(pod) && pod.Metadata.Uid is { Length: > 0 } uid)
            {
                holding.TryAdd(uid, pod);
            }
        }

        var succeeded = new SortedSet<string>(uncounted.Succeeded ?? [], StringComparer.Ordinal);
        var failed = new SortedSet<string>(uncounted.Failed ?? [], StringComparer.Ordinal);
        status.Succeeded = NullIfZero((status.Succeeded ?? 0) + succeeded.RemoveWhere(uid => !holding.ContainsKey(uid)));
        status.Failed = NullIfZero((status.Failed ?? 0) + failed.RemoveWhere(uid => !holding.ContainsKey(uid)));

        var release = new List<V1Pod>();
        foreach (var (uid, pod) in holding)
        {
            switch (pod.Status?.Phase)
            {
                case "Succeeded":
                    succeeded.Add(uid);
                    release.Add(pod);
                    break;
                case "Failed":
                    if (countsFailure(pod))
                    {
                        failed.Add(uid);
                    }

                    release.Add(pod);
                    break;
                default:
                    if (pod.Metadata.DeletionTimestamp is not null)
                    {
                        release.Add(pod);
                    }

                    break;
            }
        }

        uncounted.Succeeded = [.. succeeded];
        uncounted.Failed = [.. failed];
        return release;
    }

    /// <summary>Pods counted but not yet for good (their finalizer still on when the status was computed).</summary>
    public static int Uncounted(V1JobStatus status) =>
        (status.UncountedTerminatedPods?.Succeeded?.Count ?? 0) + (status.UncountedTerminatedPods?.Failed?.Count ?? 0);

    private static int? NullIfZero(int value) => value == 0 ? null : value;
}
