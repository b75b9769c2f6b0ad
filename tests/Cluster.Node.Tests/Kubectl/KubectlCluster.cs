namespace Cluster.Node.Tests.Kubectl;

/// <summary>
/// A real node process on a private data directory, driven through the real kubectl; it can be stopped and
/// started again on the same data. One per test class, so classes run in parallel on their own ports.
/// </summary>
public class KubectlCluster : IAsyncLifetime
{
    /// <summary>Upper bound for a single kubectl call; ordinary calls take a fraction of a second.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(60);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "kubectl-e2e-" + Guid.NewGuid().ToString("N"));
    private NodeProcess? _node;
    private string _home = "";
    private int _starts;

    public string DataDir => Path.Combine(_root, "data");

    /// <summary>kubectl's working directory: manifests and editor scripts live here, so messages name them relatively.</summary>
    public string WorkDir => Path.Combine(_root, "work");

    /// <summary>Flags every start of this cluster's node gets besides its data directory.</summary>
    protected virtual string[] NodeArguments => [];

    /// <summary>
    /// Whether the node's scheduler binds pending pods. Off by default: most kubectl tests read and print pods as
    /// created (Pending, no node) and would otherwise race the scheduler.
    /// </summary>
    protected virtual bool Schedules => false;

    /// <summary>
    /// The hosted controllers. By default Deployments get their ReplicaSets but no pods appear, and Jobs and CronJobs
    /// are left alone: the kubectl tests list and watch the objects they create, and would otherwise race pods made for them.
    /// </summary>
    protected virtual string Controllers => "*,-replicaset,-replicationcontroller,-job,-cronjob";

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDir);
        await StartNodeAsync();
    }

    /// <summary>
    /// Stops the node with SIGTERM (or SIGINT, as Ctrl+C does), requires a clean exit, and starts it again on the
    /// same data directory.
    /// </summary>
    public async Task RestartAsync(bool interrupt = false)
    {
        await StopNodeAsync(interrupt);
        await StartNodeAsync();
    }

    /// <summary>Stops the node with SIGTERM (or SIGINT) and requires a clean exit; <see cref="StartAgainAsync"/> starts it again.</summary>
    public async Task StopNodeAsync(bool interrupt = false)
    {
        var node = _node ?? throw new InvalidOperationException("The node is not running.");
        if (interrupt)
        {
            node.Interrupt();
        }
        else
        {
            node.Terminate();
        }

        var exitCode = await node.WaitForExitAsync(NodeTimeout);
        Assert.True(exitCode == 0, $"The node exited with {exitCode} on {(interrupt ? "SIGINT" : "SIGTERM")}.\n{node.Output}");
        node.Dispose();
        _node = null;
    }

    /// <summary>What the running node has printed so far.</summary>
    public string NodeOutput => _node?.Output ?? "";

    /// <summary>Starts the node stopped by <see cref="StopNodeAsync"/> again, on the same data directory.</summary>
    public Task StartAgainAsync() => StartNodeAsync();

    /// <summary>Kills the node process outright (SIGKILL: no shutdown of any kind) and starts it again on the same data.</summary>
    public async Task KillAndStartAsync()
    {
        var node = _node ?? throw new InvalidOperationException("The node is not running.");
        node.Dispose();
        await StartNodeAsync();
    }

    public Task<KubectlResult> RunAsync(params string[] args) => RunWithEnvironmentAsync(new Dictionary<string, string>(), args);

    public async Task<KubectlResult> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> extra, params string[] args)
    {
        using var kubectl = KubectlProcess.Start(Environment(extra), WorkDir, args);
        return await kubectl.WaitForExitAsync(CallTimeout);
    }

    /// <summary>Runs kubectl with <paramref name="input"/> on its stdin (exec -i, attach -i, apply -f -).</summary>
    public async Task<KubectlResult> RunWithInputAsync(string input, params string[] args)
    {
        using var kubectl = KubectlProcess.Start(Environment(new Dictionary<string, string>()), WorkDir, args, input);
        return await kubectl.WaitForExitAsync(CallTimeout);
    }

    /// <summary>Starts a long-running kubectl (get -w, wait, delete); disposing it kills it if still running.</summary>
    public KubectlProcess StartBackground(params string[] args) => StartBackgroundWithEnvironment(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="StartBackground"/>, with extra environment variables (kubectl's feature switches).</summary>
    public KubectlProcess StartBackgroundWithEnvironment(IReadOnlyDictionary<string, string> extra, params string[] args) =>
        KubectlProcess.Start(Environment(extra), WorkDir, args);

    /// <summary>Runs a command that must succeed and returns its stdout.</summary>
    public async Task<string> OutputAsync(params string[] args)
    {
        var result = await RunAsync(args);
        KubectlAssert.Succeeded(result);
        return result.StdOut;
    }

    /// <summary>Applies <see cref="Manifests.Shop"/> into a new namespace and requires all five objects created.</summary>
    public async Task ApplyShopAsync(string ns)
    {
        var applied = await RunAsync("apply", "-f", WriteFile(ns + ".yaml", Manifests.Shop(ns)));
        KubectlAssert.StdOutLines(applied, $"namespace/{ns} created", "configmap/settings created", "deployment.apps/web created", "service/web created", "pod/worker created");
    }

    /// <summary>One object's fields through -o jsonpath, without the line end the runner adds.</summary>
    public async Task<string> JsonPathAsync(string resource, string ns, string path) =>
        (await OutputAsync("get", resource, "-n", ns, "-o", "jsonpath=" + path)).TrimEnd('\n');

    /// <summary>The official Kubernetes C# client, configured from the node's admin.kubeconfig as a user would.</summary>
    public k8s.Kubernetes Client() => new(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.Combine(DataDir, "admin.kubeconfig")));

    /// <summary>A raw WebSocket as the admin: the admin certificate of the node's PKI, the cluster CA as the only trust root.</summary>
    public void UseAdminCredentials(System.Net.WebSockets.ClientWebSocketOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pki = Path.Combine(DataDir, Cluster.Api.Security.Pki.ClusterPki.DirectoryName);
        var authority = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(pki, "ca.crt"));
        options.ClientCertificates = [Cluster.Api.Security.Pki.PemFiles.Load(Path.Combine(pki, "admin.crt"), Path.Combine(pki, "admin.key"))];
        options.RemoteCertificateValidationCallback = Cluster.Api.Security.Pki.CertificateTrust.Callback(checkName: true, authority);
    }

    public string WriteFile(string name, string content)
    {
        File.WriteAllText(Path.Combine(WorkDir, name), content);
        return name;
    }

    public virtual async Task DisposeAsync()
    {
        try
        {
            if (_node is { } node)
            {
                node.Terminate();
                await node.WaitForExitAsync(NodeTimeout);
            }
        }
        finally
        {
            // Kills the node if it did not stop, so no test run leaves one behind.
            _node?.Dispose();
            Directory.Delete(_root, recursive: true);
        }
    }

    private Dictionary<string, string> Environment(IReadOnlyDictionary<string, string> extra)
    {
        // The caller's variables win: a test may point kubectl at other kubeconfig files.
        var environment = new Dictionary<string, string>
        {
            ["KUBECONFIG"] = Path.Combine(DataDir, "admin.kubeconfig"),
            ["HOME"] = _home,
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    private async Task StartNodeAsync()
    {
        // A fresh HOME per start: kubectl keeps its discovery cache (and the dispatcher its /version answer) under
        // HOME/.kube/cache, and a restarted node listens on another port.
        _starts++;
        _home = Path.Combine(_root, "home-" + _starts);
        Directory.CreateDirectory(_home);
        _node = NodeProcess.Start(["--data-dir=" + DataDir, "--scheduler:enabled=" + (Schedules ? "true" : "false"), "--controllers:enabled=" + Controllers, .. NodeArguments]);
        await _node.WaitForOutputAsync("kubeconfig written to " + Path.Combine(DataDir, "admin.kubeconfig"), NodeTimeout);
    }
}
