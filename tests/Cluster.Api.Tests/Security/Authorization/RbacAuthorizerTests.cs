using System.Text.Json.Nodes;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Core.Registry.Rbac;

namespace Cluster.Api.Tests.Security.Authorization;

/// <summary>One registry (in memory) for the class: the bootstrap policy it starts with, and bindings written to it.</summary>
public sealed class RbacRegistryFixture : IAsyncLifetime
{
    public ApiTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ApiTestHost.StartAsync("memory");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class RbacAuthorizerTests(RbacRegistryFixture fixture) : IClassFixture<RbacRegistryFixture>
{
    private static readonly UserInfo Admin = new("kubernetes-admin", ["system:masters", "system:authenticated"]);
    private static readonly UserInfo Anonymous = new("system:anonymous", ["system:unauthenticated"]);

    private ResourceRegistry Registry => fixture.Host.Registry;

    [Fact]
    public void Start_BootstrapPolicy_EveryRoleAndBindingExists()
    {
        var roles = Registry.Cache(BuiltInKinds.ClusterRole).List(null).Items.Select(o => o.Name).ToList();
        var bindings = Registry.Cache(BuiltInKinds.ClusterRoleBinding).List(null).Items.Select(o => o.Name).ToList();

        Assert.All(BootstrapPolicy.ClusterRoles().Select(ObjectMeta.Name), name => Assert.Contains(name, roles));
        Assert.All(BootstrapPolicy.ClusterRoleBindings().Select(ObjectMeta.Name), name => Assert.Contains(name, bindings));
        Assert.NotEmpty(Assert.IsType<JsonArray>(Registry.Cache(BuiltInKinds.ClusterRole).Get("", "view")!.ToJsonObject()["rules"]));
    }

    [Fact]
    public void Authorize_SystemMasters_AllowedAnything()
    {
        var authorizer = new RbacAuthorizer(Registry);

        var decision = authorizer.Authorize(Admin, RequestInfo.Parse("DELETE", "/api/v1/nodes/n1", null));

        Assert.Equal(new AuthorizationDecision(true, "RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to Group \"system:masters\""), decision);
        Assert.True(authorizer.Authorize(Admin, RequestInfo.Parse("POST", "/cluster/members", null)).Allowed);
    }

    [Theory]
    [InlineData("/version", true, true)]
    [InlineData("/healthz", true, true)]
    [InlineData("/readyz", true, true)]
    [InlineData("/api", true, false)]
    [InlineData("/apis/apps/v1", true, false)]
    [InlineData("/openapi/v2", true, false)]
    [InlineData("/cluster/members", false, false)]
    public void Authorize_DefaultPolicy_DiscoveryForAuthenticatedPublicInfoForAll(string path, bool authenticated, bool anonymous)
    {
        var authorizer = new RbacAuthorizer(Registry);
        var alice = new UserInfo("alice", ["system:authenticated"]);

        Assert.Equal(authenticated, authorizer.Authorize(alice, RequestInfo.Parse("GET", path, null)).Allowed);
        Assert.Equal(anonymous, authorizer.Authorize(Anonymous, RequestInfo.Parse("GET", path, null)).Allowed);
    }

    [Fact]
    public async Task Authorize_ViewAndEditBoundInANamespace_GrantTheirRulesThereOnly()
    {
        var authorizer = new RbacAuthorizer(Registry);
        var viewer = new UserInfo("viewer", ["system:authenticated"]);
        var editor = new UserInfo("editor", ["system:authenticated"]);
        Assert.False(authorizer.Authorize(viewer, RequestInfo.Parse("GET", "/api/v1/namespaces/default/pods", null)).Allowed);

        await BindAsync("default", "viewer-view", "view", "viewer");
        await BindAsync("default", "editor-edit", "edit", "editor");

        Assert.True(authorizer.Authorize(viewer, RequestInfo.Parse("GET", "/api/v1/namespaces/default/pods", null)).Allowed);
        Assert.True(authorizer.Authorize(viewer, RequestInfo.Parse("GET", "/api/v1/namespaces/default/pods/web/log", null)).Allowed);
        Assert.True(authorizer.Authorize(viewer, RequestInfo.Parse("GET", "/apis/apps/v1/namespaces/default/deployments/d/scale", null)).Allowed);
        Assert.False(authorizer.Authorize(viewer, RequestInfo.Parse("GET", "/api/v1/namespaces/default/secrets/s", null)).Allowed);
        Assert.False(authorizer.Authorize(viewer, RequestInfo.Parse("GET", "/api/v1/namespaces/kube-system/pods", null)).Allowed);
        Assert.True(authorizer.Authorize(editor, RequestInfo.Parse("POST", "/api/v1/namespaces/default/secrets", null)).Allowed);
        Assert.True(authorizer.Authorize(editor, RequestInfo.Parse("POST", "/api/v1/namespaces/default/pods/web/exec", null)).Allowed);
        Assert.False(authorizer.Authorize(editor, RequestInfo.Parse("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", null)).Allowed);
        Assert.False(authorizer.Authorize(editor, RequestInfo.Parse("GET", "/api/v1/nodes", null)).Allowed);
    }

    [Fact]
    public async Task Authorize_OtherKindsWritten_IndexNotRebuilt_RbacKindWritten_Rebuilt()
    {
        var authorizer = new RbacAuthorizer(Registry);
        var carol = new UserInfo("carol", ["system:authenticated"]);
        var listPods = RequestInfo.Parse("GET", "/api/v1/namespaces/kube-public/pods", null);
        Assert.False(authorizer.Authorize(carol, listPods).Allowed);

        await CreateAsync(BuiltInKinds.ConfigMap, "kube-public", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"unrelated"}}""");
        Assert.False(authorizer.Authorize(carol, listPods).Allowed);
        Assert.Equal(1, authorizer.Builds);

        await BindAsync("kube-public", "carol-view", "view", "carol");
        Assert.True(authorizer.Authorize(carol, listPods).Allowed);
        Assert.True(authorizer.Authorize(carol, listPods).Allowed);
        Assert.Equal(2, authorizer.Builds);
    }

    [Fact]
    public async Task RulesFor_BoundUser_ClusterAndNamespaceRules()
    {
        var authorizer = new RbacAuthorizer(Registry);
        var dave = new UserInfo("dave", ["system:authenticated"]);
        await BindAsync("kube-node-lease", "dave-view", "view", "dave");

        var (resourceRules, nonResourceRules) = authorizer.RulesFor(dave, "kube-node-lease");

        Assert.Contains(resourceRules, r => r.Resources.Contains("selfsubjectrulesreviews"));
        Assert.Contains(resourceRules, r => r.Resources.Contains("pods/log"));
        Assert.Contains(nonResourceRules, r => r.NonResourceURLs.Contains("/version"));
        Assert.DoesNotContain(authorizer.RulesFor(dave, "default").ResourceRules, r => r.Resources.Contains("pods/log"));
    }

    private Task BindAsync(string ns, string name, string clusterRole, string user) => CreateAsync(
        BuiltInKinds.RoleBinding,
        ns,
        $$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"{{name}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"{{clusterRole}}"},"subjects":[{"kind":"User","name":"{{user}}"}]}""");

    private async Task CreateAsync(ResourceKind kind, string ns, string json)
    {
        await Registry.CreateAsync(kind, ns, JsonNode.Parse(json)!.AsObject(), WriteOptions.Default, CancellationToken.None);

        // Authorization reads the watch cache, as upstream's reads its informers: a test waits for it to catch up.
        await Registry.SyncAsync(CancellationToken.None);
    }
}
