using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Objects;

/// <summary>The pods/binding subresource: the scheduler's write, assigning a pending pod to a node.</summary>
public sealed partial class ObjectRules
{
    public Decision Bind(JsonObject? current, string nodeName)
    {
        if (current is null)
        {
            throw ApiException.NotFound(kind, "");
        }

        var name = ObjectMeta.Name(current);
        if (ObjectMeta.DeletionTimestamp(current) is not null)
        {
            throw ApiException.Conflict(kind, name, "pod is being deleted, cannot be assigned to a host");
        }

        if (ObjectMeta.GetString(current["spec"], "nodeName") is { Length: > 0 } assigned)
        {
            throw ApiException.Conflict(kind, name, $"pod {name} is already assigned to node \"{assigned}\"");
        }

        var obj = (JsonObject)current.DeepClone();
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }

        spec["nodeName"] = nodeName;
        MarkScheduled(obj);

        // No managedFields entry: upstream's binding writes the pod straight to storage (GuaranteedUpdate), past the
        // field manager, so a bound pod names only its creator and its kubelet. It also spares the busiest write of a
        // rollout a comparison of the whole pod.
        return new Decision(new ObjectEvents.Stored(obj), obj);
    }

    /// <summary>As upstream's binding: the pod's PodScheduled condition turns True (replacing an Unschedulable one).</summary>
    private void MarkScheduled(JsonObject pod)
    {
        if (pod["status"] is not JsonObject status)
        {
            status = [];
            pod["status"] = status;
        }

        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var scheduled = new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = "True",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = ObjectMeta.Timestamp(clock.GetUtcNow()),
        };
        var index = conditions.ToList().FindIndex(c => c is JsonObject o && ObjectMeta.GetString(o, "type") == "PodScheduled");
        if (index >= 0)
        {
            conditions[index] = scheduled;
        }
        else
        {
            conditions.Add(scheduled);
        }
    }
}
