namespace Cluster.Controllers.History;

/// <summary>What a sync does to the history to get a revision for the set's template.</summary>
public abstract record RevisionStep;

/// <summary>The newest revision already holds the template: nothing to write.</summary>
public sealed record KeepRevision(Revision Revision) : RevisionStep;

/// <summary>An older revision holds the template (a rollback): it becomes the newest by taking the next number.</summary>
public sealed record RenumberRevision(Revision Revision, long Number) : RevisionStep;

/// <summary>No revision holds the template: a new one is made with the next number.</summary>
public sealed record CreateRevision(long Number) : RevisionStep;

/// <summary>
/// The set-independent part of upstream's pkg/controller/history and of the DaemonSet's and StatefulSet's use of it:
/// ordering revisions, finding the one that holds a template, and which old ones a revisionHistoryLimit lets go. Pure.
/// </summary>
public static class RevisionHistory
{
    /// <summary>Oldest first: by number, then creation time, then name (upstream's SortControllerRevisions).</summary>
    public static List<Revision> Sort(IEnumerable<Revision> revisions) =>
        [.. revisions.OrderBy(r => r.Number).ThenBy(r => r.Metadata.CreationTimestamp ?? DateTime.MinValue).ThenBy(r => r.Name, StringComparer.Ordinal)];

    /// <summary>One more than the newest's number, 1 for an empty history (upstream's nextRevision).</summary>
    public static long Next(IReadOnlyList<Revision> sorted) => sorted.Count == 0 ? 1 : sorted[^1].Number + 1;

    /// <summary>
    /// Upstream's getStatefulSetRevisions (and the DaemonSet's constructHistory): the newest revision holding
    /// <paramref name="data"/> is kept when it is the newest of all, renumbered to the next number when it is not (a
    /// rollback), and a new revision is made when none holds it.
    /// </summary>
    public static RevisionStep Resolve(IReadOnlyList<Revision> sorted, string data)
    {
        var equal = sorted.LastOrDefault(r => r.Data == data);
        if (equal is null)
        {
            return new CreateRevision(Next(sorted));
        }

        return ReferenceEquals(equal, sorted[^1]) ? new KeepRevision(equal) : new RenumberRevision(equal, Next(sorted));
    }

    /// <summary>
    /// Upstream's truncateHistory: of the revisions not live (neither the set's current nor update revision nor one a
    /// pod still runs), all but the newest <paramref name="limit"/> go, oldest first.
    /// </summary>
    public static List<Revision> ToTruncate(IReadOnlyList<Revision> sorted, Func<Revision, bool> isLive, int limit)
    {
        var history = sorted.Where(r => !isLive(r)).ToList();
        return history.Count <= limit ? [] : history[..(history.Count - Math.Max(limit, 0))];
    }
}
