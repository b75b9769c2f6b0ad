using System.Text;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Agent;

/// <summary>kubectl exec, cp and attach (WebSocket v5.channel.k8s.io) and the official C# client's exec (v4) against real containers.</summary>
public sealed partial class DockerPodTests
{
    [Fact]
    public async Task KubectlExec_OutputStdinExitCodesAndCpBothWays()
    {
        const string ns = "agent-exec";
        await CreateAsync(ns, IdlePod("box", "app", "other"));
        await cluster.UntilAsync("box", ns, "{.status.phase}", v => v == "Running");

        var failed = await cluster.RunAsync("exec", "box", "-n", ns, "-c", "app", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        var piped = await cluster.RunWithInputAsync("first line\nsecond line\n", "exec", "-i", "box", "-n", ns, "-c", "app", "--", "sh", "-c", "cat; echo stdin closed");
        var badContainer = await cluster.RunAsync("exec", "box", "-n", ns, "-c", "nope", "--", "true");
        var notUpgraded = await cluster.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/box/exec?container=app&command=true&stdout=true");
        var noCommand = await cluster.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/box/exec?container=app&stdout=true");
        var noStreams = await cluster.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/box/exec?container=app&command=true");

        Assert.Equal(3, failed.ExitCode);
        Assert.Equal("out\n", failed.StdOut);
        Assert.Contains("err\n", failed.StdErr, StringComparison.Ordinal);
        Assert.Contains("command terminated with exit code 3", failed.StdErr, StringComparison.Ordinal);
        KubectlAssert.StdOutLines(piped, "first line", "second line", "stdin closed");
        KubectlAssert.FailedWith(badContainer, "container nope is not valid for pod box");
        KubectlAssert.FailedWith(notUpgraded, "Upgrade request required");
        KubectlAssert.FailedWith(noCommand, "you must specify at least one command for the container");
        KubectlAssert.FailedWith(noStreams, "you must specify at least 1 of stdin, stdout, stderr");

        // kubectl cp is tar over exec: into the pod with stdin closed at the end, and back out on stdout.
        var local = Path.Combine(cluster.WorkDir, "cp-out");
        Directory.CreateDirectory(local);
        var blob = new byte[300_000];
        new Random(11).NextBytes(blob);
        await File.WriteAllBytesAsync(Path.Combine(local, "blob.bin"), blob);
        await File.WriteAllTextAsync(Path.Combine(local, "note.txt"), "a note\n");
        KubectlAssert.Succeeded(await cluster.RunAsync("cp", local, ns + "/box:/tmp/copied", "-c", "other"));
        var listed = await cluster.RunAsync("exec", "box", "-n", ns, "-c", "other", "--", "sh", "-c", "wc -c < /tmp/copied/blob.bin; cat /tmp/copied/note.txt");
        var back = Path.Combine(cluster.WorkDir, "cp-back");
        KubectlAssert.Succeeded(await cluster.RunAsync("cp", ns + "/box:/tmp/copied", back, "-c", "other"));

        KubectlAssert.StdOutLines(listed, "300000", "a note");
        Assert.Equal(blob, await File.ReadAllBytesAsync(Path.Combine(back, "blob.bin")));
    }

    [Fact]
    public async Task KubectlAttach_FeedsStdinAndStreamsOutputUntilTheContainerEnds()
    {
        const string ns = "agent-attach";
        await CreateAsync(ns, $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: reader}
            spec:
              nodeName: NODE
              restartPolicy: Never
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{{DockerCluster.Image}}}
                stdin: true
                stdinOnce: true
                command: ["sh", "-c", "while read line; do echo got:$line; done; echo bye"]
            """);
        await cluster.UntilAsync("reader", ns, "{.status.phase}", v => v == "Running");

        var attached = await cluster.RunWithInputAsync("one\ntwo\n", "attach", "-i", "reader", "-n", ns);

        KubectlAssert.StdOutLines(KubectlAssert.Succeeded(attached), "got:one", "got:two", "bye");
        Assert.Equal("Succeeded", await cluster.UntilAsync("reader", ns, "{.status.phase}", v => v == "Succeeded"));
    }

    [Fact]
    public async Task ClientExec_WithATty_RunsOnATerminalAndReportsTheExitCode()
    {
        const string ns = "agent-tty";
        await CreateAsync(ns, IdlePod("term", "app"));
        await cluster.UntilAsync("term", ns, "{.status.phase}", v => v == "Running");
        using var client = cluster.Client();
        var output = new StringBuilder();

        // The official client speaks v4.channel.k8s.io, the protocol before v5.
        var exitCode = await client.NamespacedPodExecAsync("term", ns, "app", ["sh", "-c", "tty; echo $((6 * 7)); exit 4"], tty: true, async (stdin, stdout, stderr) =>
        {
            using var reader = new StreamReader(stdout);
            output.Append(await reader.ReadToEndAsync());
        }, CancellationToken.None);

        Assert.Equal(4, exitCode);
        Assert.Equal(["/dev/pts/0", "42"], output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task ExecOverTheFirstChannelProtocol_OutputThenTheErrorAsText()
    {
        const string ns = "agent-exec-v1";
        await CreateAsync(ns, IdlePod("old", "app"));
        await cluster.UntilAsync("old", ns, "{.status.phase}", v => v == "Running");
        using var client = cluster.Client();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.AddSubProtocol("channel.k8s.io");
        cluster.UseAdminCredentials(socket.Options);
        var query = "container=app&stdout=true&stderr=true&command=sh&command=-c&command=" + Uri.EscapeDataString("echo hi; exit 3");
        await socket.ConnectAsync(new Uri($"wss://{client.BaseUri.Authority}/api/v1/namespaces/{ns}/pods/old/exec?{query}"), CancellationToken.None);
        var received = new List<(int Channel, string Text)>();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                break;
            }

            received.Add((buffer[0], Encoding.UTF8.GetString(buffer, 1, result.Count - 1)));
        }

        Assert.Equal("channel.k8s.io", socket.SubProtocol);
        Assert.Equal([(1, "hi\n"), (3, "command terminated with non-zero exit code: exit code 3")], received);
    }

    [Fact]
    public async Task KubectlPortForward_OverWebSocketAndPlainSpdy_ReachesTheLoopbackOfThePod_AndReportsARefusedPort()
    {
        const string ns = "agent-forward";
        await CreateAsync(ns, $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: fwd}
            spec:
              nodeName: NODE
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "mkdir /www; echo inside > /www/index.html; head -c 500000 /dev/zero | tr '\\0' x > /www/big; exec httpd -f -p 127.0.0.1:8080 -h /www"]
            """);
        await cluster.UntilAsync("fwd", ns, "{.status.phase}", v => v == "Running");

        // Running is not listening: on a loaded machine the shell may still be writing /www/big. A connection the pod
        // refuses ends kubectl's port-forward (as the refused port below shows), so the forward waits for httpd.
        await Security.Poll.UntilAsync(
            async () => (await cluster.RunAsync("exec", "fwd", "-n", ns, "--", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/")).ExitCode == 0,
            "httpd listening inside the pod");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        foreach (var websockets in new[] { "true", "false" })
        {
            using var forward = cluster.StartBackgroundWithEnvironment(new Dictionary<string, string> { ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = websockets }, "port-forward", "pod/fwd", "-n", ns, ":8080");
            var port = await forward.WaitForForwardedPortAsync();

            // httpd listens on the pod's 127.0.0.1 only: the forwarded connection starts inside the pod's network namespace.
            var inside = await RetryGetAsync(http, $"http://127.0.0.1:{port}/");

            Assert.Equal("inside", inside.Trim());
            Assert.Equal(new string('x', 500_000), await http.GetStringAsync($"http://127.0.0.1:{port}/big"));
        }

        using var refused = cluster.StartBackground("port-forward", "pod/fwd", "-n", ns, ":9999");
        var refusedPort = await refused.WaitForForwardedPortAsync();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync($"http://127.0.0.1:{refusedPort}/"));
        var ended = await refused.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.NotEqual(0, ended.ExitCode);
        Assert.Contains("error forwarding port 9999 to pod fwd", ended.StdErr, StringComparison.Ordinal);
        Assert.Contains("lost connection to pod", ended.StdErr, StringComparison.Ordinal);
    }

    /// <summary>A pod whose containers idle until SIGTERM (a target for exec).</summary>
    private static string IdlePod(string name, params string[] containers) =>
        $"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  nodeName: NODE\n  terminationGracePeriodSeconds: 1\n  containers:\n"
        + string.Concat(containers.Select(c => $"  - name: {c}\n    image: {DockerCluster.Image}\n    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 0.2; done\"]\n"));
}
