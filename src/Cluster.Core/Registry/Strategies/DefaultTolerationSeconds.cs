using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// Upstream's DefaultTolerationSeconds admission plugin: a new pod that does not already tolerate the node
/// lifecycle controller's <c>not-ready</c> and <c>unreachable</c> NoExecute taints tolerates each for 300 s, so a
/// short node outage does not evict it at once and a long one does.
/// </summary>
internal static class DefaultTolerationSeconds
{
    public const string NotReadyTaint = "node.kubernetes.io/not-ready";
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";
    public const long Seconds = 300;

    public static void Apply(JsonObject pod)
    {
        var spec = JsonFields.Ensure(pod, "spec");
        var tolerations = JsonFields.Arr(spec, "tolerations");
        var notReady = false;
        var unreachable = false;
        foreach (var (_, toleration) in JsonFields.Items(tolerations))
        {
            // As upstream: a toleration of the key (or of every key) for NoExecute (or every effect) counts, whatever
            // its operator, value or seconds; the user's choice stands.
            var key = JsonFields.Str(toleration, "key") ?? "";
            var effect = JsonFields.Str(toleration, "effect") ?? "";
            if (effect is "" or "NoExecute")
            {
                notReady |= key is "" or NotReadyTaint;
                unreachable |= key is "" or UnreachableTaint;
            }
        }

        if (notReady && unreachable)
        {
            return;
        }

        if (tolerations is null)
        {
            spec["tolerations"] = tolerations = [];
        }

        if (!notReady)
        {
            tolerations.Add(Toleration(NotReadyTaint));
        }

        if (!unreachable)
        {
            tolerations.Add(Toleration(UnreachableTaint));
        }
    }

    private static JsonObject Toleration(string key) => new()
    {
        ["key"] = key,
        ["operator"] = "Exists",
        ["effect"] = "NoExecute",
        ["tolerationSeconds"] = Seconds,
    };
}
