using System.Text.Json.Nodes;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;

namespace Cluster.Api.Tests.Security.Authorization;

/// <summary>The Node authorizer over a registry holding two nodes' pods: each node reaches its own objects only.</summary>
public sealed class NodeAuthorizerTests(RbacRegistryFixture fixture) : IClassFixture<RbacRegistryFixture>
{
    private static readonly UserInfo NodeA = new("system:node:node-a", ["system:nodes", "system:authenticated"]);
    private static readonly UserInfo NodeB = new("system:node:node-b", ["system:nodes", "system:authenticated"]);

    private ResourceRegistry Registry => fixture.Host.Registry;

    [Fact]
    public async Task Authorize_PodReads_OnlyItsOwnPodsAndOnlyListsPinnedToItself()
    {
        var authorizer = await SeededAsync();

        Assert.True(Allows(authorizer, NodeA, "GET", "/api/v1/namespaces/na/pods/on-a"));
        Assert.False(Allows(authorizer, NodeA, "GET", "/api/v1/namespaces/na/pods/on-b"));
        Assert.True(Allows(authorizer, NodeB, "GET", "/api/v1/namespaces/na/pods/on-b"));
        Assert.True(Allows(authorizer, NodeA, "GET", "/api/v1/pods", fieldSelector: "spec.nodeName=node-a"));
        Assert.True(Allows(authorizer, NodeA, "GET", "/api/v1/pods", watch: "true", fieldSelector: "spec.nodeName=node-a"));
        Assert.False(Allows(authorizer, NodeA, "GET", "/api/v1/pods", fieldSelector: "spec.nodeName=node-b"));
        var unpinned = authorizer.Authorize(NodeA, RequestInfo.Parse("GET", "/api/v1/pods", null));
        Assert.False(unpinned.Allowed);
        Assert.Equal("can only list/watch pods with spec.nodeName field selector", unpinned.Reason);
    }

    [Fact]
    public async Task Authorize_SecretsAndConfigMaps_OnlyThoseItsPodsUseOneAtATime()
    {
        var authorizer = await SeededAsync();

        Assert.True(Allows(authorizer, NodeA, "GET", "/api/v1/namespaces/na/secrets/secret-a"));
        Assert.True(Allows(authorizer, NodeA, "GET", "/api/v1/namespaces/na/configmaps/config-a"));
        Assert.True(Allows(authorizer, NodeA, "GET", "/api/v1/namespaces/na/secrets", watch: "1", fieldSelector: "metadata.name=secret-a"));
        Assert.False(Allows(authorizer, NodeA, "GET", "/api/v1/namespaces/na/secrets/secret-b"));
        Assert.False(Allows(authorizer, NodeA, "GET", "/api/v1/namespaces/na/secrets"));
        Assert.True(Allows(authorizer, NodeB, "GET", "/api/v1/namespaces/na/secrets/secret-b"));
        var denied = authorizer.Authorize(NodeB, RequestInfo.Parse("GET", "/api/v1/namespaces/na/secrets/secret-a", null));
        Assert.Equal("no relationship found between node 'node-b' and this object", denied.Reason);
    }

    [Fact]
    public async Task Authorize_NodesLeasesAndTokens_OnlyItsOwn()
    {
        var authorizer = await SeededAsync();

        Assert.True(Allows(authorizer, NodeA, "GET", "/api/v1/nodes/node-a"));
        Assert.False(Allows(authorizer, NodeA, "GET", "/api/v1/nodes/node-b"));
        Assert.True(Allows(authorizer, NodeA, "PATCH", "/api/v1/nodes/node-a/status"));
        Assert.True(Allows(authorizer, NodeA, "PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a"));
        Assert.False(Allows(authorizer, NodeA, "PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-b"));
        Assert.False(Allows(authorizer, NodeA, "GET", "/apis/coordination.k8s.io/v1/namespaces/default/leases/node-a"));
        Assert.True(Allows(authorizer, NodeA, "POST", "/api/v1/namespaces/na/serviceaccounts/runner-a/token"));
        Assert.False(Allows(authorizer, NodeA, "POST", "/api/v1/namespaces/na/serviceaccounts/runner-b/token"));
    }

    [Fact]
    public async Task Authorize_BeyondTheNodeRole_Denied()
    {
        var authorizer = await SeededAsync();

        Assert.False(Allows(authorizer, NodeA, "PUT", "/api/v1/namespaces/na/pods/on-a"));
        Assert.False(Allows(authorizer, NodeA, "POST", "/apis/apps/v1/namespaces/na/deployments"));
        Assert.False(Allows(authorizer, NodeA, "DELETE", "/api/v1/namespaces/na/secrets/secret-a"));
        Assert.False(Allows(authorizer, new UserInfo("system:node:", ["system:nodes"]), "GET", "/api/v1/nodes/node-a"));

        // Writes the role allows pass here; NodeRestriction keeps them to the node's own objects.
        Assert.True(Allows(authorizer, NodeA, "PATCH", "/api/v1/namespaces/na/pods/on-b/status"));
    }

    [Fact]
    public async Task Authorize_SomeoneElse_DecidedByRbac()
    {
        var authorizer = await SeededAsync();
        var notANode = new UserInfo("system:node:node-a", ["system:authenticated"]);

        Assert.False(Allows(authorizer, notANode, "GET", "/api/v1/namespaces/na/pods/on-a"));
        Assert.True(Allows(authorizer, new UserInfo("admin", ["system:masters"]), "GET", "/api/v1/namespaces/na/secrets"));
    }

    private static bool Allows(NodeAuthorizer authorizer, UserInfo user, string method, string path, string? watch = null, string? fieldSelector = null) =>
        authorizer.Authorize(user, RequestInfo.Parse(method, path, watch, fieldSelector)).Allowed;

    private async Task<NodeAuthorizer> SeededAsync()
    {
        if (Registry.Cache(BuiltInKinds.Pod).Get("na", "on-a") is null)
        {
            await CreateAsync(BuiltInKinds.Namespace, "", """{"metadata":{"name":"na"}}""");
            await CreateAsync(BuiltInKinds.Pod, "na", Pod("on-a", "node-a", "secret-a", "config-a", "runner-a"));
            await CreateAsync(BuiltInKinds.Pod, "na", Pod("on-b", "node-b", "secret-b", "config-b", "runner-b"));
            await Registry.SyncAsync(CancellationToken.None);
        }

        return new NodeAuthorizer(new RbacAuthorizer(Registry), Registry);
    }

    private static string Pod(string name, string node, string secret, string config, string account) =>
        new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["nodeName"] = node,
                ["serviceAccountName"] = account,
                ["automountServiceAccountToken"] = false,
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "c",
                    ["image"] = "busybox",
                    ["envFrom"] = new JsonArray(new JsonObject { ["configMapRef"] = new JsonObject { ["name"] = config } }),
                }),
                ["volumes"] = new JsonArray(new JsonObject { ["name"] = "s", ["secret"] = new JsonObject { ["secretName"] = secret } }),
            },
        }.ToJsonString();

    private async Task CreateAsync(ResourceKind kind, string ns, string json) =>
        await Registry.CreateAsync(kind, ns, JsonNode.Parse(json)!.AsObject(), WriteOptions.Default, CancellationToken.None);
}
