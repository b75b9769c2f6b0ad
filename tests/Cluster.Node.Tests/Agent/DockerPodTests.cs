using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Agent;

/// <summary>Pods bound to the node run as real Docker containers: shared localhost, restarts with back-off, status, deletion, adoption after a crash.</summary>
public sealed partial class DockerPodTests(DockerCluster cluster) : IClassFixture<DockerCluster>
{
    private async Task<string> CreateAsync(string ns, string manifest)
    {
        await cluster.RunAsync("create", "namespace", ns);
        var file = cluster.WriteFile(ns + ".yaml", manifest.Replace("NODE", cluster.NodeName, StringComparison.Ordinal));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "-n", ns, "-f", file));
        return file;
    }

    [Fact]
    public async Task TwoContainers_ShareLocalhost_AndServeOnThePodIp()
    {
        await CreateAsync("agent-web", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              nodeName: NODE
              terminationGracePeriodSeconds: 2
              containers:
              - name: web
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "echo hello from $(POD_NAME) > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"]
                env:
                - name: POD_NAME
                  valueFrom: {fieldRef: {fieldPath: metadata.name}}
              - name: side
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "until wget -qO /tmp/got http://localhost:8080/; do sleep 0.2; done; cp /tmp/got /tmp/index.html; exec httpd -f -p 8081 -h /tmp"]
            """);

        var phase = await cluster.UntilAsync("web", "agent-web", "{.status.phase} {.status.conditions[?(@.type=='Ready')].status}", v => v == "Running True");
        var ip = await cluster.JsonPathAsync("pod/web", "agent-web", "{.status.podIP}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("Running True", phase);
        Assert.Equal("hello from web", (await RetryGetAsync(http, $"http://{ip}:8081/")).Trim());
        Assert.Equal("true true 0 0", await cluster.JsonPathAsync("pod/web", "agent-web", "{.status.containerStatuses[0].ready} {.status.containerStatuses[1].ready} {.status.containerStatuses[0].restartCount} {.status.containerStatuses[1].restartCount}"));
    }

    [Fact]
    public async Task Deployment_ScheduledOnTheDockerNode_ItsPodsRunAndAnswerHttp()
    {
        await CreateAsync("agent-deploy", $$$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: hello}
            spec:
              replicas: 2
              selector: {matchLabels: {app: hello}}
              template:
                metadata: {labels: {app: hello}}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: web
                    image: {{{DockerCluster.Image}}}
                    command: ["sh", "-c", "echo hello from $(POD_NAME) > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"]
                    env:
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    readinessProbe:
                      httpGet: {path: /, port: 8080}
                      periodSeconds: 1
            """);

        KubectlAssert.Succeeded(await cluster.RunAsync("rollout", "status", "deployment/hello", "-n", "agent-deploy", "--timeout=90s"));
        var pods = (await cluster.RunAsync("get", "pods", "-n", "agent-deploy", "-l", "app=hello", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.podIP}={.spec.nodeName} {end}"))
            .StdOut.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToList();

        Assert.True(pods.Count == 2, (await cluster.RunAsync("get", "rs,pods", "-n", "agent-deploy", "-o", "wide", "--show-labels")).StdOut);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var pod in pods)
        {
            Assert.Equal(cluster.NodeName, pod[2]);
            Assert.Equal("hello from " + pod[0], (await RetryGetAsync(http, $"http://{pod[1]}:8080/")).Trim());
        }

        // The garbage collector takes the ReplicaSet and its pods with the Deployment.
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "deployment", "hello", "-n", "agent-deploy", "--cascade=foreground", "--timeout=60s"));
        var left = "";
        for (var i = 0; i < 150; i++)
        {
            left = (await cluster.RunAsync("get", "replicasets,pods", "-n", "agent-deploy", "-o", "name")).StdOut.Trim();
            if (left.Length == 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal("", left);
    }

    [Fact]
    public async Task CrashingContainer_ReachesCrashLoopBackOff_WithGrowingDelays()
    {
        await CreateAsync("agent-crash", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: crash}
            spec:
              nodeName: NODE
              containers:
              - name: crash
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "echo dying; exit 3"]
            """);

        var restarts = await cluster.UntilAsync("crash", "agent-crash", "{.status.containerStatuses[0].restartCount}", v => int.TryParse(v, out var n) && n >= 3, seconds: 40);
        // Reason and message read together: between two reads the container may already have been restarted.
        var waitingState = await cluster.UntilAsync("crash", "agent-crash", "{.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}", v => v.StartsWith("CrashLoopBackOff|", StringComparison.Ordinal));
        var waiting = waitingState.Split('|')[0];
        var message = waitingState[(waiting.Length + 1)..];
        var last = await cluster.JsonPathAsync("pod/crash", "agent-crash", "{.status.containerStatuses[0].lastState.terminated.exitCode} {.status.containerStatuses[0].lastState.terminated.reason}");

        Assert.True(int.Parse(restarts, System.Globalization.CultureInfo.InvariantCulture) >= 3);
        Assert.Equal("CrashLoopBackOff", waiting);
        Assert.Matches("^back-off [24]s restarting failed container=crash pod=crash_agent-crash\\(", message);
        Assert.Equal("3 Error", last);

        // The kubelet's container GC: the running or newest container and one dead one per container, not one per restart.
        var uid = await cluster.JsonPathAsync("pod/crash", "agent-crash", "{.metadata.uid}");
        Assert.InRange((await DockerCluster.ContainersOfAsync(uid)).Length, 2, 3);
    }

    [Fact]
    public async Task ServiceVariables_TheKubernetesServiceAlways_TheNamespacesUnlessLinksAreOff()
    {
        await CreateAsync("agent-svcenv", $$$"""
            apiVersion: v1
            kind: Service
            metadata: {name: web-api}
            spec:
              ports: [{name: http, port: 8080}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: linked}
            spec:
              nodeName: NODE
              restartPolicy: Never
              containers:
              - name: main
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT $WEB_API_SERVICE_HOST $WEB_API_SERVICE_PORT_HTTP $WEB_API_PORT $DERIVED"]
                env: [{name: DERIVED, value: "api=$(WEB_API_SERVICE_HOST)"}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: unlinked}
            spec:
              nodeName: NODE
              restartPolicy: Never
              enableServiceLinks: false
              containers:
              - name: main
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT [$WEB_API_SERVICE_HOST]"]
            """);
        var kubernetes = await cluster.JsonPathAsync("service/kubernetes", "default", "{.spec.clusterIP}");
        var web = await cluster.JsonPathAsync("service/web-api", "agent-svcenv", "{.spec.clusterIP}");

        foreach (var pod in new[] { "linked", "unlinked" })
        {
            await cluster.UntilAsync(pod, "agent-svcenv", "{.status.phase}", v => v == "Succeeded");
        }

        Assert.Equal($"{kubernetes}:443 {web} 8080 tcp://{web}:8080 api={web}", KubectlAssert.Succeeded(await cluster.RunAsync("logs", "linked", "-n", "agent-svcenv")).StdOut.Trim());
        Assert.Equal($"{kubernetes}:443 []", KubectlAssert.Succeeded(await cluster.RunAsync("logs", "unlinked", "-n", "agent-svcenv")).StdOut.Trim());
    }

    [Fact]
    public async Task RestartPolicyNever_ContainersExitZero_PodSucceedsAndReasonCompleted()
    {
        await CreateAsync("agent-done", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: done}
            spec:
              nodeName: NODE
              restartPolicy: Never
              containers:
              - name: job
                image: {{{DockerCluster.Image}}}
                command: ["true"]
            """);

        Assert.Equal("Succeeded", await cluster.UntilAsync("done", "agent-done", "{.status.phase}", v => v == "Succeeded"));
        Assert.Equal("0 Completed", await cluster.JsonPathAsync("pod/done", "agent-done", "{.status.containerStatuses[0].state.terminated.exitCode} {.status.containerStatuses[0].state.terminated.reason}"));
    }

    [Fact]
    public async Task MissingConfigMapKey_CreateContainerConfigError()
    {
        await CreateAsync("agent-config", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: conf}
            spec:
              nodeName: NODE
              containers:
              - name: app
                image: {{{DockerCluster.Image}}}
                command: ["sleep", "3600"]
                env:
                - name: MODE
                  valueFrom: {configMapKeyRef: {name: settings, key: mode}}
            """);

        Assert.Equal("CreateContainerConfigError", await cluster.UntilAsync("conf", "agent-config", "{.status.containerStatuses[0].state.waiting.reason}", v => v.Length > 0));
        Assert.Equal("configmap \"settings\" not found", await cluster.JsonPathAsync("pod/conf", "agent-config", "{.status.containerStatuses[0].state.waiting.message}"));
        Assert.Equal("Pending", await cluster.JsonPathAsync("pod/conf", "agent-config", "{.status.phase}"));

        // Once the ConfigMap exists, the container starts.
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "configmap", "settings", "-n", "agent-config", "--from-literal=mode=fast"));
        Assert.Equal("Running", await cluster.UntilAsync("conf", "agent-config", "{.status.phase}", v => v == "Running"));
    }

    [Fact]
    public async Task DeletePod_StopsAndRemovesItsContainers_ThenTheObjectGoes()
    {
        await CreateAsync("agent-delete", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: gone}
            spec:
              nodeName: NODE
              terminationGracePeriodSeconds: 5
              containers:
              - name: app
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
            """);
        await cluster.UntilAsync("gone", "agent-delete", "{.status.phase}", v => v == "Running");
        var uid = await cluster.JsonPathAsync("pod/gone", "agent-delete", "{.metadata.uid}");
        Assert.Equal(2, (await DockerCluster.ContainersOfAsync(uid)).Length);

        var started = DateTime.UtcNow;
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pod", "gone", "-n", "agent-delete", "--timeout=30s"));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the delete took longer than the grace period allows");
        Assert.Empty(await DockerCluster.ContainersOfAsync(uid));
    }

    [Fact]
    public async Task KillTheNodeProcess_StartItAgain_RunningPodIsAdoptedNotRecreated()
    {
        await CreateAsync("agent-adopt", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: keep}
            spec:
              nodeName: NODE
              terminationGracePeriodSeconds: 2
              containers:
              - name: app
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
            """);
        await cluster.UntilAsync("keep", "agent-adopt", "{.status.phase}", v => v == "Running");
        var uid = await cluster.JsonPathAsync("pod/keep", "agent-adopt", "{.metadata.uid}");
        var before = await DockerCluster.ContainersOfAsync(uid, all: false);

        await cluster.KillAndStartAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(2, before.Length);
        Assert.Equal(before, await DockerCluster.ContainersOfAsync(uid, all: false));
        Assert.Equal("Running 0", await cluster.JsonPathAsync("pod/keep", "agent-adopt", "{.status.phase} {.status.containerStatuses[0].restartCount}"));
    }

    [Fact]
    public async Task KubectlLogs_TailTimestampsPreviousFollowAndErrors()
    {
        await CreateAsync("agent-logs", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: talk}
            spec:
              nodeName: NODE
              terminationGracePeriodSeconds: 1
              containers:
              - name: count
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "for i in 1 2 3; do echo line $i; done; trap 'exit 0' TERM; while true; do sleep 0.2; done"]
              - name: once
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "echo run at $(date +%s%N); sleep 0.5; exit 1"]
            """);
        await cluster.UntilAsync("talk", "agent-logs", "{.status.containerStatuses[1].restartCount}", v => int.TryParse(v, out var n) && n >= 1);

        KubectlAssert.StdOutLines(await cluster.RunAsync("logs", "talk", "-n", "agent-logs", "-c", "count"), "line 1", "line 2", "line 3");
        KubectlAssert.StdOutLines(await cluster.RunAsync("logs", "talk", "-n", "agent-logs", "-c", "count", "--tail=1"), "line 3");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line 3\n$", (await cluster.RunAsync("logs", "talk", "-n", "agent-logs", "-c", "count", "--tail=1", "--timestamps")).StdOut);
        var previous = await cluster.RunAsync("logs", "talk", "-n", "agent-logs", "-c", "once", "--previous");
        Assert.StartsWith("run at ", previous.StdOut, StringComparison.Ordinal);
        KubectlAssert.FailedWith(await cluster.RunAsync("get", "--raw", "/api/v1/namespaces/agent-logs/pods/talk/log"), "a container name must be specified for pod talk, choose one of: [count once]");
        KubectlAssert.FailedWith(await cluster.RunAsync("logs", "talk", "-n", "agent-logs", "-c", "nope"), "container nope is not valid for pod talk");
        KubectlAssert.FailedWith(await cluster.RunAsync("logs", "talk", "-n", "agent-logs", "-c", "count", "--previous"), "previous terminated container \"count\" in pod \"talk\" not found");

        // follow: the stream stays open while the container runs, so kubectl is still running (and is stopped) after 2 s.
        using var follow = cluster.StartBackground("logs", "-f", "talk", "-n", "agent-logs", "-c", "count");
        var stillRunning = await Assert.ThrowsAsync<TimeoutException>(() => follow.WaitForExitAsync(TimeSpan.FromSeconds(2)));
        Assert.Contains("line 3", stillRunning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probes_ReadinessGatesReady_FailingLivenessRestartsTheContainer()
    {
        await CreateAsync("agent-probes", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: probed}
            spec:
              nodeName: NODE
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "touch /tmp/healthy; sleep 2; mkdir -p /www; echo ok > /www/index.html; httpd -p 8080 -h /www; sleep 3; rm /tmp/healthy; trap 'exit 0' TERM; while true; do sleep 0.2; done"]
                readinessProbe:
                  httpGet: {path: /, port: 8080}
                  periodSeconds: 1
                livenessProbe:
                  exec: {command: ["test", "-f", "/tmp/healthy"]}
                  periodSeconds: 1
                  failureThreshold: 2
            """);

        // Running but not ready until httpd answers; then ready; then the liveness probe fails and the container is
        // stopped (its TERM trap exits 0) and started again.
        Assert.Equal("Running false", await cluster.UntilAsync("probed", "agent-probes", "{.status.phase} {.status.containerStatuses[0].ready}", v => v == "Running false"));
        Assert.Equal("true True", await cluster.UntilAsync("probed", "agent-probes", "{.status.containerStatuses[0].ready} {.status.conditions[?(@.type=='Ready')].status}", v => v == "true True"));
        Assert.Equal("1", await cluster.UntilAsync("probed", "agent-probes", "{.status.containerStatuses[0].restartCount}", v => v == "1"));
        Assert.Equal("0 Completed", await cluster.JsonPathAsync("pod/probed", "agent-probes", "{.status.containerStatuses[0].lastState.terminated.exitCode} {.status.containerStatuses[0].lastState.terminated.reason}"));
    }

    [Fact]
    public async Task Volumes_ConfigMapUpdateSeenSecretEmptyDirsSharedDownwardApi_AndGoneWithThePod()
    {
        const string ns = "agent-volumes";
        await cluster.RunAsync("create", "namespace", ns);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "configmap", "conf", "-n", ns, "--from-literal=mode=fast"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "secret", "generic", "sec", "-n", ns, "--from-literal=password=hunter2"));
        await CreateAsync(ns, $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: vols, labels: {app: vols}}
            spec:
              nodeName: NODE
              terminationGracePeriodSeconds: 1
              volumes:
              - {name: conf, configMap: {name: conf}}
              - {name: sec, secret: {secretName: sec}}
              - {name: scratch, emptyDir: {}}
              - {name: mem, emptyDir: {medium: Memory}}
              - name: info
                downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}
              containers:
              - name: writer
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "echo shared > /scratch/x; echo inmem > /mem/y; trap 'exit 0' TERM; while true; do sleep 0.2; done"]
                volumeMounts: [{name: scratch, mountPath: /scratch}, {name: mem, mountPath: /mem}]
              - name: reader
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "mkdir -p /www; trap 'exit 0' TERM; while true; do { cat /conf/mode; echo; cat /sec/password; echo; cat /scratch/x /mem/y /info/name; } > /www/index.html 2>&1; sleep 0.2; done & httpd -f -p 8080 -h /www"]
                volumeMounts:
                - {name: conf, mountPath: /conf}
                - {name: sec, mountPath: /sec, readOnly: true}
                - {name: scratch, mountPath: /scratch}
                - {name: mem, mountPath: /mem}
                - {name: info, mountPath: /info}
            """);
        await cluster.UntilAsync("vols", ns, "{.status.phase}", v => v == "Running");
        var ip = await cluster.JsonPathAsync("pod/vols", ns, "{.status.podIP}");
        var uid = await cluster.JsonPathAsync("pod/vols", ns, "{.metadata.uid}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        Assert.Equal("fast\nhunter2\nshared\ninmem\nvols", await UntilBodyAsync(http, $"http://{ip}:8080/", b => b.EndsWith("vols", StringComparison.Ordinal)));
        KubectlAssert.Succeeded(await cluster.RunAsync("patch", "configmap", "conf", "-n", ns, "--type=merge", "-p", """{"data":{"mode":"slow"}}"""));
        // The reader rewrites the page in place every 0.2 s, so a response may catch it half written: wait for a whole one.
        Assert.Equal("slow\nhunter2\nshared\ninmem\nvols", await UntilBodyAsync(http, $"http://{ip}:8080/", b => b.StartsWith("slow\n", StringComparison.Ordinal) && b.EndsWith("vols", StringComparison.Ordinal)));

        var podDir = Path.Combine(cluster.DataDir, "pods", uid);
        Assert.True(Directory.Exists(podDir));
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pod", "vols", "-n", ns));
        Assert.False(Directory.Exists(podDir), "the pod's volumes outlived it");
        Assert.DoesNotContain(podDir, await File.ReadAllTextAsync("/proc/self/mounts"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemoryLimitExceeded_OomKilled_AndAMissingImage_ErrImagePullThenImagePullBackOff()
    {
        await CreateAsync("agent-limits", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: oom}
            spec:
              nodeName: NODE
              restartPolicy: Never
              containers:
              - name: hog
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived"]
                resources:
                  limits: {memory: 20Mi}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: absent}
            spec:
              nodeName: NODE
              containers:
              - name: app
                image: registry.example.invalid/absent:1
            """);

        Assert.Equal("Failed OOMKilled 137", await cluster.UntilAsync("oom", "agent-limits", "{.status.phase} {.status.containerStatuses[0].state.terminated.reason} {.status.containerStatuses[0].state.terminated.exitCode}", v => v.StartsWith("Failed", StringComparison.Ordinal)));
        // ErrImagePull with Docker's message right after each failed pull, ImagePullBackOff until the next one is due.
        var pulled = await cluster.UntilAsync("absent", "agent-limits", "{.status.containerStatuses[0].state.waiting.reason}:{.status.containerStatuses[0].state.waiting.message}", v => v.StartsWith("ErrImagePull:", StringComparison.Ordinal), seconds: 60);
        Assert.Contains("failed to pull image \"registry.example.invalid/absent:1\"", pulled, StringComparison.Ordinal);
        // Reason and message read together: with a 1 s back-off the next pull may come between two reads.
        var backingOff = await cluster.UntilAsync("absent", "agent-limits", "{.status.containerStatuses[0].state.waiting.reason}:{.status.containerStatuses[0].state.waiting.message}", v => v.StartsWith("ImagePullBackOff:", StringComparison.Ordinal));
        Assert.Equal("ImagePullBackOff:Back-off pulling image \"registry.example.invalid/absent:1\"", backingOff);
    }

    [Fact]
    public async Task KubectlTop_NodesAndPodContainers_ShowMeasuredUsage()
    {
        await CreateAsync("agent-top", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: burn, labels: {app: burn}}
            spec:
              nodeName: NODE
              terminationGracePeriodSeconds: 1
              containers:
              - name: spin
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do :; done"]
                resources:
                  limits: {cpu: 300m}
              - name: idle
                image: {{{DockerCluster.Image}}}
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
            """);
        await cluster.UntilAsync("burn", "agent-top", "{.status.phase}", v => v == "Running");

        KubectlTable? pods = null;
        for (var i = 0; i < 60 && pods is null; i++)
        {
            var result = await cluster.RunAsync("top", "pods", "-n", "agent-top", "--containers", "-l", "app=burn");
            // Each container has a CPU figure from its second sample on: wait until both have one.
            if (result.ExitCode == 0 && result.StdOut.Contains("spin", StringComparison.Ordinal) && result.StdOut.Contains("idle", StringComparison.Ordinal))
            {
                pods = KubectlTable.Parse(result.StdOut);
            }
            else
            {
                await Task.Delay(500);
            }
        }

        Assert.NotNull(pods);
        var spin = pods.Rows.Single(r => r["NAME"] == "spin");
        Assert.Equal("burn", spin["POD"]);
        Assert.True(Millicores(spin["CPU(cores)"]) >= 100, "a spinning container uses CPU: " + spin["CPU(cores)"]);
        Assert.EndsWith("Mi", spin["MEMORY(bytes)"], StringComparison.Ordinal);
        Assert.Contains(pods.Rows, r => r["NAME"] == "idle");

        var nodes = KubectlTable.Parse(await cluster.OutputAsync("top", "nodes"));
        var node = nodes.Row(cluster.NodeName);
        Assert.True(Millicores(node["CPU(cores)"]) >= 100, "the node runs the spinning container: " + node["CPU(cores)"]);
        Assert.EndsWith("%", node["MEMORY(%)"], StringComparison.Ordinal);
    }

    private static long Millicores(string cpu) =>
        cpu.EndsWith('m') ? long.Parse(cpu[..^1], System.Globalization.CultureInfo.InvariantCulture) : long.Parse(cpu, System.Globalization.CultureInfo.InvariantCulture) * 1000;

    private static async Task<string> UntilBodyAsync(HttpClient http, string url, Func<string, bool> done)
    {
        var body = "";
        for (var attempt = 0; attempt < 100 && !done(body); attempt++)
        {
            try
            {
                body = (await http.GetStringAsync(new Uri(url))).Trim();
            }
            catch (HttpRequestException)
            {
            }

            if (!done(body))
            {
                await Task.Delay(200);
            }
        }

        return body;
    }

    private static async Task<string> RetryGetAsync(HttpClient http, string url)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(new Uri(url));
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(200);
            }
        }
    }
}
