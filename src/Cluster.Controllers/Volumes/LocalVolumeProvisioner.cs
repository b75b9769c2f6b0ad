using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Volumes;

/// <summary>
/// The built-in local provisioner (as upstream's external provisioners, beside the binder): it keeps its StorageClass,
/// creates a hostPath PersistentVolume pre-bound to each claim the binder hands it (<see cref="LocalVolumePlanner"/>),
/// and deletes its Released volumes of policy Delete with their directories. Keys: <c>pvc:&lt;namespace&gt;/&lt;name&gt;</c>,
/// <c>pv:&lt;name&gt;</c> and <c>storageclass</c>.
/// </summary>
public sealed partial class LocalVolumeProvisioner : IReconciler
{
    public const string Component = "local-volume-provisioner";

    private const string ClassKey = "storageclass";
    private const string ClaimPrefix = "pvc:";
    private const string VolumePrefix = "pv:";

    private readonly SharedInformer _claims;
    private readonly SharedInformer _volumes;
    private readonly SharedInformer _classes;
    private readonly IObjectWriter _writer;
    private readonly EventRecorder _events;
    private readonly LocalVolumeSettings _settings;
    private readonly ILogger _logger;

    public LocalVolumeProvisioner(InformerFactory informers, IObjectWriter writer, EventRecorder events, LocalVolumeSettings settings, ILogger logger)
    {
        _claims = informers.For(BuiltInKinds.PersistentVolumeClaim);
        _volumes = informers.For(BuiltInKinds.PersistentVolume);
        _classes = informers.For(BuiltInKinds.StorageClass);
        _writer = writer;
        _events = events;
        _settings = settings;
        _logger = logger;
    }

    public string Name => Component;

    /// <summary>Has the informers' events enqueue keys on <paramref name="loop"/>, and the StorageClass checked once it starts.</summary>
    public void Watch(ReconcileLoop loop)
    {
        _claims.AddHandler(new EnqueueHandler(loop, (old, now) => now is null ? [] : [ClaimPrefix + now.Key]));
        _volumes.AddHandler(new EnqueueHandler(loop, (old, now) => now is null ? [] : [VolumePrefix + now.Name]));
        // Put back when deleted, as the addon manager's EnsureExists; a class someone changed is theirs.
        _classes.AddHandler(new EnqueueHandler(loop, (old, now) => now is null && old!.Name == _settings.StorageClass ? [ClassKey] : []));
        loop.Enqueue(ClassKey);
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        if (key == ClassKey)
        {
            await EnsureStorageClassAsync(ct).ConfigureAwait(false);
        }
        else if (key.StartsWith(VolumePrefix, StringComparison.Ordinal))
        {
            await ReclaimAsync(key[VolumePrefix.Length..], ct).ConfigureAwait(false);
        }
        else
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            await ProvisionAsync(key[ClaimPrefix.Length..slash], key[(slash + 1)..], ct).ConfigureAwait(false);
        }

        return ReconcileResult.Done;
    }

    private async Task EnsureStorageClassAsync(CancellationToken ct)
    {
        if (_settings.StorageClass.Length == 0 || _classes.Get("", _settings.StorageClass) is not null)
        {
            return;
        }

        try
        {
            await _writer.CreateAsync(BuiltInKinds.StorageClass, "", PersistentVolumeBinder.Json(LocalVolumePlanner.StorageClassFor(_settings)), ct).ConfigureAwait(false);
            LogClassCreated(_logger, _settings.StorageClass, _settings.DefaultClass);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Made meanwhile (by a previous holder of the singleton): the informer shows it soon.
        }
    }

    private async Task ProvisionAsync(string ns, string name, CancellationToken ct)
    {
        if (_claims.Get(ns, name)?.As<V1PersistentVolumeClaim>() is not { } claim)
        {
            return;
        }

        var storageClass = _classes.Get("", VolumeMatcher.ClassOf(claim))?.As<V1StorageClass>();
        if (!LocalVolumePlanner.ShouldProvision(claim, storageClass) || _volumes.Get("", LocalVolumePlanner.VolumeNameFor(claim)) is not null)
        {
            return;
        }

        var volume = LocalVolumePlanner.VolumeFor(claim, storageClass!, _settings.BaseDirectory);
        _events.Normal(PersistentVolumeBinder.Reference(claim), "Provisioning", $"External provisioner is provisioning volume for claim \"{ns}/{name}\"");
        try
        {
            await _writer.CreateAsync(BuiltInKinds.PersistentVolume, "", PersistentVolumeBinder.Json(volume), ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Made by an earlier attempt the informer has not shown yet (the name is the claim's uid).
            return;
        }

        LogProvisioned(_logger, volume.Metadata.Name, ns, name, volume.Spec.HostPath.Path);
        _events.Normal(PersistentVolumeBinder.Reference(claim), "ProvisioningSucceeded", $"Successfully provisioned volume {volume.Metadata.Name}");
    }

    /// <summary>A Released volume of ours with policy Delete: its directory goes, then the object.</summary>
    private async Task ReclaimAsync(string name, CancellationToken ct)
    {
        if (_volumes.Get("", name)?.As<V1PersistentVolume>() is not { } volume || !VolumePlanner.IsProvisionerToDelete(volume, LocalVolumePlanner.ProvisionerName))
        {
            return;
        }

        if (LocalVolumePlanner.DirectoryOf(volume, _settings.BaseDirectory) is { } directory && Directory.Exists(directory))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _events.Warning(PersistentVolumeBinder.Reference(volume), "VolumeFailedDelete", $"failed to delete {directory}: {e.Message}");
                throw;
            }
        }

        await _writer.DeleteAsync(BuiltInKinds.PersistentVolume, "", name, ct).ConfigureAwait(false);
        LogDeleted(_logger, name);
    }

    [LoggerMessage(EventId = 8121, Level = LogLevel.Information, Message = "StorageClass {StorageClass} created (default: {Default})")]
    private static partial void LogClassCreated(ILogger logger, string storageClass, bool @default);

    [LoggerMessage(EventId = 8122, Level = LogLevel.Information, Message = "Volume {Volume} provisioned for claim {Namespace}/{Claim} at {Path}")]
    private static partial void LogProvisioned(ILogger logger, string volume, string @namespace, string claim, string path);

    [LoggerMessage(EventId = 8123, Level = LogLevel.Information, Message = "Volume {Volume} and its directory deleted")]
    private static partial void LogDeleted(ILogger logger, string volume);
}
