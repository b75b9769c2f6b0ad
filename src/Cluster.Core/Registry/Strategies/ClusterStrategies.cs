using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// Namespaces (pkg/registry/core/namespace/strategy.go): created Active with the "kubernetes"
/// finalizer; the main resource can change neither status nor spec.finalizers (the finalize
/// subresource changes the finalizers: see <see cref="PrepareForFinalize"/>).
/// </summary>
internal sealed class NamespaceStrategy : ResourceStrategy
{
    public const string KubernetesFinalizer = "kubernetes";
    public const string NameLabel = "kubernetes.io/metadata.name";

    private static readonly string[] StandardFinalizers = [KubernetesFinalizer, "orphan", "foregroundDeletion"];

    public NamespaceStrategy()
        : base(BuiltInKinds.Namespace)
    {
        Selectable("status.phase");
        Selectable("name", ObjectMeta.Name);
    }

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        var finalizers = JsonFields.Ensure(obj, "spec")["finalizers"] as JsonArray;
        if (finalizers is null)
        {
            finalizers = [];
            JsonFields.Ensure(obj, "spec")["finalizers"] = finalizers;
        }

        if (!finalizers.Any(f => JsonFields.AsString(f) == KubernetesFinalizer))
        {
            finalizers.Add(KubernetesFinalizer);
        }
    }

    public override void PrepareForUpdate(JsonObject updated, JsonObject old)
    {
        base.PrepareForUpdate(updated, old);
        CopyFrom(JsonFields.Obj(old, "spec") ?? [], JsonFields.Ensure(updated, "spec"), "finalizers");
    }

    /// <summary>An update through <c>/finalize</c>: only spec.finalizers comes from the request.</summary>
    public void PrepareForFinalize(JsonObject updated, JsonObject old)
    {
        var finalizers = JsonFields.Obj(updated, "spec")?["finalizers"]?.DeepClone();
        PrepareForStatusUpdate(updated, old);
        CopyFrom(old, updated, "status");
        var spec = JsonFields.Ensure(updated, "spec");
        spec.Remove("finalizers");
        if (finalizers is not null)
        {
            spec["finalizers"] = finalizers;
        }
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        // SetDefaults_Namespace: every namespace carries its own name as a label, for namespace selectors.
        if (ObjectMeta.Name(obj) is { Length: > 0 } name)
        {
            JsonFields.Ensure(ObjectMeta.Metadata(obj), "labels")[NameLabel] = name;
        }

        if (JsonFields.Obj(obj, "status") is { } status)
        {
            JsonFields.DefaultString(status, "phase", "Active");
        }
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => new() { ["phase"] = "Active" };

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var name = ObjectMeta.Name(obj);
        if (name.Length > 0)
        {
            causes.InvalidEach("metadata.name", name, NameRules.Dns1123Label(name));
        }

        foreach (var (i, finalizer) in (JsonFields.Arr(JsonFields.Obj(obj, "spec"), "finalizers") ?? []).Select((f, i) => (i, JsonFields.AsString(f) ?? "")))
        {
            var path = JsonFields.Index("spec.finalizers", i);
            causes.InvalidEach(path, finalizer, NameRules.QualifiedName(finalizer));
            if (!finalizer.Contains('/', StringComparison.Ordinal) && !StandardFinalizers.Contains(finalizer, StringComparer.Ordinal))
            {
                causes.Invalid(path, finalizer, "name is neither a standard finalizer name nor is it fully qualified");
            }
        }

        causes.OptionalOneOf(JsonFields.Obj(obj, "status"), "phase", "status.phase", "Active", "Terminating");
    }
}

/// <summary>
/// Nodes (pkg/registry/core/node/strategy.go): the kubelet registers a node with its status, so
/// a create keeps status; allocatable defaults to capacity; podCIDRs and providerID are set once.
/// </summary>
internal sealed class NodeStrategy : ResourceStrategy
{
    private static readonly string[] TaintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    public NodeStrategy()
        : base(BuiltInKinds.Node)
    {
        SelectableBool("spec.unschedulable");
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => null;

    protected override void ApplyDefaults(JsonObject obj)
    {
        if (JsonFields.Obj(obj, "status") is not { } status)
        {
            return;
        }

        PodDefaults.CanonicalizeResourceList(JsonFields.Obj(status, "capacity"));
        PodDefaults.CanonicalizeResourceList(JsonFields.Obj(status, "allocatable"));
        if (JsonFields.Missing(status, "allocatable") && status["capacity"] is JsonObject capacity)
        {
            status["allocatable"] = capacity.DeepClone();
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var seen = new HashSet<(string, string)>();
        foreach (var (i, taint) in JsonFields.Items(JsonFields.Arr(JsonFields.Obj(obj, "spec"), "taints")))
        {
            var at = JsonFields.Index("spec.taints", i);
            var key = JsonFields.Str(taint, "key") ?? "";
            var effect = JsonFields.Str(taint, "effect") ?? "";
            causes.InvalidEach(at + ".key", key, NameRules.QualifiedName(key));
            causes.InvalidEach(at + ".value", JsonFields.Str(taint, "value") ?? "", NameRules.LabelValue(JsonFields.Str(taint, "value") ?? ""));
            causes.OneOf(taint, "effect", at + ".effect", TaintEffects);
            if (!seen.Add((key, effect)))
            {
                causes.Duplicate(at, $"{key}:{effect}");
            }
        }

        var status = JsonFields.Obj(obj, "status");
        ContainerRules.ValidateResourceList(JsonFields.Obj(status, "capacity"), "status.capacity", _ => null, causes);
        ContainerRules.ValidateResourceList(JsonFields.Obj(status, "allocatable"), "status.allocatable", _ => null, causes);
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        var spec = JsonFields.Obj(updated, "spec");
        var oldSpec = JsonFields.Obj(old, "spec");
        if (JsonFields.Arr(oldSpec, "podCIDRs") is { Count: > 0 } oldCidrs && !JsonFields.Same(oldCidrs, spec?["podCIDRs"]))
        {
            causes.Forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid");
        }

        if (JsonFields.Str(oldSpec, "providerID") is { Length: > 0 } provider && provider != JsonFields.Str(spec, "providerID"))
        {
            causes.Forbidden("spec.providerID", "node updates may not change providerID except from \"\" to valid");
        }
    }
}
