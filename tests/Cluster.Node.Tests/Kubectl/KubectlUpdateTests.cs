using System.Text.RegularExpressions;

namespace Cluster.Node.Tests.Kubectl;

/// <summary>Commands that change objects, with node restarts between steps; each test works in its own namespace.</summary>
public sealed partial class KubectlUpdateTests(KubectlCluster cluster) : IClassFixture<KubectlCluster>
{
    private const string Identity = "{.kind}/{.metadata.name} uid={.metadata.uid} rv={.metadata.resourceVersion} generation={.metadata.generation}{\"\\n\"}";

    [Fact]
    public async Task LabelAnnotatePatchEdit_AppliedObjects_ChangeLiveObjectsThatSurviveRestart()
    {
        await cluster.ApplyShopAsync("edits");

        KubectlAssert.StdOutLines(await cluster.RunAsync("label", "configmap", "settings", "-n", "edits", "color=green"), "configmap/settings labeled");
        KubectlAssert.FailedWith(
            await cluster.RunAsync("label", "configmap", "settings", "-n", "edits", "color=red"),
            "error: 'color' already has a value (green), and --overwrite is false");
        KubectlAssert.StdOutLines(await cluster.RunAsync("label", "configmap", "settings", "-n", "edits", "color=red", "--overwrite"), "configmap/settings labeled");
        Assert.Equal("red", KubectlTable.Parse(await cluster.OutputAsync("get", "configmap", "settings", "-n", "edits", "-L", "color")).Row("settings")["COLOR"]);
        KubectlAssert.StdOutLines(await cluster.RunAsync("label", "configmap", "settings", "-n", "edits", "color-"), "configmap/settings unlabeled");
        Assert.Equal("app=web", KubectlTable.Parse(await cluster.OutputAsync("get", "configmap", "settings", "-n", "edits", "--show-labels")).Row("settings")["LABELS"]);

        KubectlAssert.StdOutLines(await cluster.RunAsync("annotate", "deployment", "web", "-n", "edits", "owner=alice"), "deployment.apps/web annotated");
        Assert.Equal("alice", await cluster.JsonPathAsync("deployment/web", "edits", "{.metadata.annotations.owner}"));

        KubectlAssert.StdOutLines(
            await cluster.RunAsync("patch", "configmap", "settings", "-n", "edits", "--type=json", "-p", """[{"op":"replace","path":"/data/mode","value":"green"}]"""),
            "configmap/settings patched");
        const string MergePatch = """{"data":{"extra":"1","size":null}}""";
        KubectlAssert.StdOutLines(await cluster.RunAsync("patch", "configmap", "settings", "-n", "edits", "--type=merge", "-p", MergePatch), "configmap/settings patched");
        KubectlAssert.StdOutLines(await cluster.RunAsync("patch", "configmap", "settings", "-n", "edits", "--type=merge", "-p", MergePatch), "configmap/settings patched (no change)");
        Assert.Equal("""{"extra":"1","mode":"green"}""", await cluster.JsonPathAsync("configmap/settings", "edits", "{.data}"));

        // Strategic merge matches containers by name, so the env list the patch does not mention stays.
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("patch", "deployment", "web", "-n", "edits", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}}}"""),
            "deployment.apps/web patched");
        Assert.Equal("web nginx:1.26 MODE DEBUG generation=2", await ContainerSummaryAsync("edits"));

        var editor = WriteEditor("bump-image.sh", "sed -i 's/image: nginx:1.26/image: nginx:1.27/' \"$1\"");
        KubectlAssert.StdOutLines(
            await cluster.RunWithEnvironmentAsync(editor, "edit", "deployment", "web", "-n", "edits"),
            "deployment.apps/web edited");
        Assert.Equal("web nginx:1.27 MODE DEBUG generation=3", await ContainerSummaryAsync("edits"));
        var unchanged = await cluster.RunWithEnvironmentAsync(WriteEditor("keep.sh", "true"), "edit", "deployment", "web", "-n", "edits");
        Assert.True(unchanged.ExitCode == 0 && unchanged.AllOutput.Contains("Edit cancelled, no changes made.", StringComparison.Ordinal), unchanged.ToString());

        var before = await SettledSnapshotAsync("edits");
        await cluster.RestartAsync(interrupt: true);
        var after = await SnapshotAsync("edits");

        Assert.Equal(before, after);
        Assert.Equal("web nginx:1.27 MODE DEBUG generation=3", await ContainerSummaryAsync("edits"));
        Assert.Equal("alice", await cluster.JsonPathAsync("deployment/web", "edits", "{.metadata.annotations.owner}"));
    }

    [Fact]
    public async Task Apply_ChangedManifestAfterRestart_MergesThreeWays()
    {
        await cluster.ApplyShopAsync("rollout");
        KubectlAssert.Succeeded(await cluster.RunAsync("label", "deployment", "web", "-n", "rollout", "extra=kept"));
        var before = await SettledSnapshotAsync("rollout");
        await cluster.RestartAsync();
        Assert.Equal(before, await SnapshotAsync("rollout"));

        var revised = cluster.WriteFile("rollout-v2.yaml", Manifests.Shop("rollout", revised: true));
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("apply", "-f", revised),
            "namespace/rollout unchanged", "configmap/settings configured", "deployment.apps/web configured", "service/web unchanged", "pod/worker unchanged");

        // The DEBUG entry left the manifest, so it leaves the object; the label added outside the manifest stays.
        Assert.Equal("web nginx:1.26 MODE generation=2", await ContainerSummaryAsync("rollout"));
        Assert.Equal("green", await cluster.JsonPathAsync("configmap/settings", "rollout", "{.data.mode}"));
        Assert.Equal("kept", await cluster.JsonPathAsync("deployment/web", "rollout", "{.metadata.labels.extra}"));
        var lastApplied = await cluster.JsonPathAsync("deployment/web", "rollout", "{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}");
        Assert.Contains("\"image\":\"nginx:1.26\"", lastApplied, StringComparison.Ordinal);
        Assert.DoesNotContain("DEBUG", lastApplied, StringComparison.Ordinal);

        var configured = await SnapshotAsync("rollout");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("apply", "-f", revised),
            "namespace/rollout unchanged", "configmap/settings unchanged", "deployment.apps/web unchanged", "service/web unchanged", "pod/worker unchanged");
        Assert.Equal(configured, await SnapshotAsync("rollout"));
    }

    [Fact]
    public async Task ApplyServerSide_SecondManager_ConflictsUntilForced()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("apply", "-f", cluster.WriteFile("ssa-ns.yaml", Manifests.Namespace("ssa"))));
        var first = cluster.WriteFile("ssa-first.yaml", Manifests.ConfigMap("ssa", "owned", "owner", "first"));
        KubectlAssert.StdOutLines(await cluster.RunAsync("apply", "--server-side", "-f", first), "configmap/owned serverside-applied");
        KubectlAssert.StdOutLines(await cluster.RunAsync("apply", "--server-side", "-f", first), "configmap/owned serverside-applied");
        var managed = KubectlAssert.Succeeded(await cluster.RunAsync("get", "configmap", "owned", "-n", "ssa", "-o", "yaml", "--show-managed-fields"));
        KubectlAssert.HasLine(managed, "manager: kubectl");
        KubectlAssert.HasLine(managed, "operation: Apply");
        KubectlAssert.HasLine(managed, "f:owner: \\{\\}");

        var second = cluster.WriteFile("ssa-second.yaml", Manifests.ConfigMap("ssa", "owned", "owner", "second"));
        KubectlAssert.FailedWith(
            await cluster.RunAsync("apply", "--server-side", "--field-manager=other", "-f", second),
            "error: Apply failed with 1 conflict: conflict with \"kubectl\": .data.owner");
        Assert.Equal("first", await cluster.JsonPathAsync("configmap/owned", "ssa", "{.data.owner}"));

        KubectlAssert.StdOutLines(
            await cluster.RunAsync("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", second),
            "configmap/owned serverside-applied");
        Assert.Equal("second other", await cluster.JsonPathAsync("configmap/owned", "ssa", "{.data.owner} {.metadata.managedFields[*].manager}"));
    }

    [Fact]
    public async Task Scale_Deployment_ChangesReplicasUnlessCurrentReplicasDiffer()
    {
        await cluster.ApplyShopAsync("scaling");

        KubectlAssert.StdOutLines(await cluster.RunAsync("scale", "deployment", "web", "-n", "scaling", "--replicas=5"), "deployment.apps/web scaled");
        Assert.Equal("0/5", KubectlTable.Parse(await cluster.OutputAsync("get", "deployment", "web", "-n", "scaling")).Row("web")["READY"]);
        Assert.Equal("5 2", await cluster.JsonPathAsync("deployment/web", "scaling", "{.spec.replicas} {.metadata.generation}"));

        KubectlAssert.FailedWith(
            await cluster.RunAsync("scale", "deployment", "web", "-n", "scaling", "--current-replicas=4", "--replicas=1"),
            "error: Expected replicas to be 4, was 5");
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("scale", "deployment", "web", "-n", "scaling", "--current-replicas=5", "--replicas=1"),
            "deployment.apps/web scaled");
        Assert.Equal("1", (await cluster.OutputAsync("get", "deployment", "web", "-n", "scaling", "--subresource=scale", "-o", "jsonpath={.spec.replicas}")).Trim());
    }

    private Task<string> ContainerSummaryAsync(string ns) => cluster.JsonPathAsync(
        "deployment/web",
        ns,
        "{.spec.template.spec.containers[*].name} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[*].name} generation={.metadata.generation}");

    /// <summary>Identity and version of the shop application's five objects, the namespace first.</summary>
    /// <summary>
    /// The snapshot once the controllers have stopped writing (two in a row, a second apart, the same): a status write
    /// still under way when the node stops would otherwise look like the restart changing an object.
    /// </summary>
    private async Task<string> SettledSnapshotAsync(string ns)
    {
        var previous = await SnapshotAsync(ns);
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(1000);
            var current = await SnapshotAsync(ns);
            if (current == previous)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    private async Task<string> SnapshotAsync(string ns)
    {
        var snapshot = await cluster.OutputAsync("get", "namespace", ns, "-o", "jsonpath=" + Identity)
            + await cluster.OutputAsync("get", "deployments,configmaps,services,pods", "-n", ns, "-o", "jsonpath={range .items[*]}" + Identity + "{end}");
        // The root-ca-cert-publisher's kube-root-ca.crt is in every namespace besides the five.
        snapshot = string.Join('\n', snapshot.Split('\n').Where(l => !l.StartsWith("ConfigMap/kube-root-ca.crt ", StringComparison.Ordinal)));
        var lines = snapshot.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(
            lines.Length == 5 && lines.All(l => IdentityLine().IsMatch(l)),
            "Expected namespace, deployment, configmap, service and pod with uid and resourceVersion:\n" + snapshot);
        return snapshot;
    }

    private Dictionary<string, string> WriteEditor(string name, string command)
    {
        var path = Path.Combine(cluster.WorkDir, name);
        File.WriteAllText(path, "set -e\n" + command + "\n");

        // An editor with a space runs through the shell with the file appended, so the script needs no exec bit.
        return new Dictionary<string, string> { ["KUBE_EDITOR"] = "sh " + path };
    }

    [GeneratedRegex("^[A-Za-z]+/[a-z0-9-]+ uid=[0-9a-f]{8}-[0-9a-f-]{27} rv=[0-9]+ generation=[0-9]*$")]
    private static partial Regex IdentityLine();
}
