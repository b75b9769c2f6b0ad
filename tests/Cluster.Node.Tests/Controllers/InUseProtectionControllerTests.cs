using System.Text;
using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Volumes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The pvc-protection and pv-protection controllers on a node's real registry: deletes wait while the object is in use.</summary>
public sealed class InUseProtectionControllerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly FailureLog _log = new();
    private ControllerTestHost _host = null!;
    private ReconcileLoop _claims = null!;
    private ReconcileLoop _volumes = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("protection-node");
        (_claims, _volumes) = _host.ProtectionLoops(_log);
        await _host.RunAsync(_claims, _volumes);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ClaimMountedByAScheduledPod_DeleteWaitsUntilThePodGoes()
    {
        await _host.CreateAsync(BuiltInKinds.PersistentVolumeClaim, """{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""");
        await UntilAsync(() => Claim("data")?.Metadata.Finalizers?.Contains(InUseProtection.ClaimFinalizer) == true, "the finalizer added");
        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"user"},"spec":{"nodeName":"elsewhere","containers":[{"name":"app","image":"simulated"}],"volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"data"}}]}}""");

        await UntilAsync(() => _claims.Stats is { QueueDepth: 0, Waiting: 0 }, "the pod's arrival reconciled");
        var before = _claims.Stats.Reconciles;
        await Registry.DeleteAsync(BuiltInKinds.PersistentVolumeClaim, "default", "data", DeleteOptions.Default, CancellationToken.None);
        await UntilAsync(() => Claim("data")?.Metadata.DeletionTimestamp is not null, "the claim marked for deletion");
        await UntilAsync(() => _claims.Stats is { QueueDepth: 0, Waiting: 0 } s && s.Reconciles > before, "the deletion reconciled");
        Assert.NotNull(Claim("data")); // still mounted

        await Registry.DeleteAsync(BuiltInKinds.Pod, "default", "user", new DeleteOptions(GracePeriodSeconds: 0), CancellationToken.None);
        await UntilAsync(() => Claim("data") is null, "the claim removed once unused");
    }

    [Fact]
    public async Task ClaimOnlyNamedByAnUnscheduledPod_DeletedAtOnce()
    {
        await _host.CreateAsync(BuiltInKinds.PersistentVolumeClaim, """{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"spare"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""");
        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"waiting"},"spec":{"containers":[{"name":"app","image":"simulated"}],"volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"spare"}}]}}""");
        await UntilAsync(() => Claim("spare")?.Metadata.Finalizers?.Contains(InUseProtection.ClaimFinalizer) == true, "the finalizer added");

        await Registry.DeleteAsync(BuiltInKinds.PersistentVolumeClaim, "default", "spare", DeleteOptions.Default, CancellationToken.None);
        await UntilAsync(() => Claim("spare") is null, "the claim removed");
    }

    [Fact]
    public async Task VolumeBound_DeleteWaitsUntilItIsReleased()
    {
        await _host.CreateAsync(BuiltInKinds.PersistentVolume, """{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"disk"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/srv/disk"}}}""");
        await UntilAsync(() => Volume("disk")?.Metadata.Finalizers?.Contains(InUseProtection.VolumeFinalizer) == true, "the finalizer added");
        await SetVolumePhaseAsync("Bound");

        await UntilAsync(() => _volumes.Stats is { QueueDepth: 0, Waiting: 0 } && Volume("disk")?.Status?.Phase == "Bound", "the phase reconciled");
        var before = _volumes.Stats.Reconciles;
        await Registry.DeleteAsync(BuiltInKinds.PersistentVolume, "", "disk", DeleteOptions.Default, CancellationToken.None);
        await UntilAsync(() => Volume("disk")?.Metadata.DeletionTimestamp is not null, "the volume marked for deletion");
        await UntilAsync(() => _volumes.Stats is { QueueDepth: 0, Waiting: 0 } s && s.Reconciles > before, "the deletion reconciled");
        Assert.NotNull(Volume("disk"));

        await SetVolumePhaseAsync("Released");
        await UntilAsync(() => Volume("disk") is null, "the volume removed once released");
    }

    private Task SetVolumePhaseAsync(string phase) =>
        Registry.PatchAsync(BuiltInKinds.PersistentVolume, "", "disk", PatchType.Merge, JsonNode.Parse($$$"""{"status":{"phase":"{{{phase}}}"}}""")!, "status", WriteOptions.Default, CancellationToken.None);

    private V1PersistentVolumeClaim? Claim(string name) => Get<V1PersistentVolumeClaim>(BuiltInKinds.PersistentVolumeClaim, "default", name);

    private V1PersistentVolume? Volume(string name) => Get<V1PersistentVolume>(BuiltInKinds.PersistentVolume, "", name);

    private T? Get<T>(ResourceKind kind, string ns, string name)
        where T : class => Registry.Cache(kind).Get(ns, name) is { } cached ? KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(cached.Json)) : null;

    private async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"never reached: {what}; claims: {_claims.Stats}; volumes: {_volumes.Stats}; last failure: {_log.Last}");
            }

            await Task.Delay(25);
        }
    }
}
