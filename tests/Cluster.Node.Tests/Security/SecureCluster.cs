using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Pki;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Security;

/// <summary>
/// A node with its default security (HTTPS, client certificates, RBAC) and a static token file, plus the tools to act
/// as other users: kubeconfig entries issued by <c>Cluster.Node kubeconfig</c>, and raw HTTPS clients with any certificate.
/// </summary>
public class SecureCluster : KubectlCluster
{
    public const string BobToken = "s3cr3t-bob-token";

    private readonly string _tokens = Path.Combine(Path.GetTempPath(), "tokens-" + Guid.NewGuid().ToString("N") + ".csv");

    protected override string[] NodeArguments => ["--api:authentication:token-file=" + _tokens];

    public string AdminKubeconfig => Path.Combine(DataDir, "admin.kubeconfig");

    public string UsersKubeconfig => Path.Combine(WorkDir, "users.kubeconfig");

    public string CaCertificatePath => Path.Combine(DataDir, ClusterPki.DirectoryName, "ca.crt");

    /// <summary>The API's https address, as the admin kubeconfig names it.</summary>
    public Uri Server => new(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(AdminKubeconfig).Host);

    public override async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_tokens, "# token,user,uid,groups\n" + BobToken + ",bob,bob-uid,\"ops,oncall\"\n");
        await base.InitializeAsync();
    }

    /// <summary>Runs <c>Cluster.Node kubeconfig ARGS</c> against this node's data directory and server, into <see cref="UsersKubeconfig"/>.</summary>
    public async Task<string> IssueKubeconfigAsync(params string[] args)
    {
        using var process = NodeProcess.Start(["kubeconfig", "--data-dir", DataDir, "--server", Server.ToString().TrimEnd('/'), "--out", UsersKubeconfig, .. args]);
        var code = await process.WaitForExitAsync(CallTimeout);
        Assert.True(code == 0, $"kubeconfig {string.Join(' ', args)} exited {code}:\n{process.Output}");
        return process.Output;
    }

    /// <summary>kubectl with both kubeconfig files merged (admin's first, so its context stays current) and the given context.</summary>
    public Task<KubectlResult> AsAsync(string context, params string[] args) =>
        RunWithEnvironmentAsync(new Dictionary<string, string> { ["KUBECONFIG"] = AdminKubeconfig + ":" + UsersKubeconfig }, ["--context", context, .. args]);

    /// <summary>An HTTPS client that trusts the cluster CA and presents <paramref name="certificate"/> (none when null).</summary>
    public HttpClient Https(X509Certificate2? certificate, string? bearer = null)
    {
        var authority = X509CertificateLoader.LoadCertificateFromFile(CaCertificatePath);
        var handler = new SocketsHttpHandler();
        if (certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        handler.SslOptions.RemoteCertificateValidationCallback = CertificateTrust.Callback(checkName: true, authority);
        var client = new HttpClient(handler) { BaseAddress = Server, Timeout = CallTimeout };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>The cluster CA with its key, as the node keeps it in its data directory.</summary>
    public CertificateAuthority Authority() =>
        CertificateAuthority.FromPem(File.ReadAllText(CaCertificatePath), File.ReadAllText(Path.Combine(DataDir, ClusterPki.DirectoryName, "ca.key")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_tokens);
    }
}
