using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Admission;

/// <summary>
/// Upstream's Priority admission plugin on pod create: the pod's <c>spec.priority</c> and <c>preemptionPolicy</c> come
/// from its PriorityClass (or from the cluster's global default class, or 0), so the scheduler orders and preempts by
/// the class, never by a number a client chose.
/// </summary>
public static class PodPriorityAdmission
{
    /// <summary>Sets the pod's priority; throws 403 for an unknown class or a stated priority the class contradicts.</summary>
    /// <param name="classes">The PriorityClasses that exist.</param>
    public static void Apply(JsonObject pod, IReadOnlyList<JsonObject> classes)
    {
        if (pod["spec"] is not JsonObject spec)
        {
            return;
        }

        var name = ObjectMeta.Name(pod);
        var className = ObjectMeta.GetString(spec, "priorityClassName");
        long priority;
        string? policy;
        if (string.IsNullOrEmpty(className))
        {
            // The highest global default wins; with none a pod has priority 0.
            var fallback = classes.Where(c => c["globalDefault"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
                .OrderByDescending(c => ValueOf(c)).FirstOrDefault();
            if (fallback is not null)
            {
                spec["priorityClassName"] = ObjectMeta.Name(fallback);
            }

            priority = fallback is null ? 0 : ValueOf(fallback);
            policy = fallback is null ? "PreemptLowerPriority" : ObjectMeta.GetString(fallback, "preemptionPolicy");
        }
        else
        {
            var found = classes.FirstOrDefault(c => ObjectMeta.Name(c) == className)
                ?? throw Forbidden(name, $"no PriorityClass with name {className} was found");
            priority = ValueOf(found);
            policy = ObjectMeta.GetString(found, "preemptionPolicy");
        }

        if (spec["priority"] is JsonValue stated && stated.TryGetValue<long>(out var given) && given != priority)
        {
            throw Forbidden(name, F($"the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"));
        }

        spec["priority"] = priority;
        if (policy is not null)
        {
            if (ObjectMeta.GetString(spec, "preemptionPolicy") is { } statedPolicy && statedPolicy != policy)
            {
                throw Forbidden(name, $"the string value of PreemptionPolicy ({statedPolicy}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name");
            }

            spec["preemptionPolicy"] = policy;
        }
    }

    private static long ValueOf(JsonObject priorityClass) =>
        priorityClass["value"] is JsonValue v && v.TryGetValue<long>(out var value) ? value : 0;

    private static ApiException Forbidden(string pod, string why) =>
        new(403, "Forbidden", $"pods \"{pod}\" is forbidden: {why}", new StatusDetails(pod, "", "pods"));

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
