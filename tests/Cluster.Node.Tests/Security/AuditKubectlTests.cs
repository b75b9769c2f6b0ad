using System.Text.Json.Nodes;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Security;

/// <summary>The audit log a node writes by default (DATA-DIR/audit.log, every request at Metadata), read after real kubectl calls.</summary>
public sealed class AuditKubectlTests(SecureCluster cluster) : IClassFixture<SecureCluster>
{
    [Fact]
    public async Task UserCreateAndForbiddenDelete_RecordedWithUserVerbAndCode()
    {
        await cluster.IssueKubeconfigAsync("--user", "alice", "--group", "dev", "--context", "alice-edit");
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "rolebinding", "alice-edit", "-n", "default", "--clusterrole=edit", "--user=alice"));

        KubectlAssert.Succeeded(await cluster.AsAsync("alice-edit", "create", "configmap", "audited", "-n", "default", "--from-literal=k=v"));
        KubectlAssert.FailedWith(await cluster.AsAsync("alice-edit", "delete", "configmap", "elsewhere", "-n", "kube-system"), "(Forbidden)");

        var created = await EventAsync(e => Is(e, "create", 201) && (string?)e["objectRef"]?["namespace"] == "default");
        Assert.Equal("v1", (string)created["objectRef"]!["apiVersion"]!);
        Assert.Equal("allow", (string)created["annotations"]!["authorization.k8s.io/decision"]!);
        Assert.Contains("dev", created["user"]!["groups"]!.AsArray().Select(g => (string)g!));
        Assert.Equal("Metadata", (string)created["level"]!);
        Assert.Null(created["requestObject"]);

        var forbidden = await EventAsync(e => Is(e, "delete", 403));
        Assert.Equal(("forbid", "Forbidden", "elsewhere"), ((string)forbidden["annotations"]!["authorization.k8s.io/decision"]!, (string)forbidden["responseStatus"]!["reason"]!, (string)forbidden["objectRef"]!["name"]!));

        // Every event of the request shares its ID, as the Audit-Id header gives it.
        var stages = (await EventsAsync()).Where(e => (string)e["auditID"]! == (string)forbidden["auditID"]!).Select(e => (string)e["stage"]!);
        Assert.Equal(["RequestReceived", "ResponseComplete"], stages);
    }

    private static bool Is(JsonNode e, string verb, int code) =>
        (string?)e["user"]?["username"] == "alice" && (string?)e["verb"] == verb && (string?)e["objectRef"]?["resource"] == "configmaps"
        && (string?)e["stage"] == "ResponseComplete" && (int?)e["responseStatus"]?["code"] == code;

    /// <summary>The first event that matches; the log is written in the background, so it is read again until one does.</summary>
    private async Task<JsonNode> EventAsync(Func<JsonNode, bool> match)
    {
        var deadline = DateTime.UtcNow + KubectlCluster.CallTimeout;
        while (true)
        {
            if ((await EventsAsync()).FirstOrDefault(match) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "no such event in " + Path.Combine(cluster.DataDir, "audit.log"));
            await Task.Delay(100);
        }
    }

    private async Task<List<JsonNode>> EventsAsync()
    {
        var path = Path.Combine(cluster.DataDir, "audit.log");
        if (!File.Exists(path))
        {
            return [];
        }

        // The node appends while this reads: a last line without its newline is not complete yet.
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file);
        var text = await reader.ReadToEndAsync();
        return [.. text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];
    }
}
