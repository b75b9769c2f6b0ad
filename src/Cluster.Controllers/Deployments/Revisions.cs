using System.Globalization;
using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>
/// The annotations a deployment keeps on its ReplicaSets (upstream's deploymentutil): the revision kubectl's rollout
/// history and undo read, the revisions a reused ReplicaSet had before, and the deployment size (and size with surge)
/// each was last scaled for, which proportional scaling divides by.
/// </summary>
public static class Revisions
{
    public const string Revision = "deployment.kubernetes.io/revision";
    public const string RevisionHistory = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicas = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicas = "deployment.kubernetes.io/max-replicas";
    public const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";
    public const string RollbackTo = "deprecated.deployment.rollback.to";

    /// <summary>Upstream's maxRevHistoryLengthInChars: the revision history annotation is kept under it.</summary>
    public const int MaxHistoryChars = 2000;

    private static readonly HashSet<string> NotCopied = new(StringComparer.Ordinal) { LastApplied, Revision, RevisionHistory, DesiredReplicas, MaxReplicas, RollbackTo };

    /// <summary>The ReplicaSet's revision; null when unset or not a number.</summary>
    public static long? Of(V1ReplicaSet rs) => Long(rs.Metadata.Annotations, Revision);

    public static int? Desired(V1ReplicaSet rs) => (int?)Long(rs.Metadata.Annotations, DesiredReplicas);

    public static int? Max(V1ReplicaSet rs) => (int?)Long(rs.Metadata.Annotations, MaxReplicas);

    /// <summary>The highest revision among <paramref name="rss"/> (0 when none has one).</summary>
    public static long MaxRevision(IEnumerable<V1ReplicaSet> rss) => rss.Select(rs => Of(rs) ?? 0).DefaultIfEmpty(0).Max();

    /// <summary>Sets the deployment's revision annotation; true when it changed.</summary>
    public static bool SetDeploymentRevision(V1Deployment d, string revision)
    {
        var annotations = d.Metadata.Annotations ??= new Dictionary<string, string>();
        if (annotations.TryGetValue(Revision, out var current) && current == revision)
        {
            return false;
        }

        annotations[Revision] = revision;
        return true;
    }

    /// <summary>Records the deployment size the ReplicaSet is scaled for; true when it changed.</summary>
    public static bool SetReplicas(V1ReplicaSet rs, int desired, int max)
    {
        var annotations = rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var changed = false;
        foreach (var (key, value) in new[] { (DesiredReplicas, desired), (MaxReplicas, max) })
        {
            var text = value.ToString(CultureInfo.InvariantCulture);
            if (!annotations.TryGetValue(key, out var current) || current != text)
            {
                annotations[key] = text;
                changed = true;
            }
        }

        return changed;
    }

    public static bool ReplicasNeedUpdate(V1ReplicaSet rs, int desired, int max) => Desired(rs) != desired || Max(rs) != max;

    /// <summary>
    /// Brings the new ReplicaSet's annotations up to date (SetNewReplicaSetAnnotations): the deployment's own
    /// (kubectl's change-cause among them), a revision raised to <paramref name="newRevision"/> with the one it had
    /// kept in the history (a rollback reuses the old ReplicaSet), and for a ReplicaSet about to be created the sizes.
    /// True when something changed.
    /// </summary>
    public static bool SetNewReplicaSetAnnotations(V1Deployment d, V1ReplicaSet rs, long newRevision, bool exists)
    {
        var annotations = rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var changed = false;
        foreach (var (key, value) in d.Metadata.Annotations ?? new Dictionary<string, string>())
        {
            if (NotCopied.Contains(key) || (annotations.TryGetValue(key, out var current) && current == value))
            {
                continue;
            }

            annotations[key] = value;
            changed = true;
        }

        var hadRevision = annotations.TryGetValue(Revision, out var oldText);
        long oldRevision = 0;
        if (!string.IsNullOrEmpty(oldText) && !long.TryParse(oldText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out oldRevision))
        {
            return false;
        }

        if (oldRevision < newRevision)
        {
            annotations[Revision] = newRevision.ToString(CultureInfo.InvariantCulture);
            changed = true;
            if (hadRevision)
            {
                AppendHistory(annotations, oldText!);
            }
        }

        if (!exists && SetReplicas(rs, Fenceposts.Replicas(d), Fenceposts.Replicas(d) + Fenceposts.MaxSurge(d)))
        {
            changed = true;
        }

        return changed;
    }

    /// <summary>Appends the revision a reused ReplicaSet had, dropping the oldest entries to stay under <see cref="MaxHistoryChars"/>.</summary>
    private static void AppendHistory(IDictionary<string, string> annotations, string oldRevision)
    {
        var history = annotations.TryGetValue(RevisionHistory, out var text) ? text : "";
        if (history.Length == 0)
        {
            annotations[RevisionHistory] = oldRevision;
            return;
        }

        var entries = history.Split(',').ToList();
        var total = history.Length + oldRevision.Length + 1;
        var start = 0;
        while (total > MaxHistoryChars && start < entries.Count)
        {
            total -= entries[start].Length + 1;
            start++;
        }

        if (total <= MaxHistoryChars)
        {
            annotations[RevisionHistory] = string.Join(',', entries.Skip(start).Append(oldRevision));
        }
    }

    private static long? Long(IDictionary<string, string>? annotations, string key) =>
        annotations is not null && annotations.TryGetValue(key, out var text)
        && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
