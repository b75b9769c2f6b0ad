using System.Text.Json.Nodes;
using static Cluster.Api.Tables.JsonRead;

namespace Cluster.Api.Tables;

/// <summary>Rows of PersistentVolumeClaims, PersistentVolumes, StorageClasses, ReplicationControllers, PodTemplates and ControllerRevisions (LimitRanges print as the default table).</summary>
internal static class StoragePrinters
{
    private const string Unset = "<unset>";

    public static ITableConverter PersistentVolumeClaim { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Status", "phase represents the current phase of PersistentVolumeClaim."),
            Columns.Str("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
            Columns.Str("Capacity", "capacity represents the actual resources of the underlying volume."),
            Columns.Str("Access Modes", "accessModes contains the desired access modes the volume should have."),
            Columns.Str("StorageClass", "storageClassName is the name of the StorageClass required by the claim."),
            Columns.Str("VolumeAttributesClass", "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
            Columns.Age,
            Columns.Wide("VolumeMode", "volumeMode defines what type of volume is required by the claim."),
        ],
        (obj, now) =>
        {
            var bound = Str(obj, "spec", "volumeName").Length > 0;
            return
            [
                Name(obj), Phase(obj), Str(obj, "spec", "volumeName"),
                bound ? Str(obj, "status", "capacity", "storage") : "",
                bound ? Modes(At(obj, "status", "accessModes")) : "",
                Str(obj, "spec", "storageClassName"), OrUnset(Str(obj, "spec", "volumeAttributesClassName")), Age(obj, now),
                OrUnset(Str(obj, "spec", "volumeMode")),
            ];
        });

    public static ITableConverter PersistentVolume { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
            Columns.Str("Access Modes", "accessModes contains all ways the volume can be mounted."),
            Columns.Str("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
            Columns.Str("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
            Columns.Str("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
            Columns.Str("StorageClass", "storageClassName is the name of StorageClass to which this persistent volume belongs."),
            Columns.Str("VolumeAttributesClass", "Name of VolumeAttributesClass to which this persistent volume belongs."),
            Columns.Str("Reason", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
            Columns.Age,
            Columns.Wide("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state."),
        ],
        (obj, now) =>
        [
            Name(obj), Str(obj, "spec", "capacity", "storage"), Modes(At(obj, "spec", "accessModes")), Str(obj, "spec", "persistentVolumeReclaimPolicy"),
            Phase(obj), Obj(obj, "spec", "claimRef") is { } claim ? Str(claim, "namespace") + "/" + Str(claim, "name") : "",
            Str(obj, "spec", "storageClassName"), OrUnset(Str(obj, "spec", "volumeAttributesClassName")), Str(obj, "status", "reason"), Age(obj, now),
            OrUnset(Str(obj, "spec", "volumeMode")),
        ]);

    public static ITableConverter StorageClass { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Provisioner", "provisioner indicates the type of the provisioner."),
            Columns.Str("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
            Columns.Str("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
            new("AllowVolumeExpansion", "string", "", "allowVolumeExpansion shows whether the storage class allow volume expand.", 0),
            Columns.Age,
        ],
        (obj, now) =>
        [
            Name(obj) + (Str(obj, "metadata", "annotations", "storageclass.kubernetes.io/is-default-class") == "true" ? " (default)" : ""),
            Str(obj, "provisioner"), Str(obj, "reclaimPolicy"), Str(obj, "volumeBindingMode"),
            Bool(obj, "allowVolumeExpansion") ? "true" : "false", Age(obj, now),
        ]);

    public static ITableConverter ReplicationController { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Int("Desired", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1."),
            Columns.Int("Current", "Replicas is the most recently observed number of replicas."),
            Columns.Int("Ready", "The number of ready replicas for this replication controller."),
            Columns.Age,
            .. Columns.Template(Columns.SelectorDoc),
        ],
        (obj, now) =>
        [
            Name(obj), IntOrNull(obj, "spec", "replicas") ?? 1, Int(obj, "status", "replicas"), Int(obj, "status", "readyReplicas"), Age(obj, now),
            .. Columns.TemplateCells(At(obj, "spec", "template", "spec"), SelectorFormat.Labels(At(obj, "spec", "selector"))),
        ]);

    public static ITableConverter PodTemplate { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Containers", "Names of each container in the template."),
            Columns.Str("Images", "Images referenced by each container in the template."),
            Columns.Str("Pod Labels", "The labels for the pod template."),
        ],
        (obj, _) =>
        {
            var (names, images) = Columns.Layout(At(obj, "template", "spec"));
            return [Name(obj), names, images, SelectorFormat.Labels(At(obj, "template", "metadata", "labels"))];
        });

    public static ITableConverter ControllerRevision { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Controller", "Controller of the object."),
            Columns.Int("Revision", "Revision indicates the revision of the state represented by Data."),
            Columns.Age,
        ],
        (obj, now) =>
        [
            Name(obj),
            Objects(obj, "metadata", "ownerReferences").FirstOrDefault(o => Bool(o, "controller")) is { } owner
                ? Str(owner, "kind").ToLowerInvariant() + Group(Str(owner, "apiVersion")) + "/" + Str(owner, "name")
                : "<none>",
            Int(obj, "revision"), Age(obj, now),
        ]);

    private static string Phase(JsonObject obj) => Str(obj, "metadata", "deletionTimestamp").Length > 0 ? "Terminating" : Str(obj, "status", "phase");

    private static string OrUnset(string value) => value.Length == 0 ? Unset : value;

    private static string Group(string apiVersion) => Cluster.Core.Registry.ResourceKind.ParseGroupVersion(apiVersion).Group is { Length: > 0 } group ? "." + group : "";

    /// <summary>GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, comma-joined.</summary>
    private static string Modes(JsonNode? modes)
    {
        var set = (modes as JsonArray)?.Select(m => m?.ToString()).ToHashSet() ?? [];
        return string.Join(",", new[] { ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP") }
            .Where(m => set.Contains(m.Item1)).Select(m => m.Item2));
    }
}
