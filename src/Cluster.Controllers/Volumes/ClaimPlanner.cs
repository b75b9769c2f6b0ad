using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;

namespace Cluster.Controllers.Volumes;

/// <summary>An Event the binder records on a claim or volume.</summary>
public sealed record VolumeEvent(string Type, string Reason, string Message)
{
    public static VolumeEvent Normal(string reason, string message) => new("Normal", reason, message);

    public static VolumeEvent Warning(string reason, string message) => new("Warning", reason, message);
}

/// <summary>What the binder does for a claim on one reconcile.</summary>
public abstract record ClaimStep
{
    private ClaimStep()
    {
    }

    /// <summary>Bind the claim to the volume, or finish binding it (each write only when it is missing).</summary>
    public sealed record Bind(V1PersistentVolume Volume) : ClaimStep;

    /// <summary>Keep the claim Pending and retry later; the event (if any) says why.</summary>
    public sealed record Pending(VolumeEvent? Event) : ClaimStep;

    /// <summary>Ask the class's provisioner for a volume (the storage-provisioner annotations); the claim stays Pending.</summary>
    public sealed record Provision(string Provisioner) : ClaimStep;

    /// <summary>Record the node the claim's first pod was scheduled to, so its volume can be provisioned.</summary>
    public sealed record SelectNode(string Node) : ClaimStep;

    /// <summary>The bound claim lost its volume: phase Lost.</summary>
    public sealed record Lost(VolumeEvent Event) : ClaimStep;
}

/// <summary>
/// The binder's decision for one claim (upstream's syncClaim: syncUnboundClaim and syncBoundClaim), on the state the
/// informers hold. A claim is bound once it carries <see cref="VolumeAnnotations.BindCompleted"/>:
/// <code>
///   Pending ──matching volume found (or provisioned, or named by the claim)──▶ Bound
///      │  └─WaitForFirstConsumer: a scheduled pod names the node first           │
///      └─none: event, retried                                 volume gone or taken ▼
///                                                                                 Lost
/// </code>
/// </summary>
public static class ClaimPlanner
{
    public const string WaitForFirstConsumer = "WaitForFirstConsumer";

    /// <param name="node">A node by name, whose labels decide which volumes a claim with a selected node may bind (null: none known).</param>
    public static ClaimStep Plan(
        V1PersistentVolumeClaim claim,
        IReadOnlyCollection<V1PersistentVolume> volumes,
        Func<string, V1StorageClass?> storageClass,
        IEnumerable<V1Pod> podsInNamespace,
        Func<string, V1Node?>? node = null)
    {
        var volumeName = claim.Spec?.VolumeName;
        if (!VolumeAnnotations.Has(claim.Metadata.Annotations, VolumeAnnotations.BindCompleted))
        {
            return string.IsNullOrEmpty(volumeName)
                ? PlanUnnamed(claim, volumes, storageClass, podsInNamespace, node)
                : PlanNamed(claim, volumes.FirstOrDefault(v => v.Metadata.Name == volumeName));
        }

        if (string.IsNullOrEmpty(volumeName))
        {
            return new ClaimStep.Lost(VolumeEvent.Warning("ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!"));
        }

        var volume = volumes.FirstOrDefault(v => v.Metadata.Name == volumeName);
        if (volume is null)
        {
            return new ClaimStep.Lost(VolumeEvent.Warning("ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!"));
        }

        return volume.Spec?.ClaimRef is null || VolumeMatcher.IsBoundTo(volume, claim)
            ? new ClaimStep.Bind(volume)
            : new ClaimStep.Lost(VolumeEvent.Warning("ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly"));
    }

    /// <summary>Whether the claim's class binds only once a pod using it is scheduled.</summary>
    public static bool DelaysBinding(V1PersistentVolumeClaim claim, Func<string, V1StorageClass?> storageClass) =>
        VolumeMatcher.ClassOf(claim) is { Length: > 0 } name && storageClass(name)?.VolumeBindingMode == WaitForFirstConsumer;

    /// <summary>
    /// The node of a scheduled pod that mounts the claim (by name, so the choice is stable), or null. Upstream's
    /// scheduler sets selected-node while it binds the pod; here the binder reads it off the pod once bound.
    /// </summary>
    public static string? NodeOfFirstConsumer(V1PersistentVolumeClaim claim, IEnumerable<V1Pod> podsInNamespace) =>
        podsInNamespace
            .Where(p => !string.IsNullOrEmpty(p.Spec?.NodeName) && p.Metadata.DeletionTimestamp is null
                && (p.Spec.Volumes ?? []).Any(v => v.PersistentVolumeClaim?.ClaimName == claim.Metadata.Name))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Select(p => p.Spec.NodeName)
            .FirstOrDefault();

    private static ClaimStep PlanUnnamed(
        V1PersistentVolumeClaim claim, IReadOnlyCollection<V1PersistentVolume> volumes, Func<string, V1StorageClass?> storageClass, IEnumerable<V1Pod> pods, Func<string, V1Node?>? node)
    {
        var selected = VolumeAnnotations.Get(claim.Metadata.Annotations, VolumeAnnotations.SelectedNode);
        if (selected is not null && node?.Invoke(selected) is { } selectedNode)
        {
            // The pod went to the selected node: only a volume usable from there serves it (a local volume is one node's).
            // A node not known cannot be judged: every volume stays a candidate.
            var labels = selectedNode.Metadata?.Labels?.AsReadOnly() ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
            volumes = [.. volumes.Where(v => NodeAffinityMatch.AnyHolds(NodeAffinityMatch.VolumeTerms(v), selected, labels))];
        }

        var waiting = DelaysBinding(claim, storageClass) && selected is null;
        if (VolumeMatcher.FindBestMatch(claim, volumes, waiting) is { } match)
        {
            return new ClaimStep.Bind(match);
        }

        if (waiting)
        {
            return NodeOfFirstConsumer(claim, pods) is { } consumerNode
                ? new ClaimStep.SelectNode(consumerNode)
                : new ClaimStep.Pending(VolumeEvent.Normal("WaitForFirstConsumer", "waiting for first consumer to be created before binding"));
        }

        var className = VolumeMatcher.ClassOf(claim);
        if (className.Length == 0)
        {
            return new ClaimStep.Pending(VolumeEvent.Normal("FailedBinding", "no persistent volumes available for this claim and no storage class is set"));
        }

        return storageClass(className) is { } found
            ? new ClaimStep.Provision(found.Provisioner)
            : new ClaimStep.Pending(VolumeEvent.Warning("ProvisioningFailed", $"storageclass.storage.k8s.io \"{className}\" not found"));
    }

    /// <summary>A claim that names its volume (spec.volumeName) and is not bound yet.</summary>
    private static ClaimStep PlanNamed(V1PersistentVolumeClaim claim, V1PersistentVolume? volume)
    {
        if (volume is null)
        {
            // The user asked for a volume that does not exist (yet): wait for it.
            return new ClaimStep.Pending(null);
        }

        if (volume.Spec?.ClaimRef is null)
        {
            return VolumeMatcher.Unsatisfied(volume, claim) is { } why
                ? new ClaimStep.Pending(VolumeEvent.Warning("VolumeMismatch", $"Cannot bind to requested volume \"{volume.Metadata.Name}\": {why}"))
                : new ClaimStep.Bind(volume);
        }

        if (VolumeMatcher.IsBoundTo(volume, claim))
        {
            return new ClaimStep.Bind(volume);
        }

        return VolumeAnnotations.Has(claim.Metadata.Annotations, VolumeAnnotations.BoundByController)
            ? new ClaimStep.Pending(null)
            : new ClaimStep.Pending(VolumeEvent.Warning("FailedBinding", $"volume \"{volume.Metadata.Name}\" already bound to a different claim."));
    }
}
