using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;

namespace Cluster.Api.Tests.Security.Authorization;

public sealed class ForbiddenMessageTests
{
    private static readonly UserInfo Alice = new("alice", ["system:authenticated"]);

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods", "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"")]
    [InlineData("DELETE", "/api/v1/namespaces/default/pods/web", "pods \"web\" is forbidden: User \"alice\" cannot delete resource \"pods\" in API group \"\" in the namespace \"default\"")]
    [InlineData("GET", "/api/v1/nodes", "nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\" at the cluster scope")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web/log", "pods \"web\" is forbidden: User \"alice\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"default\"")]
    [InlineData("GET", "/cluster/members", "forbidden: User \"alice\" cannot get path \"/cluster/members\"")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/x/deployments/d/scale", "deployments.apps \"d\" is forbidden: User \"alice\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"x\"")]
    [InlineData("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "clusterroles.rbac.authorization.k8s.io is forbidden: User \"alice\" cannot create resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope")]
    [InlineData("GET", "/api/v1/namespaces/ns", "namespaces \"ns\" is forbidden: User \"alice\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"ns\"")]
    public void For_DeniedRequest_ReadsAsUpstream(string method, string path, string expected)
    {
        Assert.Equal(expected, ForbiddenMessage.For(Alice, RequestInfo.Parse(method, path, null), ""));
    }

    [Fact]
    public void For_WithReason_AppendsItAfterAColon()
    {
        var message = ForbiddenMessage.For(Alice, RequestInfo.Parse("GET", "/api/v1/nodes", null), "RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found");

        Assert.Equal("nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found", message);
    }

    [Fact]
    public void For_QuotesAndMarkupInRequest_EscapedAsGoQuotesAndSanitized()
    {
        var user = new UserInfo("a\"<b>", []);

        var message = ForbiddenMessage.For(user, RequestInfo.Parse("GET", "/x&y", null), "");

        Assert.Equal("forbidden: User \"a\\\"&lt;b&gt;\" cannot get path \"/x&amp;y\"", message);
    }
}
