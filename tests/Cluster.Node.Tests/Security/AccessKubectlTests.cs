using System.Net;
using k8s;
using System.Text.Json.Nodes;
using Cluster.Api.Security.Pki;
using Cluster.Node.Tests.Kubectl;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Node.Tests.Security;

/// <summary>Who may do what, through the real kubectl and raw HTTPS: client certificates, tokens, RBAC, the self reviews.</summary>
public sealed class AccessKubectlTests(SecureCluster cluster) : IClassFixture<SecureCluster>
{
    [Fact]
    public async Task UserWithViewBinding_GetsButCannotDelete_AndCanIAgrees()
    {
        await cluster.IssueKubeconfigAsync("--user", "alice", "--group", "dev", "--context", "alice-view");
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "configmap", "viewed", "-n", "default", "--from-literal=k=v"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "rolebinding", "alice-view", "-n", "default", "--clusterrole=view", "--user=alice"));

        KubectlAssert.Succeeded(await cluster.AsAsync("alice-view", "get", "configmap", "viewed", "-n", "default"));
        var delete = await cluster.AsAsync("alice-view", "delete", "configmap", "viewed", "-n", "default");
        KubectlAssert.FailedWith(delete, "Error from server (Forbidden): configmaps \"viewed\" is forbidden: User \"alice\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"default\"");
        var elsewhere = await cluster.AsAsync("alice-view", "get", "configmaps", "-n", "kube-system");
        KubectlAssert.FailedWith(elsewhere, "User \"alice\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"kube-system\"");

        Assert.Equal("yes", (await cluster.AsAsync("alice-view", "auth", "can-i", "get", "configmaps", "-n", "default")).StdOut.Trim());
        Assert.Equal("no", (await cluster.AsAsync("alice-view", "auth", "can-i", "delete", "configmaps", "-n", "default")).StdOut.Trim());
        Assert.Equal("yes", (await cluster.RunAsync("auth", "can-i", "delete", "configmaps", "-n", "default")).StdOut.Trim());
        var list = KubectlAssert.Succeeded(await cluster.AsAsync("alice-view", "auth", "can-i", "--list", "-n", "default"));
        Assert.Contains("configmaps", list.StdOut, StringComparison.Ordinal);
        Assert.Contains("selfsubjectaccessreviews.authorization.k8s.io", list.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamespaceAdmin_CannotGrantWhatTheyLack_MayGrantWhatTheyHold()
    {
        await cluster.IssueKubeconfigAsync("--user", "dave", "--context", "dave-admin");
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", "esc"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "rolebinding", "dave-admin", "-n", "esc", "--clusterrole=admin", "--user=dave"));

        var clusterAdmin = await cluster.AsAsync("dave-admin", "create", "rolebinding", "dave-everything", "-n", "esc", "--clusterrole=cluster-admin", "--user=dave");
        var nodes = await cluster.AsAsync("dave-admin", "create", "role", "node-reader", "-n", "esc", "--verb=get", "--resource=nodes");

        KubectlAssert.FailedWith(clusterAdmin, "rolebindings.rbac.authorization.k8s.io \"dave-everything\" is forbidden: user \"dave\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:");
        KubectlAssert.FailedWith(nodes, "{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}");
        KubectlAssert.Succeeded(await cluster.AsAsync("dave-admin", "create", "role", "pod-reader", "-n", "esc", "--verb=get,list", "--resource=pods"));
        KubectlAssert.Succeeded(await cluster.AsAsync("dave-admin", "create", "rolebinding", "erin-edit", "-n", "esc", "--clusterrole=edit", "--user=erin"));
    }

    [Fact]
    public async Task ContextSwitch_ChangesWhoAmI()
    {
        await cluster.IssueKubeconfigAsync("--user", "carol", "--group", "qa", "--group", "dev", "--context", "carol-ctx");

        var contexts = KubectlAssert.Succeeded(await cluster.RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["KUBECONFIG"] = cluster.AdminKubeconfig + ":" + cluster.UsersKubeconfig }, "config", "get-contexts", "-o", "name"));
        Assert.Contains("carol-ctx", contexts.StdOut.Split('\n'));
        Assert.Contains("admin@cluster", contexts.StdOut.Split('\n'));

        var carol = KubectlAssert.Succeeded(await cluster.AsAsync("carol-ctx", "auth", "whoami", "-o", "json"));
        var admin = KubectlAssert.Succeeded(await cluster.AsAsync("admin@cluster", "auth", "whoami", "-o", "json"));

        Assert.Equal(("carol", "[\"qa\",\"dev\",\"system:authenticated\"]"), Identity(carol.StdOut));
        Assert.Equal(("admin", "[\"system:masters\",\"system:authenticated\"]"), Identity(admin.StdOut));
    }

    [Fact]
    public async Task NoCredentials_Unauthorized_ButHealthAndVersionOpen()
    {
        using var anonymous = cluster.Https(certificate: null);

        using var pods = await anonymous.GetAsync(new Uri("/api/v1/namespaces/default/pods", UriKind.Relative));
        var status = JsonNode.Parse(await pods.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Unauthorized, pods.StatusCode);
        Assert.Equal(("Status", "Unauthorized", 401), (status["kind"]!.GetValue<string>(), status["reason"]!.GetValue<string>(), status["code"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/version", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);

        var kubectl = await cluster.RunWithEnvironmentAsync(new Dictionary<string, string> { ["KUBECONFIG"] = "/dev/null" },
            "get", "pods", "--server", cluster.Server.ToString(), "--certificate-authority", cluster.CaCertificatePath, "--token", "not-a-token");
        KubectlAssert.FailedWith(kubectl, "error: You must be logged in to the server (Unauthorized)");
    }

    [Fact]
    public async Task ForeignOrExpiredCertificate_Unauthorized()
    {
        using var foreign = CertificateAuthority.Create("elsewhere-ca", TimeProvider.System, TimeSpan.FromDays(1));
        using var authority = cluster.Authority();
        // Issued four minutes ago for two (the CA dates from this fixture's start, so that is within its life): expired now.
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-4));
        using var mallory = foreign.IssueClient("mallory", ["system:masters"], TimeSpan.FromDays(1), TimeProvider.System);
        using var expired = authority.IssueClient("admin", ["system:masters"], TimeSpan.FromMinutes(2), past);
        using var fresh = authority.IssueClient("admin", ["system:masters"], TimeSpan.FromDays(1), TimeProvider.System);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(mallory));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(expired));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(fresh));
    }

    [Fact]
    public async Task StaticToken_AuthenticatesAsItsUser_UnknownTokenRefused()
    {
        using var bob = cluster.Https(certificate: null, bearer: SecureCluster.BobToken);
        using var review = await bob.PostAsync(
            new Uri("/apis/authentication.k8s.io/v1/selfsubjectreviews", UriKind.Relative),
            new StringContent("""{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""", System.Text.Encoding.UTF8, "application/json"));
        var user = JsonNode.Parse(await review.Content.ReadAsStringAsync())!["status"]!["userInfo"]!;

        Assert.Equal(HttpStatusCode.Created, review.StatusCode);
        Assert.Equal(("bob", "bob-uid", "[\"ops\",\"oncall\",\"system:authenticated\"]"), (user["username"]!.GetValue<string>(), user["uid"]!.GetValue<string>(), user["groups"]!.ToJsonString()));
        using var forbidden = await bob.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var wrong = cluster.Https(certificate: null, bearer: "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task OfficialClient_AdminKubeconfig_ListsNamespacesOverHttps()
    {
        using var client = cluster.Client();

        var namespaces = await client.CoreV1.ListNamespaceAsync();

        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
    }

    private async Task<HttpStatusCode> StatusAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        using var client = cluster.Https(certificate);
        using var response = await client.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative));
        return response.StatusCode;
    }

    private static (string User, string Groups) Identity(string whoamiJson)
    {
        var info = JsonNode.Parse(whoamiJson)!["status"]!["userInfo"]!;
        return (info["username"]!.GetValue<string>(), info["groups"]!.ToJsonString());
    }
}
