using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// PersistentVolumes and claims driven by kubectl with the whole control plane on simulated nodes: static binding,
/// the default class's local provisioner, and the Retain and Delete reclaim policies.
/// </summary>
public sealed class VolumeKubectlTests(SchedulerKubectlTests.Cluster cluster) : IClassFixture<SchedulerKubectlTests.Cluster>
{
    private const string Ns = "volumes";

    [Fact]
    public async Task StaticVolumeAndClaim_BothBound_ClaimDeleted_RetainReleasedDeleteRemoved()
    {
        await cluster.WaitForReadyNodesAsync();
        await cluster.RunAsync("create", "namespace", Ns);
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("static.yaml", """
            ---
            {apiVersion: v1, kind: PersistentVolume, metadata: {name: vol-retain, labels: {disk: retain}}, spec: {capacity: {storage: 2Gi}, accessModes: [ReadWriteOnce], persistentVolumeReclaimPolicy: Retain, storageClassName: manual, hostPath: {path: /tmp/vol-retain}}}
            ---
            {apiVersion: v1, kind: PersistentVolume, metadata: {name: vol-delete, labels: {disk: delete}}, spec: {capacity: {storage: 2Gi}, accessModes: [ReadWriteOnce], persistentVolumeReclaimPolicy: Delete, storageClassName: manual, hostPath: {path: /tmp/vol-delete}}}
            ---
            {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: keep, namespace: volumes}, spec: {storageClassName: manual, selector: {matchLabels: {disk: retain}}, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}
            ---
            {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: drop, namespace: volumes}, spec: {storageClassName: manual, selector: {matchLabels: {disk: delete}}, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}
            """)));

        var claims = await UntilAsync(async () => KubectlTable.Parse(await cluster.OutputAsync("get", "pvc", "keep", "drop", "-n", Ns)), t => t.Rows.Count == 2 && t.Rows.All(r => r["STATUS"] == "Bound"));
        Assert.Equal("vol-retain", claims.Rows.Single(r => r["NAME"] == "keep")["VOLUME"]);
        Assert.Equal("2Gi", claims.Rows.Single(r => r["NAME"] == "keep")["CAPACITY"]);
        var volumes = await UntilAsync(async () => KubectlTable.Parse(await cluster.OutputAsync("get", "pv", "vol-retain", "vol-delete")), t => t.Rows.All(r => r["STATUS"] == "Bound"));
        Assert.Equal($"{Ns}/keep", volumes.Rows.Single(r => r["NAME"] == "vol-retain")["CLAIM"]);

        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pvc", "keep", "drop", "-n", Ns, "--timeout=30s"));

        await UntilAsync(async () => (await cluster.RunAsync("get", "pv", "vol-delete")).StdErr, e => e.Contains("NotFound", StringComparison.Ordinal));
        var released = await UntilAsync(async () => KubectlTable.Parse(await cluster.OutputAsync("get", "pv", "vol-retain")), t => t.Rows.Single()["STATUS"] == "Released");
        Assert.Equal($"{Ns}/keep", released.Rows.Single()["CLAIM"]);
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pv", "vol-retain"));
    }

    [Fact]
    public async Task ClaimWithoutClass_ProvisionedByDefaultClass_MountedByAPod_DeletedWithItsDirectory()
    {
        await cluster.WaitForReadyNodesAsync();
        await cluster.RunAsync("create", "namespace", Ns);
        var classes = await UntilAsync(async () => KubectlTable.Parse(await cluster.OutputAsync("get", "storageclass")), t => t.Rows.Count > 0);
        Assert.Equal("local-path (default)", classes.Rows.Single()["NAME"]);

        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("auto.yaml", """
            ---
            {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: auto, namespace: volumes}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 3Gi}}}}
            ---
            {apiVersion: v1, kind: Pod, metadata: {name: user, namespace: volumes}, spec: {containers: [{name: app, image: simulated, volumeMounts: [{name: data, mountPath: /data}]}], volumes: [{name: data, persistentVolumeClaim: {claimName: auto}}]}}
            """)));

        var claim = await UntilAsync(async () => KubectlTable.Parse(await cluster.OutputAsync("get", "pvc", "auto", "-n", Ns)).Rows.Single(), r => r["STATUS"] == "Bound");
        Assert.Equal("local-path", claim["STORAGECLASS"]);
        Assert.Equal("3Gi", claim["CAPACITY"]);
        var volume = claim["VOLUME"];
        Assert.StartsWith("pvc-", volume, StringComparison.Ordinal);
        Assert.Equal("Delete", KubectlTable.Parse(await cluster.OutputAsync("get", "pv", volume)).Rows.Single()["RECLAIM POLICY"]);
        await UntilAsync(
            () => cluster.OutputAsync("get", "events", "-n", Ns, "--field-selector", "involvedObject.name=auto,reason=ProvisioningSucceeded", "-o", "jsonpath={.items[*].message}"),
            m => m.TrimEnd() == $"Successfully provisioned volume {volume}");

        await UntilAsync(() => cluster.JsonPathAsync("pod/user", Ns, "{.status.phase}"), p => p == "Running");
        var directory = (await cluster.OutputAsync("get", "pv", volume, "-o", "jsonpath={.spec.hostPath.path}")).TrimEnd();
        Assert.Equal(Path.Combine(Path.GetFullPath(cluster.DataDir), "volumes", volume), directory);
        Assert.True(Directory.Exists(directory), $"the agent made {directory}");

        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pod", "user", "-n", Ns, "--timeout=30s"));
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pvc", "auto", "-n", Ns, "--timeout=30s"));
        await UntilAsync(async () => (await cluster.RunAsync("get", "pv", volume)).StdErr, e => e.Contains("NotFound", StringComparison.Ordinal));
        Assert.False(Directory.Exists(directory));
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        for (var i = 0; i < 200 && !done(value); i++)
        {
            await Task.Delay(100);
            value = await read();
        }

        Assert.True(done(value), $"never reached; last: {value}");
        return value;
    }
}
