using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Cluster.Node.Tests.Agent;
using Cluster.Node.Tests.Kubectl;
using Cluster.Node.Tests.Security;

namespace Cluster.Node.Tests.Proxy;

/// <summary>The host's iptables rules are one per machine: the tests that program them run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IptablesCollection
{
    public const string Name = "iptables";
}

/// <summary>
/// The service proxy in iptables mode and cluster DNS on a real-Docker node, with real packets: pods reach a Service by
/// name from another pod, traffic follows the endpoints, node ports answer on the host, and the rules survive a restart
/// without duplicates and go with a clean stop.
/// </summary>
[Collection(IptablesCollection.Name)]
public sealed class ServiceProxyDockerTests(ServiceProxyDockerTests.Cluster cluster) : IClassFixture<ServiceProxyDockerTests.Cluster>
{
    [Fact]
    public async Task Service_ThreeReplicas_ClientPodReachesEveryPodByName_ThenTrafficFollowsScaling()
    {
        const string ns = "px-scale";
        await ApplyAsync(ns, 3);
        await cluster.RunClientAsync(ns);

        Assert.Equal(3, (await SeenAsync(ns, "web", want: 3)).Count);

        Assert.Equal(0, (await cluster.RunAsync("scale", "deployment/web", "-n", ns, "--replicas=1")).ExitCode);
        await UntilOnlyAsync(ns, 1);

        Assert.Equal(0, (await cluster.RunAsync("scale", "deployment/web", "-n", ns, "--replicas=5")).ExitCode);
        Assert.Equal(5, (await SeenAsync(ns, "web", want: 5)).Count);
    }

    [Fact]
    public async Task PodFailingReadiness_GetsNoTraffic()
    {
        const string ns = "px-ready";
        await ApplyAsync(ns, 2, readiness: true);
        await cluster.RunClientAsync(ns);
        var pods = await PodNamesAsync(ns, 2);
        Assert.Equal(0, (await cluster.RunAsync("exec", "-n", ns, pods[0], "--", "touch", "/ready")).ExitCode);

        // Only the ready pod is an endpoint: twenty requests in a row all land on it.
        await UntilOnlyAsync(ns, 1);
        Assert.Equal([pods[0]], await SeenAsync(ns, "web", want: 1, tries: 20));
    }

    [Fact]
    public async Task NodePort_AnswersOnLoopbackAndTheNodeAddress_AndAServiceWithoutEndpointsRefusesAtOnce()
    {
        const string ns = "px-nodeport";
        await ApplyAsync(ns, 1);
        var nodePort = int.Parse(await cluster.JsonPathAsync("service/web", ns, "{.spec.ports[0].nodePort}"), CultureInfo.InvariantCulture);
        var nodeAddress = await cluster.JsonPathAsync("node/" + cluster.NodeName, "", "{.status.addresses[?(@.type==\"InternalIP\")].address}");
        var pod = (await PodNamesAsync(ns))[0];

        foreach (var address in new[] { "127.0.0.1", nodeAddress })
        {
            Assert.Equal(pod, await UntilAnswerAsync(address, nodePort));
        }

        // No endpoints: REJECT, so the connection is refused rather than left to time out.
        var empty = await cluster.JsonPathAsync("service/empty", ns, "{.spec.clusterIP}");
        await Poll.UntilAsync(async () => await ConnectErrorAsync(empty, 80) == SocketError.ConnectionRefused, "a refused connection to the Service without endpoints", seconds: 30);
    }

    [Fact]
    public async Task LoadBalancerService_ServedOnItsNodePort_ReportsTheNodeAddressAsIngress()
    {
        const string ns = "px-lb";
        await ApplyAsync(ns, 1);
        Assert.Equal(0, (await cluster.RunAsync("patch", "service/web", "-n", ns, "-p", "{\"spec\":{\"type\":\"LoadBalancer\"}}")).ExitCode);
        var nodeAddress = await cluster.JsonPathAsync("node/" + cluster.NodeName, "", "{.status.addresses[?(@.type==\"InternalIP\")].address}");

        await Poll.UntilAsync(async () => await cluster.JsonPathAsync("service/web", ns, "{.status.loadBalancer.ingress[*].ip}") == nodeAddress, "the node's address as the load balancer's ingress", seconds: 30);
        var nodePort = int.Parse(await cluster.JsonPathAsync("service/web", ns, "{.spec.ports[0].nodePort}"), CultureInfo.InvariantCulture);
        Assert.Equal((await PodNamesAsync(ns))[0], await UntilAnswerAsync(nodeAddress, nodePort));

        // Back to NodePort: the ingress goes.
        Assert.Equal(0, (await cluster.RunAsync("patch", "service/web", "-n", ns, "-p", "{\"spec\":{\"type\":\"NodePort\"}}")).ExitCode);
        await Poll.UntilAsync(async () => await cluster.JsonPathAsync("service/web", ns, "{.status.loadBalancer.ingress}") == "", "the ingress cleared", seconds: 30);
    }

    [Fact]
    public async Task KubeDns_AnswersThroughItsClusterIp_FromTheHostAndFromPods()
    {
        const string ns = "px-dns";
        await ApplyAsync(ns, 1);
        await cluster.RunClientAsync(ns);
        var clusterIp = await cluster.JsonPathAsync("service/web", ns, "{.spec.clusterIP}");
        Assert.Equal("10.96.0.10", await cluster.JsonPathAsync("service/kube-dns", "kube-system", "{.spec.clusterIP}"));

        Assert.Equal(clusterIp, await DigAsync($"web.{ns}.svc.cluster.local"));
        Assert.Equal($"0 100 80 web.{ns}.svc.cluster.local.", await DigAsync("SRV", $"_web._tcp.web.{ns}.svc.cluster.local"));
        Assert.Equal($"web.{ns}.svc.cluster.local.", await DigAsync("-x", clusterIp));

        // The pod's resolv.conf (ClusterFirst) names the kube-dns cluster IP and its namespace's search path.
        var resolv = await cluster.ExecAsync(ns, "cat /etc/resolv.conf");
        Assert.Contains("nameserver 10.96.0.10", resolv, StringComparison.Ordinal);
        Assert.Contains($"search {ns}.svc.cluster.local svc.cluster.local cluster.local", resolv, StringComparison.Ordinal);
        Assert.Contains("options ndots:5", resolv, StringComparison.Ordinal);
        Assert.Contains("Address: " + clusterIp, await cluster.ExecAsync(ns, $"nslookup web.{ns}.svc.cluster.local"), StringComparison.Ordinal);

        // A host-network pod asking for ClusterFirstWithHostNet gets the cluster DNS in its own resolv.conf, and
        // resolves Service names through it from the host's network; the host's file is left as it was.
        var hostFile = await File.ReadAllTextAsync("/etc/resolv.conf");
        await cluster.RunClientAsync(ns, "host-client", """{"spec":{"hostNetwork":true,"dnsPolicy":"ClusterFirstWithHostNet"}}""");
        var hostPodResolv = await cluster.ExecAsync(ns, "cat /etc/resolv.conf", pod: "host-client");
        Assert.Contains("nameserver 10.96.0.10", hostPodResolv, StringComparison.Ordinal);
        Assert.Contains($"search {ns}.svc.cluster.local", hostPodResolv, StringComparison.Ordinal);
        Assert.Contains("Address: " + clusterIp, await cluster.ExecAsync(ns, $"nslookup web.{ns}.svc.cluster.local", pod: "host-client"), StringComparison.Ordinal);
        Assert.Equal(hostFile, await File.ReadAllTextAsync("/etc/resolv.conf"));
    }

    [Fact]
    public async Task UdpEndpointReplaced_ItsConntrackFlowIsDeleted_SoTheNextDatagramGoesToTheNewOne()
    {
        const string ns = "px-udp";
        // A Service without a selector and its own EndpointSlice: endpoint addresses on the Docker bridge where
        // nothing answers, so the flows stay unreplied (and the kernel would keep them 30 s).
        var manifest = $$$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{{ns}}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo, namespace: {{{ns}}}}
            spec:
              ports: [{name: echo, port: 7, protocol: UDP}]
            """;
        Assert.Equal(0, (await cluster.RunWithInputAsync(manifest, "apply", "-f", "-")).ExitCode);
        var clusterIp = await cluster.JsonPathAsync("service/echo", ns, "{.spec.clusterIP}");
        await SetUdpEndpointAsync(ns, "172.17.255.250", create: true);

        using var client = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
        var first = "";
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await client.SendAsync(new byte[] { 1 }, new IPEndPoint(IPAddress.Parse(clusterIp), 7));
            }
            catch (SocketException)
            {
                // Until the proxy has the endpoint, the Service rejects (EPERM on a local send).
            }

            first = await FlowsAsync(clusterIp);
            return first.Contains("src=172.17.255.250", StringComparison.Ordinal);
        }, "a flow translated to the first endpoint", seconds: 30);

        await SetUdpEndpointAsync(ns, "172.17.255.251", create: false);
        await Poll.UntilAsync(async () => !(await FlowsAsync(clusterIp)).Contains("src=172.17.255.250", StringComparison.Ordinal), "the first endpoint's flow deleted", seconds: 5);
        await client.SendAsync(new byte[] { 2 }, new IPEndPoint(IPAddress.Parse(clusterIp), 7));
        Assert.Contains("src=172.17.255.251", await FlowsAsync(clusterIp), StringComparison.Ordinal);
    }

    private async Task SetUdpEndpointAsync(string ns, string address, bool create)
    {
        var slice = $$$"""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: echo-1, namespace: {{{ns}}}, labels: {kubernetes.io/service-name: echo, endpointslice.kubernetes.io/managed-by: test}}
            addressType: IPv4
            ports: [{name: echo, port: 7, protocol: UDP}]
            endpoints: [{addresses: ["{{{address}}}"], conditions: {ready: true}}]
            """;
        var applied = await cluster.RunWithInputAsync(slice, create ? "create" : "replace", "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.StdErr);
    }

    /// <summary>The kernel's UDP flows to <paramref name="clusterIp"/>, as <c>conntrack -L</c> prints them.</summary>
    private static Task<string> FlowsAsync(string clusterIp) => RunAsync("conntrack", ["-L", "-p", "udp", "--orig-dst", clusterIp]);

    [Fact]
    public async Task KubernetesService_CarriesAPodsInClusterClientToTheApi()
    {
        const string ns = "px-api";
        var nodeAddress = await cluster.JsonPathAsync("node/" + cluster.NodeName, "", "{.status.addresses[?(@.type==\"InternalIP\")].address}");
        await Poll.UntilAsync(
            async () => await cluster.JsonPathAsync("endpointslice/kubernetes-" + cluster.NodeName, "default", "{.endpoints[0].addresses[0]}:{.ports[0].port}") == $"{nodeAddress}:{cluster.ApiPort}",
            "this node's API behind the kubernetes Service", seconds: 30);

        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", ns));
        await Poll.UntilAsync(async () => (await cluster.RunAsync("get", "sa/default", "-n", ns)).ExitCode == 0, "the default ServiceAccount in " + ns);

        // kubectl (a static binary) in a pod on the pod network, with nothing but what every pod gets: the projected
        // token and CA, and KUBERNETES_SERVICE_HOST/PORT naming the kubernetes Service's cluster IP, whose traffic the
        // proxy carries to the API (its certificate names that IP).
        var file = cluster.WriteFile("incluster.yaml", $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: incluster, namespace: {{{ns}}}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{{DockerCluster.Image}}}
                imagePullPolicy: Never
                command: ["sleep", "3600"]
                env: [{name: HOME, value: /home}]
                volumeMounts:
                - {name: kubectl, mountPath: /opt/kubectl, readOnly: true}
                - {name: home, mountPath: /home}
              volumes:
              - {name: kubectl, hostPath: {path: /usr/bin/kubectl, type: File}}
              - {name: home, emptyDir: {}}
            """);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "-f", file));
        await cluster.UntilAsync("incluster", ns, "{.status.phase}", v => v == "Running", 60);

        Assert.Equal("10.96.0.1:443", (await cluster.RunAsync("exec", "incluster", "-n", ns, "--", "sh", "-c", "echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT")).StdOut.Trim());
        var whoami = KubectlAssert.Succeeded(await cluster.RunAsync("exec", "incluster", "-n", ns, "--", "/opt/kubectl", "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"));
        Assert.Equal($"system:serviceaccount:{ns}:default", whoami.StdOut.Trim());
    }

    [Fact]
    public async Task Restart_RulesRebuiltWithoutDuplicates_AndACleanStopLeavesNoRules()
    {
        const string ns = "px-restart";
        await ApplyAsync(ns, 2);
        // Both pods ready, both endpoints in the rules: a settled state to compare with.
        await Poll.UntilAsync(async () => Ours(await SaveAsync(), ns).Split('\n').Count(l => l.Contains("-j DNAT", StringComparison.Ordinal)) == 2, "both endpoints' rules", seconds: 60);
        var before = Ours(await SaveAsync(), ns);

        await cluster.StopNodeAsync();
        var stopped = await SaveAsync();
        Assert.DoesNotContain("KUBE-", stopped, StringComparison.Ordinal);

        // This test's Service comes back with the very same rules (other tests' pods may still be settling after the
        // restart, so only its own are compared).
        await cluster.StartAgainAsync();
        var after = "";
        for (var i = 0; i < 600 && after != before; i++)
        {
            after = Ours(await SaveAsync(), ns);
            await Task.Delay(100);
        }

        Assert.True(after == before, $"the rules of {ns} after the restart differ:\n--- before\n{before}\n--- after\n{after}");
        var lines = (await SaveAsync()).Split('\n').Where(l => l.StartsWith("-A ", StringComparison.Ordinal) && l.Contains("KUBE-", StringComparison.Ordinal)).ToList();
        Assert.Equal(lines.Count, lines.Distinct(StringComparer.Ordinal).Count());
        Assert.Single(lines, l => l.StartsWith("-A PREROUTING", StringComparison.Ordinal) && l.EndsWith("-j KUBE-SERVICES", StringComparison.Ordinal));
    }

    /// <summary>The rules naming <paramref name="ns"/>'s Services, as iptables-save prints them.</summary>
    private static string Ours(string save, string ns) => string.Join('\n', save.Split('\n').Where(l => l.Contains(ns + "/", StringComparison.Ordinal)));

    private async Task ApplyAsync(string ns, int replicas, bool readiness = false)
    {
        var probe = readiness ? "\n        readinessProbe: {exec: {command: [test, -f, /ready]}, periodSeconds: 1}" : "";
        var manifest = $$$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{{ns}}}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              replicas: {{{replicas}}}
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: httpd
                    image: {{{DockerCluster.Image}}}
                    imagePullPolicy: Never
                    command: [sh, -c, "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
                    ports: [{containerPort: 8080, name: http}]{{{probe}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              type: NodePort
              selector: {app: web}
              ports: [{name: web, port: 80, targetPort: http}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: empty, namespace: {{{ns}}}}
            spec:
              selector: {app: nothing}
              ports: [{port: 80}]
            """;
        var applied = await cluster.RunWithInputAsync(manifest, "apply", "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.StdErr);
    }

    private async Task<string[]> PodNamesAsync(string ns, int count = 1)
    {
        string[] names = [];
        await Poll.UntilAsync(async () =>
        {
            names = (await cluster.RunAsync("get", "pods", "-n", ns, "-l", "app=web", "--field-selector=status.phase=Running", "-o", "jsonpath={.items[*].metadata.name}")).StdOut
                .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToArray();
            return names.Length >= count;
        }, $"{count} running web pod(s) in {ns}", seconds: 60);
        return names;
    }

    /// <summary>The pods that answered requests to the Service by name from the client pod, until <paramref name="want"/> distinct ones did (or the tries ran out).</summary>
    private async Task<IReadOnlyList<string>> SeenAsync(string ns, string service, int want, int tries = 60)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tries && (seen.Count < want || tries <= 20); i++)
        {
            var answer = (await cluster.ExecAsync(ns, $"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 {service} 80 | tail -1", check: false)).Trim();
            if (answer.Length > 0)
            {
                seen.Add(answer);
            }
            else
            {
                await Task.Delay(200);
            }
        }

        return [.. seen];
    }

    /// <summary>Waits until ten requests in a row are answered by at most <paramref name="pods"/> distinct pods.</summary>
    private async Task UntilOnlyAsync(string ns, int pods)
    {
        for (var round = 0; round < 30; round++)
        {
            var answers = new HashSet<string>(StringComparer.Ordinal);
            var command = "for i in 1 2 3 4 5 6 7 8 9 10; do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 web 80 | tail -1; echo; done";
            foreach (var line in (await cluster.ExecAsync(ns, command, check: false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                answers.Add(line);
            }

            if (answers.Count > 0 && answers.Count <= pods)
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"traffic in {ns} never narrowed to {pods} pod(s)");
    }

    private static async Task<string> UntilAnswerAsync(string address, int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var last = "";
        for (var i = 0; i < 100; i++)
        {
            try
            {
                return (await http.GetStringAsync(new Uri($"http://{address}:{port}/"))).Trim();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
                await Task.Delay(200);
            }
        }

        Assert.Fail($"{address}:{port} never answered: {last}");
        return "";
    }

    private static async Task<SocketError?> ConnectErrorAsync(string address, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(address), port, timeout.Token);
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
        catch (OperationCanceledException)
        {
            return SocketError.TimedOut;
        }
    }

    private static async Task<string> DigAsync(params string[] args)
    {
        var output = await RunAsync("dig", ["@10.96.0.10", "+time=3", "+tries=2", "+short", .. args]);
        return string.Join('\n', output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
    }

    private static Task<string> SaveAsync() => RunAsync("iptables-save", []);

    private static async Task<string> RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}: {output}{await process.StandardError.ReadToEndAsync()}");
        return output;
    }

    /// <summary>A real-Docker node with the proxy in iptables mode and cluster DNS on a free port behind kube-dns.</summary>
    public sealed class Cluster : DockerCluster
    {
        private readonly int _dnsPort = FreePort();

        private readonly int _apiPort = FreeTcpPort();

        /// <summary>The API on every address (as on a real cluster's hosts), so pods reach it through the kubernetes Service.</summary>
        protected override string[] NodeArguments =>
            [.. base.NodeArguments, "--proxy:mode=iptables", "--dns:enabled=true", "--dns:port=" + _dnsPort.ToString(CultureInfo.InvariantCulture),
             "--api-address=0.0.0.0:" + _apiPort.ToString(CultureInfo.InvariantCulture)];

        public int ApiPort => _apiPort;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Assert.Contains("Service proxy mode: iptables", NodeOutput, StringComparison.Ordinal);
        }

        /// <summary>Starts the busybox client pod in <paramref name="ns"/> and waits until it runs.</summary>
        public async Task RunClientAsync(string ns, string name = "client", string? overrides = null)
        {
            var run = await RunAsync([
                "run", name, "-n", ns, "--image=" + Image, "--image-pull-policy=Never", "--restart=Never",
                .. overrides is null ? Array.Empty<string>() : ["--overrides=" + overrides], "--command", "--", "sleep", "3600"]);
            Assert.True(run.ExitCode == 0, run.StdErr);
            await UntilAsync(name, ns, "{.status.phase}", phase => phase == "Running", 60);
        }

        /// <summary>Runs a shell command in a client pod; its standard output.</summary>
        public async Task<string> ExecAsync(string ns, string command, bool check = true, string pod = "client")
        {
            var result = await RunAsync("exec", "-n", ns, pod, "--", "sh", "-c", command);
            Assert.True(!check || result.ExitCode == 0, $"{command}: exit {result.ExitCode}: {result.StdErr}");
            return result.StdOut;
        }

        private static int FreeTcpPort()
        {
            using var tcp = new TcpListener(IPAddress.Any, 0);
            tcp.Start();
            return ((IPEndPoint)tcp.LocalEndpoint).Port;
        }

        private static int FreePort()
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
            return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        }
    }
}
