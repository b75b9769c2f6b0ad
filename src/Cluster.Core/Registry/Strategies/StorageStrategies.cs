using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>The access modes a volume or claim may name (upstream supportedAccessModes).</summary>
internal static class AccessModes
{
    public static readonly string[] Supported = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

    public static void Validate(JsonObject spec, string path, Causes causes)
    {
        var modes = JsonFields.Arr(spec, "accessModes");
        if (modes is null || modes.Count == 0)
        {
            causes.Required(path + ".accessModes", "at least 1 access mode is required");
            return;
        }

        foreach (var mode in modes.Select(m => JsonFields.AsString(m) ?? ""))
        {
            if (!Supported.Contains(mode))
            {
                causes.NotSupported(path + ".accessModes", mode, Supported);
            }
        }
    }

    public static void ValidateStorage(JsonObject? resources, string path, Causes causes)
    {
        if (JsonFields.Str(resources, "storage") is not { } storage)
        {
            causes.Required(path + "[storage]");
        }
        else if (!Quantity.TryParse(storage, out var quantity) || quantity <= Quantity.Zero)
        {
            causes.Invalid(path + "[storage]", storage, "must be greater than zero");
        }
    }
}

/// <summary>
/// PersistentVolumeClaims: access modes and a storage request; after creation only resources.requests and
/// volumeAttributesClassName may change (upstream ValidatePersistentVolumeClaim and its update rules). New claims are Pending.
/// </summary>
internal sealed class PersistentVolumeClaimStrategy : ResourceStrategy
{
    public PersistentVolumeClaimStrategy()
        : base(BuiltInKinds.PersistentVolumeClaim)
    {
    }

    protected override void ApplyDefaults(JsonObject obj) => JsonFields.DefaultString(JsonFields.Ensure(obj, "spec"), "volumeMode", "Filesystem");

    protected override JsonObject? InitialStatus(JsonObject obj) => new() { ["phase"] = "Pending" };

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec") ?? [];
        AccessModes.Validate(spec, "spec", causes);
        AccessModes.ValidateStorage(JsonFields.Obj(JsonFields.Obj(spec, "resources"), "requests"), "spec.resources.requests", causes);
        causes.OptionalOneOf(spec, "volumeMode", "spec.volumeMode", "Block", "Filesystem");
        if (spec["selector"] is JsonObject selector)
        {
            LabelSelectors.Validate(selector, "spec.selector", causes);
        }
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        static JsonObject Fixed(JsonObject obj)
        {
            var spec = (JsonObject)(JsonFields.Obj(obj, "spec") ?? []).DeepClone();
            JsonFields.Obj(spec, "resources")?.Remove("requests");
            spec.Remove("volumeAttributesClassName");
            return spec;
        }

        var (before, after) = (Fixed(old), Fixed(updated));

        // A claim bound to a volume gets spec.volumeName from the binder; that is not a user change.
        if (JsonFields.Str(before, "volumeName") is null)
        {
            after.Remove("volumeName");
        }

        if (!JsonFields.SameIgnoringNulls(after, before))
        {
            causes.Forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");
        }
    }
}

/// <summary>
/// PersistentVolumes: a capacity with storage, access modes, exactly one volume source, a known reclaim policy (default
/// Retain) and volume mode (upstream ValidatePersistentVolume). New volumes are Pending.
/// </summary>
internal sealed class PersistentVolumeStrategy : ResourceStrategy
{
    /// <summary>Every PersistentVolumeSource upstream knows, the deprecated in-tree ones included.</summary>
    private static readonly string[] Sources =
    [
        "hostPath", "nfs", "csi", "local", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "rbd", "iscsi", "cinder", "cephfs", "fc",
        "flocker", "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
    ];

    public PersistentVolumeStrategy()
        : base(BuiltInKinds.PersistentVolume)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        JsonFields.DefaultString(spec, "persistentVolumeReclaimPolicy", "Retain");
        JsonFields.DefaultString(spec, "volumeMode", "Filesystem");
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => new() { ["phase"] = "Pending" };

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec") ?? [];
        AccessModes.Validate(spec, "spec", causes);
        AccessModes.ValidateStorage(JsonFields.Obj(spec, "capacity"), "spec.capacity", causes);
        var sources = Sources.Count(s => spec[s] is not null);
        if (sources == 0)
        {
            causes.Required("spec", "must specify a volume type");
        }
        else if (sources > 1)
        {
            causes.Forbidden("spec", "may not specify more than 1 volume type");
        }

        if (spec["local"] is not null && spec["nodeAffinity"] is null)
        {
            causes.Required("spec.nodeAffinity", "Local volume requires node affinity");
        }

        causes.OptionalOneOf(spec, "persistentVolumeReclaimPolicy", "spec.persistentVolumeReclaimPolicy", "Delete", "Recycle", "Retain");
        causes.OptionalOneOf(spec, "volumeMode", "spec.volumeMode", "Block", "Filesystem");
    }
}

/// <summary>StorageClasses: a provisioner and parameters that never change, a known reclaim policy (default Delete) and binding mode (default Immediate).</summary>
internal sealed class StorageClassStrategy : ResourceStrategy
{
    public StorageClassStrategy()
        : base(BuiltInKinds.StorageClass)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        JsonFields.DefaultString(obj, "reclaimPolicy", "Delete");
        JsonFields.DefaultString(obj, "volumeBindingMode", "Immediate");
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        if (string.IsNullOrEmpty(JsonFields.Str(obj, "provisioner")))
        {
            causes.Required("provisioner");
        }
        else
        {
            causes.InvalidEach("provisioner", JsonFields.Str(obj, "provisioner")!, NameRules.QualifiedName(JsonFields.Str(obj, "provisioner")!));
        }

        causes.OptionalOneOf(obj, "reclaimPolicy", "reclaimPolicy", "Delete", "Retain");
        causes.OptionalOneOf(obj, "volumeBindingMode", "volumeBindingMode", "Immediate", "WaitForFirstConsumer");
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        if (!JsonFields.SameIgnoringNulls(updated["parameters"], old["parameters"]))
        {
            causes.Forbidden("parameters", "updates to parameters are forbidden.");
        }

        if (JsonFields.Str(updated, "provisioner") != JsonFields.Str(old, "provisioner"))
        {
            causes.Forbidden("provisioner", "updates to provisioner are forbidden.");
        }

        causes.ImmutableField("reclaimPolicy", updated["reclaimPolicy"], old["reclaimPolicy"]);
        causes.ImmutableField("volumeBindingMode", updated["volumeBindingMode"], old["volumeBindingMode"]);
    }
}
