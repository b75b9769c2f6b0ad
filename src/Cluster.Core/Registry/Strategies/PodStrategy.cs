using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>Pods (pkg/registry/core/pod/strategy.go): new pods start Pending with their QoS class; the spec is nearly immutable.</summary>
internal sealed class PodStrategy : ResourceStrategy
{
    /// <summary>Upstream's message when an update touches anything but the few mutable pod fields.</summary>
    public const string UpdateForbidden =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public PodStrategy()
        : base(BuiltInKinds.Pod)
    {
        Selectable("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.nominatedNodeName");
        SelectableBool("spec.hostNetwork");
        Selectable("status.podIP", pod =>
            JsonFields.Str(JsonFields.Arr(JsonFields.Obj(pod, "status"), "podIPs")?.FirstOrDefault(), "ip")
            ?? JsonFields.Str(JsonFields.Obj(pod, "status"), "podIP"));
    }

    protected override void ApplyDefaults(JsonObject obj) => PodDefaults.Pod(obj);

    /// <summary>Defaults, then the admission that upstream runs on create only (an update never gains tolerations).</summary>
    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        DefaultTolerationSeconds.Apply(obj);
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => new()
    {
        ["phase"] = "Pending",
        ["qosClass"] = PodQos.Compute(obj),
    };

    protected override void KeepMetadataOnStatusUpdate(JsonObject updated, JsonObject old)
    {
        CopyFrom(old, updated, "deletionTimestamp");
        CopyFrom(old, updated, "ownerReferences");
    }

    public override void PrepareForStatusUpdate(JsonObject updated, JsonObject old)
    {
        base.PrepareForStatusUpdate(updated, old);

        // The QoS class is fixed at creation; a status writer cannot reclassify the pod.
        if (JsonFields.Str(JsonFields.Obj(old, "status"), "qosClass") is { } qos)
        {
            JsonFields.Ensure(updated, "status")["qosClass"] = qos;
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes) => PodSpecRules.Validate(obj["spec"], "spec", causes);

    /// <summary>
    /// As upstream's ValidatePodStatusUpdate, the spec is not validated again: a status write keeps the stored spec,
    /// valid when it was written. Every kubelet status write of a rollout walked the whole spec for nothing.
    /// </summary>
    public override IReadOnlyList<StatusCause> ValidateStatusUpdate(JsonObject updated, JsonObject old) => [];

    protected override void ValidateCreate(JsonObject obj, Causes causes)
    {
        if (JsonFields.Arr(JsonFields.Obj(obj, "spec"), "ephemeralContainers") is { Count: > 0 })
        {
            causes.Forbidden("spec.ephemeralContainers", "cannot be set on create");
        }
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        var newSpec = JsonFields.Obj(updated, "spec") ?? [];
        var oldSpec = JsonFields.Obj(old, "spec") ?? [];
        var munged = (JsonObject)newSpec.DeepClone();

        CopyImages(munged, oldSpec, "containers");
        CopyImages(munged, oldSpec, "initContainers");
        if (!ValidateDeadline(newSpec, oldSpec, causes))
        {
            return;
        }

        CopyFrom(oldSpec, munged, "activeDeadlineSeconds");
        if (JsonFields.Int(oldSpec, "terminationGracePeriodSeconds") < 0 && JsonFields.Int(newSpec, "terminationGracePeriodSeconds") == 1)
        {
            CopyFrom(oldSpec, munged, "terminationGracePeriodSeconds");
        }

        ValidateOnlyAddedTolerations(JsonFields.Arr(newSpec, "tolerations"), JsonFields.Arr(oldSpec, "tolerations"), causes);
        CopyFrom(oldSpec, munged, "tolerations");

        if (!JsonFields.SameIgnoringNulls(munged, oldSpec))
        {
            causes.Forbidden("spec", UpdateForbidden + "\n" + SpecDiff.Describe("spec", oldSpec, munged));
        }
    }

    /// <summary>activeDeadlineSeconds may be set when unset, or lowered, but never raised or removed.</summary>
    private static bool ValidateDeadline(JsonObject newSpec, JsonObject oldSpec, Causes causes)
    {
        var updated = JsonFields.Int(newSpec, "activeDeadlineSeconds");
        var previous = JsonFields.Int(oldSpec, "activeDeadlineSeconds");
        if (updated is { } value)
        {
            if (value is < 0 or > int.MaxValue)
            {
                causes.Invalid("spec.activeDeadlineSeconds", value, "must be between 0 and 2147483647, inclusive");
                return false;
            }

            if (previous < value)
            {
                causes.Invalid("spec.activeDeadlineSeconds", value, "must be less than or equal to previous value");
                return false;
            }
        }
        else if (previous is not null)
        {
            causes.Invalid("spec.activeDeadlineSeconds", (JsonNode?)null, "must not update from a positive integer to nil value");
        }

        return true;
    }

    /// <summary>Every existing toleration must still be there; only its tolerationSeconds may change.</summary>
    private static void ValidateOnlyAddedTolerations(JsonArray? updated, JsonArray? old, Causes causes)
    {
        var remaining = (updated ?? []).Select(t => StripSeconds(t)).ToList();
        foreach (var (i, toleration) in JsonFields.Items(old))
        {
            var key = StripSeconds(toleration);
            var match = remaining.FindIndex(t => JsonFields.SameIgnoringNulls(t, key));
            if (match < 0)
            {
                causes.Forbidden(JsonFields.Index("spec.tolerations", i), "existing toleration can not be modified except its tolerationSeconds");
            }
            else
            {
                remaining.RemoveAt(match);
            }
        }
    }

    private static JsonNode? StripSeconds(JsonNode? toleration)
    {
        var copy = toleration?.DeepClone();
        (copy as JsonObject)?.Remove("tolerationSeconds");
        return copy;
    }

    private static void CopyImages(JsonObject munged, JsonObject oldSpec, string list)
    {
        var previous = JsonFields.Arr(oldSpec, list);
        foreach (var (i, container) in JsonFields.Items(JsonFields.Arr(munged, list)))
        {
            if (previous is not null && i < previous.Count && previous[i] is JsonObject old)
            {
                CopyFrom(old, container, "image");
            }
        }
    }
}
