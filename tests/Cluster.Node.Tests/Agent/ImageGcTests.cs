using System.Formats.Tar;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Agent;

/// <summary>
/// A Docker node that collects images unused for 3 s, checked every second. Every image present when it starts is
/// pinned (by id), so it only ever collects what its tests made.
/// </summary>
public sealed class ImageGcCluster : DockerCluster
{
    private readonly string[] _pinned = Docker("images", "-q", "--no-trunc").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    protected override string[] NodeArguments =>
        [.. base.NodeArguments, "--agent:image-gc-period=1s", "--agent:image-minimum-gc-age=1s", "--agent:image-maximum-gc-age=3s", "--agent:image-gc-pinned=" + string.Join(',', _pinned.Append(Image))];
}

/// <summary>Unused images are garbage collected by age; an image a container uses stays until it is no longer used.</summary>
public sealed class ImageGcTests(ImageGcCluster cluster) : IClassFixture<ImageGcCluster>
{
    [Fact]
    public async Task UnusedImageRemoved_ImageOfARunningPodKept_UntilThePodIsGone()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (unused, used) = ("local/gc-unused-" + suffix + ":1", "local/gc-used-" + suffix + ":1");
        await ImportAsync(unused);
        var builder = DockerCluster.Docker("create", DockerCluster.Image, "sh").Trim();
        DockerCluster.Docker("commit", builder, used);
        DockerCluster.Docker("rm", builder);
        await cluster.RunAsync("create", "namespace", "agent-gc");
        var file = cluster.WriteFile("gc.yaml", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: user}
            spec:
              nodeName: {{{cluster.NodeName}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{{used}}}
                imagePullPolicy: Never
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
            """);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "-n", "agent-gc", "-f", file));
        await cluster.UntilAsync("user", "agent-gc", "{.status.phase}", v => v == "Running");

        var unusedGone = await UntilGoneAsync(unused);
        var usedWhileRunning = Exists(used);
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pod", "user", "-n", "agent-gc", "--timeout=30s"));
        var usedGoneAfter = await UntilGoneAsync(used);

        Assert.True(unusedGone, "the unused image was not collected");
        Assert.True(usedWhileRunning, "the image of a running pod was collected");
        Assert.True(usedGoneAfter, "the image stayed after its pod went");
        Assert.True(Exists(DockerCluster.Image) && Exists("local/pause:1"), "a pinned image was collected");
    }

    private static bool Exists(string image)
    {
        try
        {
            DockerCluster.Docker("image", "inspect", image);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<bool> UntilGoneAsync(string image)
    {
        for (var i = 0; i < 60; i++)
        {
            if (!Exists(image))
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    /// <summary>A one-file image made with docker import (its own id, used by nothing).</summary>
    private static async Task ImportAsync(string tag)
    {
        var tar = Path.Combine(Path.GetTempPath(), "gc-" + Guid.NewGuid().ToString("N") + ".tar");
        await using (var stream = File.Create(tar))
        await using (var writer = new TarWriter(stream))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "marker") { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(tag)) };
            await writer.WriteEntryAsync(entry);
        }

        DockerCluster.Docker("import", tar, tag);
        File.Delete(tar);
    }
}
