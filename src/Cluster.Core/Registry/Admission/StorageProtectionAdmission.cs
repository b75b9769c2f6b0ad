using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Admission;

/// <summary>
/// Upstream's StorageObjectInUseProtection admission plugin: a new PersistentVolumeClaim gets the
/// <c>kubernetes.io/pvc-protection</c> finalizer and a new PersistentVolume <c>kubernetes.io/pv-protection</c>, so an
/// object is protected from its first moment; the in-use protection controllers only ever take the finalizer off.
/// Added later by the controller instead, a claim deleted in between went at once, even from under a pod.
/// </summary>
public static class StorageProtectionAdmission
{
    public const string ClaimFinalizer = "kubernetes.io/pvc-protection";
    public const string VolumeFinalizer = "kubernetes.io/pv-protection";

    public static void Apply(ResourceKind kind, JsonObject obj)
    {
        var finalizer = kind == BuiltInKinds.PersistentVolumeClaim ? ClaimFinalizer : kind == BuiltInKinds.PersistentVolume ? VolumeFinalizer : null;
        if (finalizer is not null)
        {
            ObjectMeta.AddFinalizer(obj, finalizer);
        }
    }
}
