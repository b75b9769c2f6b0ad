using System.Text;
using Cluster.Node.Tests.Agent;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.MultiNode;

/// <summary>
/// Logs, exec and port-forward asked of one member for a pod whose node's agent runs on another: the request is passed
/// to that member. Resource metrics asked of one member include every member's agents' measurements.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class CrossMemberStreamTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("multinode-streams-").FullName;

    [PostgresFact]
    public async Task PodOnAnotherMembersNode_LogsExecAndPortForwardThroughTheFirstMember()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(2, new[] { "--agent:runtime=docker" });
        var (first, second) = (cluster.Members[0], cluster.Members[1]);
        var manifest = Path.Combine(_work, "pod.yaml");
        await File.WriteAllTextAsync(manifest, $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: remote, namespace: default}
            spec:
              nodeName: {{{second.Name}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "echo started on the second member; mkdir /www; echo far > /www/index.html; exec httpd -f -p 127.0.0.1:8080 -h /www"]
            """);
        await KubectlAsync(first, "apply", "-f", manifest);
        try
        {
            await KubectlAsync(first, "wait", "--for=condition=Ready", "pod/remote", "--timeout=60s");

            var logs = await KubectlAsync(first, "logs", "remote");
            var exec = await KubectlAsync(first, "exec", "remote", "--", "cat", "/www/index.html");
            using var client = first.Client();
            var output = new StringBuilder();
            var code = await client.NamespacedPodExecAsync("remote", "default", "web", ["sh", "-c", "echo $((40 + 2)); exit 5"], tty: false, async (_, stdout, _) =>
            {
                using var reader = new StreamReader(stdout);
                output.Append(await reader.ReadToEndAsync());
            }, CancellationToken.None);
            using var forward = Start(first, "port-forward", "pod/remote", ":8080");
            var port = await forward.WaitForForwardedPortAsync();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var page = await http.GetStringAsync($"http://127.0.0.1:{port}/");

            Assert.Equal("started on the second member\n", logs);
            Assert.Equal("far\n", exec);
            Assert.Equal((5, "42\n"), (code, output.ToString()));
            Assert.Equal("far\n", page);
        }
        finally
        {
            await KubectlAsync(first, "delete", "pod", "remote", "--timeout=60s");
        }
    }

    [PostgresFact]
    public async Task PodOnAnotherMembersNode_KubectlTopThroughTheFirstMember()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(2, ["--agent:runtime=simulated", "--agent:metrics-interval=1s"]);
        var (first, second) = (cluster.Members[0], cluster.Members[1]);
        var manifest = Path.Combine(_work, "busy.yaml");
        await File.WriteAllTextAsync(manifest, $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: busy, namespace: default, annotations: {simulated.cluster.io/cpu-usage: 250m}}
            spec:
              nodeName: {{{second.Name}}}-sim-1
              containers:
              - {name: app, image: simulated}
            """);
        await KubectlAsync(first, "apply", "-f", manifest);
        await KubectlAsync(first, "wait", "--for=condition=Ready", "pod/busy", "--timeout=60s");

        // The second member's agent measures the pod; the first serves it (and both members' nodes) as metrics-server would.
        var top = "";
        for (var i = 0; i < 120 && !top.Contains("busy", StringComparison.Ordinal); i++)
        {
            using var kubectl = Start(first, "top", "pod", "busy", "--no-headers");
            top = (await kubectl.WaitForExitAsync(KubectlCluster.CallTimeout)).StdOut;
            await Task.Delay(500);
        }

        Assert.StartsWith("busy", top, StringComparison.Ordinal);
        var nodes = await KubectlAsync(first, "top", "nodes", "--no-headers");
        Assert.Contains(first.Name + "-sim-1", nodes, StringComparison.Ordinal);
        Assert.Contains(second.Name + "-sim-1", nodes, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private KubectlProcess Start(MultiNodeCluster.Member member, params string[] args)
    {
        var home = Path.Combine(_work, "home-" + member.Name);
        Directory.CreateDirectory(home);
        return KubectlProcess.Start(new Dictionary<string, string> { ["KUBECONFIG"] = member.Kubeconfig, ["HOME"] = home }, _work, args);
    }

    private async Task<string> KubectlAsync(MultiNodeCluster.Member member, params string[] args)
    {
        using var kubectl = Start(member, args);
        return KubectlAssert.Succeeded(await kubectl.WaitForExitAsync(KubectlCluster.CallTimeout)).StdOut;
    }
}
