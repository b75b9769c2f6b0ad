using Cluster.Api.Security.Authorization;

namespace Cluster.Api.Tests.Security.Authorization;

public sealed class RequestInfoTests
{
    [Theory]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", null, "list", "", "v1", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods/web", null, "get", "", "v1", "ns", "pods", "", "web")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods/web/log", null, "get", "", "v1", "ns", "pods", "log", "web")]
    [InlineData("POST", "/api/v1/namespaces/ns/pods/web/eviction", null, "create", "", "v1", "ns", "pods", "eviction", "web")]
    [InlineData("PUT", "/apis/apps/v1/namespaces/x/deployments/d/scale", null, "update", "apps", "v1", "x", "deployments", "scale", "d")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/x/deployments/d", null, "patch", "apps", "v1", "x", "deployments", "", "d")]
    [InlineData("POST", "/apis/apps/v1/namespaces/x/deployments", null, "create", "apps", "v1", "x", "deployments", "", "")]
    [InlineData("GET", "/api/v1/nodes", null, "list", "", "v1", "", "nodes", "", "")]
    [InlineData("GET", "/api/v1/nodes/n1", null, "get", "", "v1", "", "nodes", "", "n1")]
    [InlineData("PATCH", "/api/v1/nodes/n1/status", null, "patch", "", "v1", "", "nodes", "status", "n1")]
    [InlineData("GET", "/api/v1/namespaces", null, "list", "", "v1", "", "namespaces", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns", null, "get", "", "v1", "ns", "namespaces", "", "ns")]
    [InlineData("DELETE", "/api/v1/namespaces/ns", null, "delete", "", "v1", "ns", "namespaces", "", "ns")]
    [InlineData("PUT", "/api/v1/namespaces/ns/status", null, "update", "", "v1", "ns", "namespaces", "status", "ns")]
    [InlineData("PUT", "/api/v1/namespaces/ns/finalize", null, "update", "", "v1", "ns", "namespaces", "finalize", "ns")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", "true", "watch", "", "v1", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", "1", "watch", "", "v1", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", "", "watch", "", "v1", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", "false", "list", "", "v1", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", "FALSE", "list", "", "v1", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", "0", "list", "", "v1", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods/web", "true", "get", "", "v1", "ns", "pods", "", "web")]
    [InlineData("GET", "/api/v1/watch/namespaces/ns/pods", null, "watch", "", "v1", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/watch/pods", null, "watch", "", "v1", "", "pods", "", "")]
    [InlineData("GET", "/apis/apps/v1/watch/namespaces/ns/deployments/d", null, "watch", "apps", "v1", "ns", "deployments", "", "d")]
    [InlineData("DELETE", "/api/v1/namespaces/ns/pods", null, "deletecollection", "", "v1", "ns", "pods", "", "")]
    [InlineData("DELETE", "/api/v1/namespaces/ns/pods/web", null, "delete", "", "v1", "ns", "pods", "", "web")]
    [InlineData("HEAD", "/api/v1/namespaces/ns/pods/web", null, "get", "", "v1", "ns", "pods", "", "web")]
    [InlineData("OPTIONS", "/api/v1/namespaces/ns/pods/web", null, "", "", "v1", "ns", "pods", "", "web")]
    [InlineData("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/", null, "list", "rbac.authorization.k8s.io", "v1", "", "clusterroles", "", "")]
    public void Parse_ResourcePath_FillsVerbScopeAndResource(string method, string path, string? watch, string verb, string group, string version, string ns, string resource, string subresource, string name)
    {
        var info = RequestInfo.Parse(method, path, watch);

        Assert.Equal(new RequestInfo(true, path, verb, group, version, ns, resource, subresource, name), info);
    }

    [Theory]
    [InlineData("GET", "/version", "get")]
    [InlineData("GET", "/healthz", "get")]
    [InlineData("GET", "/", "get")]
    [InlineData("GET", "", "get")]
    [InlineData("GET", "/api", "get")]
    [InlineData("GET", "/api/v1", "get")]
    [InlineData("GET", "/apis", "get")]
    [InlineData("GET", "/apis/apps", "get")]
    [InlineData("GET", "/apis/apps/v1", "get")]
    [InlineData("GET", "/openapi/v3/apis/apps/v1", "get")]
    [InlineData("POST", "/cluster/members", "post")]
    [InlineData("PUT", "/cluster/members/a", "put")]
    [InlineData("DELETE", "/cluster/members/a", "delete")]
    public void Parse_NonResourcePath_VerbIsLowerCaseMethod(string method, string path, string verb)
    {
        var info = RequestInfo.Parse(method, path, "true");

        Assert.Equal(new RequestInfo(false, path, verb, "", "", "", "", "", ""), info);
    }

    [Theory]
    [InlineData("metadata.name=web", "web")]
    [InlineData("metadata.name==web,status.phase=Running", "web")]
    [InlineData("status.phase=Running,metadata.name=web", "web")]
    [InlineData("metadata.name!=web", "")]
    [InlineData("status.phase=Running", "")]
    [InlineData("metadata.name=a/b", "")]
    [InlineData("metadata.name=..", "")]
    [InlineData("metadata.name", "")]
    public void Parse_ListWithNameFieldSelector_StaysListWithThatName(string selector, string name)
    {
        var list = RequestInfo.Parse("GET", "/api/v1/namespaces/ns/pods", null, selector);
        var watch = RequestInfo.Parse("GET", "/api/v1/namespaces/ns/pods", "true", selector);

        Assert.Equal(("list", name), (list.Verb, list.Name));
        Assert.Equal(("watch", name), (watch.Verb, watch.Name));
    }

    [Fact]
    public void Parse_DeleteCollectionWithNameFieldSelector_NamesNothing()
    {
        var info = RequestInfo.Parse("DELETE", "/api/v1/namespaces/ns/pods", null, "metadata.name=web");

        Assert.Equal(("deletecollection", ""), (info.Verb, info.Name));
    }

    [Fact]
    public void Parse_ProxyVerb_TakesNoSubresource()
    {
        var info = RequestInfo.Parse("GET", "/api/v1/proxy/namespaces/ns/pods/web/some/path", null);

        Assert.Equal(new RequestInfo(true, "/api/v1/proxy/namespaces/ns/pods/web/some/path", "proxy", "", "v1", "ns", "pods", "", "web"), info);
    }
}
