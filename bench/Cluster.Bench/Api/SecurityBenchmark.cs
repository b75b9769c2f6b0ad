using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Cluster.Api.Security.Pki;

namespace Cluster.Bench.Api;

/// <summary>
/// What security costs the API: the create / update / get phase (and the paced run) against a node serving plain HTTP
/// without authentication, then against a node with its defaults (HTTPS, a client certificate per request, RBAC) as
/// a user whose rights come from bindings (an edit RoleBinding in the namespace, a ClusterRoleBinding for namespaces),
/// in the same run. Target: at most 20% of throughput and 5 ms of p99.
/// </summary>
public static class SecurityBenchmark
{
    public const string Usage = "security [--seconds N] [--clients N] [--quick]";
    private const double ThroughputTarget = 0.8, P99DifferenceTarget = 5;
    private const string User = "bench-user";

    public static async Task<int> Run(string[] args)
    {
        var options = ApiBenchOptions.Parse(args);
        var output = Console.Out;
        using var cancel = CommandLine.CancelOnCtrlC();

        output.WriteLine("== plain: HTTP, no authentication or authorization ==");
        IReadOnlyList<ApiRow> plain;
        await using (var node = await NodeProcess.StartAsync(options.DataParent, options.NodeEnvironment, NodeProcess.FreePort(), [], cancel.Token))
        {
            plain = await ReadWritePhase.RunAsync(node, options, output, cancel.Token);
        }

        Report.PrintRows(output, plain);
        output.WriteLine();
        output.WriteLine(Report.F($"== secure: HTTPS with a client certificate ({User}), RBAC through bindings =="));
        IReadOnlyList<ApiRow> secure;
        await using (var node = await NodeProcess.StartAsync(options.DataParent, options.NodeEnvironment, NodeProcess.FreePort(), ["--insecure-http=false"], cancel.Token))
        {
            var pki = Path.Combine(node.DataDirectory, ClusterPki.DirectoryName);
            using var authority = CertificateAuthority.FromPem(File.ReadAllText(Path.Combine(pki, "ca.crt")), File.ReadAllText(Path.Combine(pki, "ca.key")));
            using var trust = X509CertificateLoader.LoadCertificate(authority.Certificate.RawData);
            using var admin = PemFiles.Load(Path.Combine(pki, "admin.crt"), Path.Combine(pki, "admin.key"));
            using var user = authority.IssueClient(User, [], TimeSpan.FromDays(1), TimeProvider.System);
            await GrantAsync(node, Credentials(admin, trust), Credentials(user, trust), cancel.Token);
            secure = await ReadWritePhase.RunAsync(node, options, output, cancel.Token, Credentials(user, trust));
        }

        Report.PrintRows(output, secure);
        output.WriteLine();
        output.WriteLine("== security's cost (secure against plain) ==");
        var met = true;
        for (var i = 0; i < Math.Min(plain.Count, secure.Count); i++)
        {
            var (p, s) = (plain[i].Summary, secure[i].Summary);
            var ratio = p.PerSecond > 0 ? s.PerSecond / p.PerSecond : 0;
            var difference = s.P99Ms - p.P99Ms;

            // The paced rows run at a fixed rate: their throughput is the rate, only their p99 says anything.
            var closedLoop = i < 3;
            met &= (!closedLoop || ratio >= ThroughputTarget) && difference <= P99DifferenceTarget && s.Errors == 0;
            output.WriteLine(Report.F(
                $" {plain[i].Name,-34}{p.PerSecond,9:N0} -> {s.PerSecond,9:N0} req/s ({ratio,5:P0})  p99 {p.P99Ms,6:0.00} -> {s.P99Ms,6:0.00} ms ({difference,6:+0.00;-0.00} ms){(s.Errors > 0 ? Report.F($"  {s.Errors} errors: {s.FirstError}") : "")}"));
        }

        output.WriteLine(Report.F($" target: throughput >= {ThroughputTarget:P0} of plain (closed-loop rows), p99 at most {P99DifferenceTarget} ms more: {(met ? "met" : "NOT met")}"));
        return 0;
    }

    /// <summary>The user's handler settings: its certificate, and the cluster CA as the only trust root.</summary>
    private static Action<SocketsHttpHandler> Credentials(X509Certificate2 certificate, X509Certificate2 authority) => handler =>
    {
        handler.SslOptions.ClientCertificates = [certificate];
        handler.SslOptions.RemoteCertificateValidationCallback = CertificateTrust.Callback(checkName: true, authority);
    };

    /// <summary>As admin: the namespace, a ClusterRole for namespaces bound to the user, edit in the namespace; then waits until the user is let in.</summary>
    private static async Task GrantAsync(NodeProcess node, Action<SocketsHttpHandler> admin, Action<SocketsHttpHandler> user, CancellationToken ct)
    {
        using var api = new ApiClient(node.BaseUri, 4, admin);
        await api.EnsureNamespaceAsync(ReadWritePhase.Namespace, ct);
        foreach (var (path, body) in new[]
        {
            ("/apis/rbac.authorization.k8s.io/v1/clusterroles", """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"bench-namespaces"},"rules":[{"apiGroups":[""],"resources":["namespaces"],"verbs":["get","create"]}]}"""),
            ("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"bench-namespaces"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"bench-namespaces"},"subjects":[{"kind":"User","name":"USER"}]}"""),
            ($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ReadWritePhase.Namespace}/rolebindings", """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"bench-edit"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},"subjects":[{"kind":"User","name":"USER"}]}"""),
        })
        {
            if (await api.SendAsync(HttpMethod.Post, path, Encoding.UTF8.GetBytes(body.Replace("USER", User, StringComparison.Ordinal)), ApiClient.Json, ct) is { } error)
            {
                throw new InvalidOperationException($"POST {path}: {error}");
            }
        }

        using var probe = new ApiClient(node.BaseUri, 1, user);
        for (var attempt = 0; ; attempt++)
        {
            using var response = await probe.Http.GetAsync(new Uri($"/api/v1/namespaces/{ReadWritePhase.Namespace}/pods", UriKind.Relative), ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (attempt > 100)
            {
                throw new InvalidOperationException($"{User} is still refused: {(int)response.StatusCode}");
            }

            await Task.Delay(50, ct);
        }
    }
}
