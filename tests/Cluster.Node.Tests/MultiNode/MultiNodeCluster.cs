using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Cluster.Api.Security.Pki;
using k8s;
using Npgsql;

namespace Cluster.Node.Tests.MultiNode;

/// <summary>
/// Several real node processes on loopback forming one Akka cluster over one PostgreSQL journal
/// (a schema of their own): node-1 is the first seed and every node joins through it. Each has its
/// own data directory (admin.kubeconfig), API port and cluster port, kept across restarts.
/// </summary>
public sealed class MultiNodeCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "multinode-" + Guid.NewGuid().ToString("N"));
    private readonly string _schema = "mn_" + Guid.NewGuid().ToString("N")[..16];
    private readonly List<Member> _members = [];

    private readonly string _connectionString;
    private X509Certificate2? _admin;
    private X509Certificate2? _trust;

    private MultiNodeCluster(string connectionString)
    {
        _connectionString = connectionString;
    }

    /// <summary>The server the tests use, or null on a machine without one.</summary>
    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable("CLUSTER_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public IReadOnlyList<Member> Members => _members;

    public static Task<MultiNodeCluster> StartAsync(int size, params string[] extraArgs) =>
        StartAsync(size, PostgresConnectionString ?? throw new InvalidOperationException("CLUSTER_TEST_POSTGRES is not set but the multi-node tests are required"), extraArgs);

    /// <summary>Starts <paramref name="size"/> members on the PostgreSQL server at <paramref name="connection"/>.</summary>
    public static Task<MultiNodeCluster> StartAsync(int size, string connection, params string[] extraArgs) =>
        StartAsync(size, connection, proxy: null, extraArgs);

    /// <summary>Starts members whose cluster traffic passes through <paramref name="proxy"/> (one port pair per member).</summary>
    public static Task<MultiNodeCluster> StartBehindAsync(PartitionProxy proxy, params string[] extraArgs) =>
        StartAsync(proxy.Ports.Count, PostgresConnectionString ?? throw new InvalidOperationException("CLUSTER_TEST_POSTGRES is not set"), proxy, extraArgs);

    private static async Task<MultiNodeCluster> StartAsync(int size, string connection, PartitionProxy? proxy, string[] extraArgs)
    {
        var cluster = new MultiNodeCluster(connection);
        cluster.CreateAuthority();
        await using (var dataSource = NpgsqlDataSource.Create(connection))
        await using (var create = dataSource.CreateCommand($"CREATE SCHEMA {cluster._schema}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        for (var i = 1; i <= size; i++)
        {
            var (bind, advertised) = proxy is null ? (FreePort(), 0) : proxy.Ports[i - 1];
            cluster._members.Add(new Member(cluster, i, FreePort(), bind, advertised, extraArgs));
        }

        try
        {
            // The first seed forms the cluster; the others join it.
            await cluster._members[0].StartAsync();
            await Task.WhenAll(cluster._members.Skip(1).Select(m => m.StartAsync()));
            await cluster.WaitForUpAsync(size, StartTimeout);
            return cluster;
        }
        catch
        {
            // The caller never gets the cluster to dispose: stop the members that did start.
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Launches one more member joining the first, without waiting for it; its arguments win over the shared ones (another CA, say).</summary>
    public Member Add(params string[] extraArgs)
    {
        var member = new Member(this, _members.Count + 1, FreePort(), FreePort(), 0, extraArgs);
        _members.Add(member);
        member.Launch();
        return member;
    }

    /// <summary>The cluster CA every member is given (so kubectl trusts each), and the admin credentials the tests' HTTP clients present.</summary>
    private void CreateAuthority()
    {
        Directory.CreateDirectory(_root);
        using var authority = CertificateAuthority.Create("multinode-ca", TimeProvider.System, TimeSpan.FromDays(1));
        PemFiles.WriteCertificate(CaCertificate, authority.Certificate);
        PemFiles.WritePrivateKey(CaKey, authority.Certificate);
        _admin = authority.IssueClient("admin", ["system:masters"], TimeSpan.FromDays(1), TimeProvider.System);
        _trust = X509CertificateLoader.LoadCertificate(authority.Certificate.RawData);
    }

    /// <summary>A certificate of the cluster CA, as a test's own TLS client presents it.</summary>
    public X509Certificate2 Issue(Func<CertificateAuthority, X509Certificate2> issue)
    {
        using var authority = CertificateAuthority.FromPem(File.ReadAllText(CaCertificate), File.ReadAllText(CaKey));
        return issue(authority);
    }

    private string CaCertificate => Path.Combine(_root, "ca.crt");

    private string CaKey => Path.Combine(_root, "ca.key");

    /// <summary>An HTTP handler that trusts the cluster CA only and presents the admin certificate.</summary>
    private SocketsHttpHandler AdminHandler()
    {
        var trust = _trust ?? throw new InvalidOperationException("no CA yet");
        var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [_admin!];
        handler.SslOptions.RemoteCertificateValidationCallback = CertificateTrust.Callback(checkName: true, trust);
        return handler;
    }

    /// <summary>Waits until <paramref name="count"/> members are Up and reachable, as every running member sees it.</summary>
    public async Task WaitForUpAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var views = new List<string>();
            var agreed = true;
            foreach (var member in _members.Where(m => m.IsRunning))
            {
                try
                {
                    var body = await member.GetJsonAsync("/cluster/members");
                    var up = body["members"]!.AsArray().Count(m => m!["status"]!.GetValue<string>() == "Up");
                    var unreachable = body["unreachable"]!.AsArray().Count;
                    views.Add($"{member.Name}: {up} up, {unreachable} unreachable");
                    agreed &= up == count && unreachable == 0;
                }
                catch (HttpRequestException e)
                {
                    views.Add($"{member.Name}: {e.Message}");
                    agreed = false;
                }
            }

            if (agreed)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The cluster did not reach {count} Up members: {string.Join("; ", views)}");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            member.Kill();
        }

        try
        {
            await using var dataSource = NpgsqlDataSource.Create(_connectionString);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The test's own server may be gone already.
        }
        finally
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One node process of the cluster.</summary>
    /// <param name="publicPort">The port others dial (a proxy's) when not 0; the member binds <paramref name="bindPort"/>.</param>
    public sealed class Member(MultiNodeCluster cluster, int index, int apiPort, int bindPort, int publicPort, string[] extraArgs)
    {
        private NodeProcess? _process;
        private string _lastOutput = "";
        private int _apiPort = apiPort;
        private int _bindPort = bindPort;
        private bool _started;

        public string Name => "node-" + index;

        /// <summary>The port the other members reach this one on.</summary>
        public int ClusterPort => publicPort != 0 ? publicPort : _bindPort;

        /// <summary>This member's Akka address, as the management endpoints name it.</summary>
        public string Address => $"akka.{(Insecure ? "" : "ssl.")}tcp://cluster@127.0.0.1:{ClusterPort}";

        /// <summary>Started with --insecure-http: plain HTTP without authentication, plain remoting.</summary>
        public bool Insecure => extraArgs.Contains("--insecure-http");

        public string DataDir => Path.Combine(cluster._root, Name);

        public string Kubeconfig => Path.Combine(DataDir, "admin.kubeconfig");

        public Uri ApiBase => new($"{(Insecure ? "http" : "https")}://127.0.0.1:{_apiPort}");

        public bool IsRunning => _process is { HasExited: false };

        /// <summary>The exit code once the process ended by itself (a downed member exits non-zero).</summary>
        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            var process = _process ?? throw new InvalidOperationException(Name + " is not running");
            var code = await process.WaitForExitAsync(timeout);
            Output = process.Output;
            Kill();
            return code;
        }

        /// <summary>What the process printed (the last one's, once it stopped).</summary>
        public string Output
        {
            get => _process?.Output ?? _lastOutput;
            private set => _lastOutput = value;
        }

        public HttpClient Http { get; } = new(cluster.AdminHandler()) { Timeout = TimeSpan.FromSeconds(40) };

        public async Task StartAsync()
        {
            for (var attempt = 1; ; attempt++)
            {
                StartProcess();
                try
                {
                    await _process!.WaitForOutputAsync("kubeconfig written to " + Kubeconfig, StartTimeout);
                    _started = true;
                    return;
                }
                catch (TimeoutException) when (!_started && attempt < 3 && _process!.HasExited
                    && _process.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    // FreePort() released its port before the node bound it, and something else (a
                    // client socket, another test's process) took it meanwhile: draw new ports.
                    _apiPort = FreePort();
                    if (publicPort == 0)
                    {
                        _bindPort = FreePort();
                    }

                    Http.BaseAddress = ApiBase;
                }
            }
        }

        /// <summary>Starts the process and returns: for a member that may never get as far as serving.</summary>
        public void Launch() => StartProcess();

        private void StartProcess()
        {
            _process?.Dispose();
            Http.BaseAddress ??= ApiBase;
            string[] args =
            [
                "--node:name=" + Name,
                "--data-dir=" + DataDir,
                $"--api-address=127.0.0.1:{_apiPort}",
                $"--cluster-address=127.0.0.1:{_bindPort}",
                $"--join=127.0.0.1:{cluster._members[0].ClusterPort}",
                "--journal=postgres",
                "--akka:persistence:journal:cluster-sql:schema=" + cluster._schema,
                "--api:tls:ca-cert-file=" + cluster.CaCertificate,
                "--api:tls:ca-key-file=" + cluster.CaKey,
                .. extraArgs,
                .. publicPort != 0 ? (string[])[$"--akka:remote:dot-netty:tcp:public-port={publicPort}", "--akka:remote:dot-netty:tcp:public-hostname=127.0.0.1"] : [],
            ];
            _process = NodeProcess.Start(args, new Dictionary<string, string>
            {
                // The connection string goes by the environment, as a password would.
                ["CLUSTER_AKKA__PERSISTENCE__JOURNAL__CLUSTER_SQL__CONNECTION_STRING"] = cluster._connectionString,
            });
        }

        /// <summary>SIGKILL: no leaving, no hand-off; the others must notice and take its shards.</summary>
        public void Kill()
        {
            _process?.Dispose();
            _process = null;
        }

        /// <summary>SIGTERM: leaves the cluster, handing its shards off, and exits 0.</summary>
        public async Task<int> StopAsync()
        {
            var process = _process ?? throw new InvalidOperationException(Name + " is not running");
            process.Terminate();
            return await WaitForExitAsync(StartTimeout);
        }

        public async Task<JsonObject> GetJsonAsync(string path)
        {
            using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            return JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException($"{path} on {Name}: {text}");
        }

        /// <summary>The typed client of the official Kubernetes C# library, as the member's admin.kubeconfig says (its server, the CA, the admin certificate).</summary>
        public Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));
    }
}
