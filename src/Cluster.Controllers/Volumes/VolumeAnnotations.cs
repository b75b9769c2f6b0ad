namespace Cluster.Controllers.Volumes;

/// <summary>The annotations and phases upstream's persistent volume controller and provisioners agree on.</summary>
public static class VolumeAnnotations
{
    /// <summary>On a claim: the binder finished binding it (upstream AnnBindCompleted).</summary>
    public const string BindCompleted = "pv.kubernetes.io/bind-completed";

    /// <summary>On a volume or claim: the binder, not a user, set its claimRef or volumeName (AnnBoundByController).</summary>
    public const string BoundByController = "pv.kubernetes.io/bound-by-controller";

    /// <summary>On a volume: the provisioner that created it (AnnDynamicallyProvisioned).</summary>
    public const string ProvisionedBy = "pv.kubernetes.io/provisioned-by";

    /// <summary>On a claim: the provisioner asked to create its volume (AnnStorageProvisioner and its beta name).</summary>
    public const string StorageProvisioner = "volume.kubernetes.io/storage-provisioner";

    public const string BetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner";

    /// <summary>On a claim of a WaitForFirstConsumer class: the node its first pod was scheduled to (AnnSelectedNode).</summary>
    public const string SelectedNode = "volume.kubernetes.io/selected-node";

    /// <summary>The beta annotation that named a claim's or volume's class before storageClassName existed.</summary>
    public const string BetaStorageClass = "volume.beta.kubernetes.io/storage-class";

    /// <summary>On a StorageClass: claims without a class get this one (and its beta name).</summary>
    public const string IsDefaultClass = "storageclass.kubernetes.io/is-default-class";

    public const string BetaIsDefaultClass = "storageclass.beta.kubernetes.io/is-default-class";

    public const string Yes = "yes";

    /// <summary>Whether <paramref name="annotations"/> has <paramref name="key"/> (with any value, as upstream's HasAnnotation).</summary>
    public static bool Has(IDictionary<string, string>? annotations, string key) => annotations?.ContainsKey(key) == true;

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public static string? Get(IDictionary<string, string>? annotations, string key) =>
        annotations is not null && annotations.TryGetValue(key, out var value) ? value : null;
}

/// <summary>The phases of PersistentVolumes and PersistentVolumeClaims.</summary>
public static class VolumePhases
{
    public const string Pending = "Pending";
    public const string Available = "Available";
    public const string Bound = "Bound";
    public const string Released = "Released";
    public const string Failed = "Failed";
    public const string Lost = "Lost";
}
