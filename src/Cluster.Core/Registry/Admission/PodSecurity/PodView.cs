using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission.PodSecurity;

/// <summary>
/// The pod metadata and spec a check reads: a pod's own, or the template of a workload. Reads are lenient as
/// <see cref="JsonFields"/>' are (validation, not admission, decides what is malformed); a JSON null reads as unset,
/// as Go's nil pointer.
/// </summary>
internal sealed class PodView(JsonObject? metadata, JsonObject spec)
{
    public JsonObject Spec => spec;

    public JsonObject? SecurityContext => JsonFields.Obj(spec, "securityContext");

    public IReadOnlyDictionary<string, string> Annotations =>
        metadata?["annotations"] is JsonObject annotations
            ? annotations.Where(a => JsonFields.AsString(a.Value) is not null).ToDictionary(a => a.Key, a => JsonFields.AsString(a.Value)!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Init containers, containers, then ephemeral containers: upstream's visiting order, which its messages list names in.</summary>
    public IEnumerable<JsonObject> Containers =>
        Items("initContainers").Concat(Items("containers")).Concat(Items("ephemeralContainers"));

    public IEnumerable<JsonObject> Volumes => Items("volumes");

    /// <summary>Pods that state <c>spec.os.name: windows</c> are spared the Linux-only restricted checks.</summary>
    public bool IsWindows => JsonFields.Str(JsonFields.Obj(spec, "os"), "name") == "windows";

    public static string NameOf(JsonObject container) => JsonFields.Str(container, "name") ?? "";

    public static JsonObject? ContextOf(JsonObject container) => JsonFields.Obj(container, "securityContext");

    private IEnumerable<JsonObject> Items(string list) => JsonFields.Items(JsonFields.Arr(spec, list)).Select(i => i.Item);
}

/// <summary>A failed check: upstream's ForbiddenReason and ForbiddenDetail.</summary>
internal sealed record Violation(string Reason, string Detail);

/// <summary>Upstream's wording helpers, so every check names containers and values alike.</summary>
internal static class Wording
{
    public static string Plural(string one, string many, int count) => count == 1 ? one : many;

    /// <summary><c>"a", "b"</c>.</summary>
    public static string JoinQuote(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "" : "\"" + string.Join("\", \"", list) + "\"";
    }

    /// <summary><c>container "a"</c> or <c>containers "a", "b"</c>.</summary>
    public static string Containers(IReadOnlyCollection<string> names) => Plural("container", "containers", names.Count) + " " + JoinQuote(names);

    /// <summary>Who set a forbidden value: "pod" when the pod did, then the containers that did, joined with " and ".</summary>
    public static string Setters(bool pod, IReadOnlyCollection<string> containers)
    {
        var setters = new List<string>(2);
        if (pod)
        {
            setters.Add("pod");
        }

        if (containers.Count > 0)
        {
            setters.Add(Containers(containers));
        }

        return string.Join(" and ", setters);
    }

    /// <summary>A set's members as Go's sets.String List(): distinct, in ordinal order.</summary>
    public static List<string> Sorted(IEnumerable<string> items) => [.. items.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
