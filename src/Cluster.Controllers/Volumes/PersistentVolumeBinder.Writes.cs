using Cluster.Core.Registry;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Volumes;

/// <summary>The binder's writes to claims and volumes; each is a replace of the informer's version (409 on a newer one: retried).</summary>
public sealed partial class PersistentVolumeBinder
{
    /// <summary>The first write the binding still lacks; its event brings the next.</summary>
    private async Task BindAsync(V1PersistentVolume volume, V1PersistentVolumeClaim claim, CancellationToken ct)
    {
        switch (BindingWrites.Next(volume, claim))
        {
            case { Volume: { } v, Status: false }:
                LogBinding(_logger, claim.Metadata.NamespaceProperty, claim.Metadata.Name, v.Metadata.Name);
                await _writer.UpdateAsync(BuiltInKinds.PersistentVolume, "", v.Metadata.Name, Json(v), ct).ConfigureAwait(false);
                break;
            case { Volume: { } v, Status: true }:
                await _writer.UpdateStatusAsync(BuiltInKinds.PersistentVolume, "", v.Metadata.Name, Json(v), ct).ConfigureAwait(false);
                break;
            case { Claim: { } c, Status: false }:
                await _writer.UpdateAsync(BuiltInKinds.PersistentVolumeClaim, c.Metadata.NamespaceProperty, c.Metadata.Name, Json(c), ct).ConfigureAwait(false);
                break;
            case { Claim: { } c, Status: true }:
                await _writer.UpdateStatusAsync(BuiltInKinds.PersistentVolumeClaim, c.Metadata.NamespaceProperty, c.Metadata.Name, Json(c), ct).ConfigureAwait(false);
                LogBound(_logger, c.Metadata.NamespaceProperty, c.Metadata.Name, volume.Metadata.Name);
                break;
        }
    }

    /// <summary>Records the event and writes the claim's phase when it differs.</summary>
    private async Task ClaimPhaseAsync(V1PersistentVolumeClaim claim, string phase, VolumeEvent? e, CancellationToken ct)
    {
        if (e is not null)
        {
            _events.Record(Reference(claim), e.Type, e.Reason, e.Message);
        }

        if (claim.Status?.Phase == phase)
        {
            return;
        }

        var updated = BindingWrites.Clone(claim);
        updated.Status ??= new V1PersistentVolumeClaimStatus();
        updated.Status.Phase = phase;
        await _writer.UpdateStatusAsync(BuiltInKinds.PersistentVolumeClaim, claim.Metadata.NamespaceProperty, claim.Metadata.Name, Json(updated), ct).ConfigureAwait(false);
    }

    /// <summary>Names the provisioner on the claim (which is how a provisioner knows the claim is its to serve) and says so.</summary>
    private async Task AskProvisionerAsync(V1PersistentVolumeClaim claim, string provisioner, CancellationToken ct)
    {
        _events.Normal(Reference(claim), "ExternalProvisioning",
            $"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
        if (claim.Status?.Phase != VolumePhases.Pending)
        {
            await ClaimPhaseAsync(claim, VolumePhases.Pending, null, ct).ConfigureAwait(false);
            return;
        }

        await AnnotateAsync(claim, [(VolumeAnnotations.StorageProvisioner, provisioner), (VolumeAnnotations.BetaStorageProvisioner, provisioner)], ct).ConfigureAwait(false);
    }

    /// <summary>Sets the annotations on the claim unless it has them all.</summary>
    private async Task AnnotateAsync(V1PersistentVolumeClaim claim, (string Key, string Value)[] annotations, CancellationToken ct)
    {
        if (annotations.All(a => VolumeAnnotations.Get(claim.Metadata.Annotations, a.Key) == a.Value))
        {
            return;
        }

        var updated = BindingWrites.Clone(claim);
        updated.Metadata.Annotations ??= new Dictionary<string, string>();
        foreach (var (key, value) in annotations)
        {
            updated.Metadata.Annotations[key] = value;
        }

        await _writer.UpdateAsync(BuiltInKinds.PersistentVolumeClaim, claim.Metadata.NamespaceProperty, claim.Metadata.Name, Json(updated), ct).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 8104, Level = LogLevel.Debug, Message = "Claim {Namespace}/{Claim}: binding to volume {Volume}")]
    private static partial void LogBinding(ILogger logger, string @namespace, string claim, string volume);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Information, Message = "Claim {Namespace}/{Claim}: bound to volume {Volume}")]
    private static partial void LogBound(ILogger logger, string @namespace, string claim, string volume);
}
