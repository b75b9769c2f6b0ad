using System.Globalization;
using Cluster.Core.Registry;
using k8s.Models;

namespace Cluster.Controllers.Namespaces;

/// <summary>One object left in a terminating namespace.</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="Name">Its name.</param>
/// <param name="Deleting">Its deletion was asked for already (it waits for its finalizers or grace period).</param>
/// <param name="Finalizers">Its metadata.finalizers.</param>
public sealed record NamespaceContent(ResourceKind Kind, string Name, bool Deleting, IReadOnlyList<string> Finalizers);

/// <summary>
/// What the namespace controller does with a terminating namespace (upstream's namespacedResourcesDeleter), as pure
/// functions: which of its objects to delete, the deletion conditions its status reports, and whether it may be
/// finalized (its "kubernetes" finalizer removed).
/// </summary>
public static class NamespaceDeletionPlanner
{
    /// <summary>The finalizer the namespace controller owns.</summary>
    public const string Finalizer = "kubernetes";

    /// <summary>The deletion conditions, in upstream's order, with the reason and message each has when nothing is wrong.</summary>
    private static readonly (string Type, string Reason, string Message)[] Ok =
    [
        ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"),
        ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
        ("NamespaceDeletionContentFailure", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
        ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
        ("NamespaceFinalizersRemaining", "ContentHasNoFinalizers", "All content-preserving finalizers finished"),
    ];

    /// <summary>The namespace is being deleted and still carries the controller's finalizer.</summary>
    public static bool NeedsDeletion(V1Namespace ns) =>
        ns.Metadata?.DeletionTimestamp is not null && ns.Spec?.Finalizers?.Contains(Finalizer) == true;

    /// <summary>The objects whose deletion is still to be asked for, in the order given (discovery order).</summary>
    public static IReadOnlyList<NamespaceContent> ToDelete(IEnumerable<NamespaceContent> content) => [.. content.Where(c => !c.Deleting)];

    /// <summary>Empty of content and nothing failed: the finalizer may go.</summary>
    public static bool CanFinalize(IReadOnlyCollection<NamespaceContent> remaining, IReadOnlyCollection<string> failures) =>
        remaining.Count == 0 && failures.Count == 0;

    /// <summary>The finalizers the namespace keeps once the controller's own is removed.</summary>
    public static IList<string> FinalizersAfter(V1Namespace ns) => [.. (ns.Spec?.Finalizers ?? []).Where(f => f != Finalizer)];

    /// <summary>
    /// The namespace's conditions after a pass that found <paramref name="remaining"/> and failed to delete with
    /// <paramref name="failures"/>: each deletion condition True with upstream's reason and message when it applies,
    /// False ("ok") otherwise; a condition whose status, reason and message did not change keeps its transition time;
    /// conditions of other types are kept.
    /// </summary>
    public static IList<V1NamespaceCondition> Conditions(IReadOnlyCollection<NamespaceContent> remaining, IReadOnlyList<string> failures, IList<V1NamespaceCondition>? existing, DateTime now)
    {
        var failing = new Dictionary<string, (string Reason, string Message)>(StringComparer.Ordinal);
        if (failures.Count > 0)
        {
            var errors = failures.Count == 1 ? failures[0] : "[" + string.Join(", ", failures) + "]";
            failing["NamespaceDeletionContentFailure"] = ("ContentDeletionFailed", $"Failed to delete all resource types, {failures.Count.ToString(CultureInfo.InvariantCulture)} remaining: {errors}");
        }

        if (remaining.Count > 0)
        {
            var byResource = remaining.GroupBy(c => c.Kind.Plural + "." + c.Kind.Group)
                .Select(g => $"{g.Key} has {g.Count().ToString(CultureInfo.InvariantCulture)} resource instances").Order(StringComparer.Ordinal);
            failing["NamespaceContentRemaining"] = ("SomeResourcesRemain", "Some resources are remaining: " + string.Join(", ", byResource));
        }

        var byFinalizer = remaining.SelectMany(c => c.Finalizers).GroupBy(f => f, StringComparer.Ordinal)
            .Select(g => $"{g.Key} in {g.Count().ToString(CultureInfo.InvariantCulture)} resource instances").Order(StringComparer.Ordinal).ToArray();
        if (byFinalizer.Length > 0)
        {
            failing["NamespaceFinalizersRemaining"] = ("SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: " + string.Join(", ", byFinalizer));
        }

        var conditions = new List<V1NamespaceCondition>();
        foreach (var (type, okReason, okMessage) in Ok)
        {
            var (status, reason, message) = failing.TryGetValue(type, out var bad) ? ("True", bad.Reason, bad.Message) : ("False", okReason, okMessage);
            var old = existing?.FirstOrDefault(c => c.Type == type);
            conditions.Add(old is not null && old.Status == status && old.Reason == reason && old.Message == message
                ? old
                : new V1NamespaceCondition { Type = type, Status = status, Reason = reason, Message = message, LastTransitionTime = now });
        }

        conditions.AddRange((existing ?? []).Where(c => !Ok.Any(o => o.Type == c.Type)));
        return conditions;
    }
}
