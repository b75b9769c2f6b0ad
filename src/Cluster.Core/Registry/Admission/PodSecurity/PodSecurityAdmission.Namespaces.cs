using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission.PodSecurity;

/// <summary>
/// The namespace side of the plugin (upstream's ValidateNamespace): labels that do not parse are refused when they are
/// new, and a stricter enforce level is tried on the pods already there, whose violations come back as warnings; the
/// label change itself is never refused for them.
/// </summary>
public static partial class PodSecurityAdmission
{
    /// <summary>Upstream's bound on the existing pods a new enforce level is tried on.</summary>
    internal const int MaxPodsToCheck = 3000;

    /// <summary>
    /// Admits a namespace create (<paramref name="old"/> null) or update: throws 422 for pod-security labels that do
    /// not parse (on an update, unless the same errors were there before); warns about existing pods that a stricter
    /// enforce level would refuse.
    /// </summary>
    /// <param name="pods">The namespace's pods, listed only when a new enforce level needs trying.</param>
    public static void ValidateNamespace(JsonObject ns, JsonObject? old, Func<IReadOnlyList<JsonObject>> pods, AdmissionNotes? notes)
    {
        var name = ObjectMeta.Name(ns);
        var (policy, errors) = NamespacePolicy.FromLabels(ObjectMeta.Labels(ns));
        if (old is null)
        {
            if (errors.Count > 0)
            {
                throw ApiException.Invalid(BuiltInKinds.Namespace, name, errors);
            }

            return;
        }

        var (oldPolicy, oldErrors) = NamespacePolicy.FromLabels(ObjectMeta.Labels(old));
        if (errors.Count > 0 && (oldErrors.Count == 0 || !errors.SequenceEqual(oldErrors)))
        {
            throw ApiException.Invalid(BuiltInKinds.Namespace, name, errors);
        }

        // Nothing to try: enforce unchanged, privileged, or relaxed at the same version.
        if (notes is null || policy.Enforce == oldPolicy.Enforce || policy.Enforce.Level == PodSecurityLevel.Privileged
            || (policy.Enforce.Version == oldPolicy.Enforce.Version && policy.Enforce.Level <= oldPolicy.Enforce.Level))
        {
            return;
        }

        foreach (var warning in ExistingPodWarnings(name, policy.Enforce, pods()))
        {
            notes.Warn(warning);
        }
    }

    /// <summary>
    /// Upstream's EvaluatePodsInNamespace: one pod per controller first (its replicas are alike), at most
    /// <see cref="MaxPodsToCheck"/>; pods with the same violations share a warning named after the first of them.
    /// </summary>
    internal static List<string> ExistingPodWarnings(string ns, LevelVersion enforce, IReadOnlyList<JsonObject> pods)
    {
        var ordered = Prioritized(pods);
        var checkedPods = ordered.Take(MaxPodsToCheck).ToList();
        var byReason = new Dictionary<string, (string Pod, int Count)>(StringComparer.Ordinal);
        var reasons = new List<string>();
        foreach (var pod in checkedPods)
        {
            var result = PodSecurityEvaluator.Evaluate(enforce.Level, PodOf(pod));
            if (result.Allowed)
            {
                continue;
            }

            var reason = result.ForbiddenReason;
            var podName = ObjectMeta.Name(pod);
            if (byReason.TryGetValue(reason, out var seen))
            {
                byReason[reason] = (string.CompareOrdinal(podName, seen.Pod) < 0 ? podName : seen.Pod, seen.Count + 1);
            }
            else
            {
                byReason[reason] = (podName, 1);
                reasons.Add(reason);
            }
        }

        var warnings = new List<string>();
        if (checkedPods.Count < ordered.Count)
        {
            warnings.Add($"new PodSecurity enforce level only checked against the first {checkedPods.Count} of {ordered.Count} existing pods");
        }

        if (reasons.Count > 0)
        {
            warnings.Add($"existing pods in namespace \"{ns}\" violate the new PodSecurity enforce level \"{enforce}\"");
        }

        warnings.AddRange(reasons.Select(reason => byReason[reason] switch
        {
            (var pod, 1) => pod + ": " + reason,
            (var pod, 2) => pod + " (and 1 other pod): " + reason,
            (var pod, var count) => $"{pod} (and {count - 1} other pods): {reason}",
        }).Order(StringComparer.Ordinal));
        return warnings;
    }

    /// <summary>Pods without a controller and the first pod of each controller, then the other replicas.</summary>
    private static List<JsonObject> Prioritized(IReadOnlyList<JsonObject> pods)
    {
        var first = new List<JsonObject>();
        var replicas = new List<JsonObject>();
        var controllers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var controller = JsonFields.Items(JsonFields.Arr(JsonFields.Obj(pod, "metadata"), "ownerReferences"))
                .FirstOrDefault(o => JsonFields.Bool(o.Item, "controller") == true).Item;
            if (controller is null || controllers.Add(JsonFields.Str(controller, "uid") ?? ""))
            {
                first.Add(pod);
            }
            else
            {
                replicas.Add(pod);
            }
        }

        return [.. first, .. replicas];
    }
}
