using System.Text;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Volumes;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The persistentvolume-binder and the local provisioner on a node's real registry (informers, reconcile loops,
/// Events, admission): static volumes bound, claims provisioned by the default class, volumes released and reclaimed.
/// </summary>
public sealed class VolumeControllerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _volumes = Path.Combine(Path.GetTempPath(), "volumes-" + Guid.NewGuid().ToString("N"));
    private readonly FailureLog _log = new();
    private ControllerTestHost _host = null!;
    private EventRecorder _events = null!;
    private ReconcileLoop _binder = null!;
    private ReconcileLoop _provisioner = null!;
    private ReconcileLoop _claimProtection = null!;
    private ReconcileLoop _volumeProtection = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("pv-node");
        _events = new EventRecorder(new RegistryEventSink(Registry), PersistentVolumeBinder.Component, null, TimeProvider.System, NullLogger.Instance);
        _events.Start();
        var binder = new PersistentVolumeBinder(_host.Informers, new RegistryWriter(Registry, "binder"), PersistentVolumeBinder.RegistryClaims(Registry), _events, _log);
        _binder = new ReconcileLoop(binder, workers: 2, TimeProvider.System, _log);
        binder.Watch(_binder);
        var settings = new LocalVolumeSettings { BaseDirectory = _volumes };
        var provisioner = new LocalVolumeProvisioner(_host.Informers, new RegistryWriter(Registry, "provisioner"), _events, settings, _log);
        _provisioner = new ReconcileLoop(provisioner, workers: 2, TimeProvider.System, _log);
        provisioner.Watch(_provisioner);

        // The admission's protection finalizers are taken off by their controllers, as in a whole control plane.
        (_claimProtection, _volumeProtection) = _host.ProtectionLoops(_log);
        await _host.RunAsync(_binder, _provisioner, _claimProtection, _volumeProtection);
        await UntilAsync(() => Get<V1StorageClass>(BuiltInKinds.StorageClass, "", "local-path") is not null, "the default StorageClass");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _events.DisposeAsync();
        if (Directory.Exists(_volumes))
        {
            Directory.Delete(_volumes, recursive: true);
        }
    }

    [Fact]
    public async Task StaticVolumeAndClaim_Bound_WithUpstreamAnnotationsAndStatus()
    {
        await CreateVolumeAsync("small", "1Gi", "Retain");
        await CreateVolumeAsync("large", "5Gi", "Retain");
        await CreateClaimAsync("data", "2Gi", "\"storageClassName\":\"\",");

        var claim = await UntilAsync(() => Claim("data") is { Status.Phase: "Bound" } c ? c : null, "claim data Bound");
        var volume = await UntilAsync(() => Volume("large") is { Status.Phase: "Bound" } v ? v : null, "volume large Bound");

        Assert.Equal("large", claim.Spec.VolumeName);
        Assert.Equal("5Gi", claim.Status.Capacity["storage"].ToString());
        Assert.Equal(["ReadWriteOnce"], claim.Status.AccessModes);
        Assert.Equal("yes", claim.Metadata.Annotations[VolumeAnnotations.BindCompleted]);
        Assert.Equal("yes", claim.Metadata.Annotations[VolumeAnnotations.BoundByController]);
        Assert.Equal((claim.Metadata.Name, claim.Metadata.Uid), (volume.Spec.ClaimRef.Name, volume.Spec.ClaimRef.Uid));
        Assert.Equal("yes", volume.Metadata.Annotations[VolumeAnnotations.BoundByController]);
        Assert.Equal("Available", Volume("small")?.Status.Phase);
    }

    [Fact]
    public async Task ClaimWithoutClass_ProvisionedByDefaultClass_AndDeleteRemovesVolumeAndDirectory()
    {
        await CreateClaimAsync("auto", "3Gi", "");

        var claim = await UntilAsync(() => Claim("auto") is { Status.Phase: "Bound" } c ? c : null, "claim auto Bound");
        Assert.Equal("local-path", claim.Spec.StorageClassName);
        Assert.Equal("pvc-" + claim.Metadata.Uid, claim.Spec.VolumeName);
        Assert.Equal(LocalVolumePlanner.ProvisionerName, claim.Metadata.Annotations[VolumeAnnotations.StorageProvisioner]);
        var volume = Volume(claim.Spec.VolumeName)!;
        Assert.Equal(LocalVolumePlanner.ProvisionerName, volume.Metadata.Annotations[VolumeAnnotations.ProvisionedBy]);
        Assert.Equal(("Delete", "3Gi"), (volume.Spec.PersistentVolumeReclaimPolicy, volume.Spec.Capacity["storage"].ToString()));
        var directory = Path.Combine(_volumes, volume.Metadata.Name);
        Assert.Equal(directory, volume.Spec.HostPath.Path);
        Assert.Contains(Events("auto"), e => e.Reason == "ProvisioningSucceeded");

        // As the node agent does when a pod first mounts the volume.
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "data.txt"), "kept until the claim goes");
        await Registry.DeleteAsync(BuiltInKinds.PersistentVolumeClaim, "default", "auto", DeleteOptions.Default, CancellationToken.None);

        await UntilAsync(() => Volume(volume.Metadata.Name) is null, "the provisioned volume deleted");
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task RetainVolume_ClaimDeleted_ReleasedAndKept_DeleteVolumeMadeByHand_Removed()
    {
        await CreateVolumeAsync("kept", "1Gi", "Retain", "\"storageClassName\":\"manual\",");
        await CreateVolumeAsync("gone", "1Gi", "Delete", "\"storageClassName\":\"scratch\",");
        await CreateClaimAsync("keep", "1Gi", "\"storageClassName\":\"manual\",");
        await CreateClaimAsync("drop", "1Gi", "\"storageClassName\":\"scratch\",");
        await UntilAsync(() => Volume("kept")?.Status.Phase == "Bound" && Volume("gone")?.Status.Phase == "Bound", "both volumes Bound");

        await Registry.DeleteAsync(BuiltInKinds.PersistentVolumeClaim, "default", "keep", DeleteOptions.Default, CancellationToken.None);
        await Registry.DeleteAsync(BuiltInKinds.PersistentVolumeClaim, "default", "drop", DeleteOptions.Default, CancellationToken.None);

        await UntilAsync(() => Volume("kept") is { Status.Phase: "Released" }, "volume kept Released");
        await UntilAsync(() => Volume("gone") is null, "volume gone deleted");
        Assert.Equal("keep", Volume("kept")!.Spec.ClaimRef.Name);
    }

    [Fact]
    public async Task NoClassNoVolume_PendingWithEvent_ThenAVolumeAppears_Bound()
    {
        await CreateClaimAsync("later", "1Gi", "\"storageClassName\":\"\",");

        await UntilAsync(() => Events("later").Any(e => e.Reason == "FailedBinding"), "the FailedBinding event");
        Assert.Equal("no persistent volumes available for this claim and no storage class is set", Events("later").First(e => e.Reason == "FailedBinding").Message);
        Assert.Equal("Pending", Claim("later")!.Status.Phase);

        await CreateVolumeAsync("arrives", "1Gi", "Retain");
        await UntilAsync(() => Claim("later") is { Status.Phase: "Bound", Spec.VolumeName: "arrives" }, "claim later Bound to arrives");
    }

    [Fact]
    public async Task WaitForFirstConsumer_PendingUntilAPodIsScheduled_ThenProvisionedOnItsNode()
    {
        await _host.CreateAsync(BuiltInKinds.StorageClass, $$"""{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"wait"},"provisioner":"{{LocalVolumePlanner.ProvisionerName}}","volumeBindingMode":"WaitForFirstConsumer"}""");
        await CreateClaimAsync("lazy", "1Gi", "\"storageClassName\":\"wait\",");
        await UntilAsync(() => Events("lazy").Any(e => e.Reason == "WaitForFirstConsumer"), "the WaitForFirstConsumer event");
        Assert.Null(Claim("lazy")!.Spec.VolumeName);

        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"user"},"spec":{"nodeName":"n7","containers":[{"name":"app","image":"x"}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"lazy"}}]}}""");

        var claim = await UntilAsync(() => Claim("lazy") is { Status.Phase: "Bound" } c ? c : null, "claim lazy Bound");
        Assert.Equal("n7", claim.Metadata.Annotations[VolumeAnnotations.SelectedNode]);
        Assert.Equal("n7", Volume(claim.Spec.VolumeName)!.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0].Values.Single());
    }

    private Task CreateVolumeAsync(string name, string size, string policy, string extraSpec = "") =>
        _host.CreateAsync(BuiltInKinds.PersistentVolume, """{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"NAME"},"spec":{EXTRA"capacity":{"storage":"SIZE"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"POLICY","hostPath":{"path":"/srv/NAME"}}}"""
            .Replace("NAME", name, StringComparison.Ordinal).Replace("SIZE", size, StringComparison.Ordinal).Replace("POLICY", policy, StringComparison.Ordinal).Replace("EXTRA", extraSpec, StringComparison.Ordinal));

    private Task CreateClaimAsync(string name, string size, string extraSpec) =>
        _host.CreateAsync(BuiltInKinds.PersistentVolumeClaim, """{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"NAME"},"spec":{EXTRA"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"SIZE"}}}}"""
            .Replace("NAME", name, StringComparison.Ordinal).Replace("SIZE", size, StringComparison.Ordinal).Replace("EXTRA", extraSpec, StringComparison.Ordinal));

    private V1PersistentVolumeClaim? Claim(string name) => Get<V1PersistentVolumeClaim>(BuiltInKinds.PersistentVolumeClaim, "default", name);

    private V1PersistentVolume? Volume(string name) => Get<V1PersistentVolume>(BuiltInKinds.PersistentVolume, "", name);

    private T? Get<T>(ResourceKind kind, string ns, string name)
        where T : class => Registry.Cache(kind).Get(ns, name) is { } cached ? KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(cached.Json)) : null;

    private List<Corev1Event> Events(string involved) =>
        [.. Registry.Cache(BuiltInKinds.Event).List("default").Items.Select(e => KubernetesJson.Deserialize<Corev1Event>(Encoding.UTF8.GetString(e.Json))).Where(e => e.InvolvedObject.Name == involved)];

    private async Task<T> UntilAsync<T>(Func<T?> found, string what)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (true)
        {
            if (found() is { } value)
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"never reached: {what}; binder: {_binder.Stats}; provisioner: {_provisioner.Stats}; last failure: {_log.Last}");
            }

            await Task.Delay(25);
        }
    }

    private Task UntilAsync(Func<bool> condition, string what) => UntilAsync(() => condition() ? "" : null, what);
}
