using Cluster.Api.Security.Authorization;
using k8s.Models;

namespace Cluster.Api.Tests.Security.Authorization;

public sealed class RuleMatchingTests
{
    [Theory]
    [InlineData("get", "", "pods", "get", "", "pods", "", "", true)]
    [InlineData("get", "", "pods", "list", "", "pods", "", "", false)]
    [InlineData("*", "", "pods", "deletecollection", "", "pods", "", "", true)]
    [InlineData("get list", "", "pods", "list", "", "pods", "", "", true)]
    [InlineData("get", "", "pods", "get", "apps", "pods", "", "", false)]
    [InlineData("get", "*", "pods", "get", "apps", "pods", "", "", true)]
    [InlineData("get", "apps", "*", "get", "apps", "deployments", "scale", "d", true)]
    [InlineData("get", "", "pods", "get", "", "pods", "log", "web", false)]
    [InlineData("get", "", "pods/log", "get", "", "pods", "log", "web", true)]
    [InlineData("get", "", "pods/log", "get", "", "pods", "", "web", false)]
    [InlineData("get", "", "*/log", "get", "", "pods", "log", "web", true)]
    [InlineData("get", "", "*/log", "get", "", "pods", "", "web", false)]
    [InlineData("get", "", "*/status", "get", "", "pods", "log", "web", false)]
    [InlineData("get", "", "pods/*", "get", "", "pods", "log", "web", false)]
    [InlineData("get", "", "services/log", "get", "", "pods", "log", "web", false)]
    public void Allows_ResourceRule_MatchesVerbGroupAndResourceAsUpstream(string verbs, string groups, string resources, string verb, string group, string resource, string subresource, string name, bool allowed)
    {
        var rule = new V1PolicyRule { Verbs = Words(verbs), ApiGroups = [groups], Resources = Words(resources) };
        var request = new RequestInfo(true, "/x", verb, group, "v1", "ns", resource, subresource, name);

        Assert.Equal(allowed, PolicyRuleMatching.Allows(rule, request));
    }

    [Theory]
    [InlineData("get", "web", true)]
    [InlineData("get", "other", false)]
    [InlineData("list", "", false)]
    [InlineData("create", "", false)]
    [InlineData("deletecollection", "", false)]
    [InlineData("list", "web", true)]
    public void Allows_RuleWithResourceNames_OnlyRequestsNamingOne(string verb, string name, bool allowed)
    {
        var rule = new V1PolicyRule { Verbs = ["*"], ApiGroups = [""], Resources = ["pods"], ResourceNames = ["web", "api"] };
        var request = new RequestInfo(true, "/x", verb, "", "v1", "ns", "pods", "", name);

        Assert.Equal(allowed, PolicyRuleMatching.Allows(rule, request));
    }

    [Theory]
    [InlineData("/healthz", "get", "/healthz", true)]
    [InlineData("/healthz", "get", "/healthz/ping", false)]
    [InlineData("/healthz/*", "get", "/healthz/ping", true)]
    [InlineData("/healthz/*", "get", "/healthz", false)]
    [InlineData("/apis/*", "get", "/apis/apps/v1", true)]
    [InlineData("*", "post", "/cluster/members", false)]
    [InlineData("*", "get", "/cluster/members", true)]
    [InlineData("/version", "post", "/version", false)]
    public void Allows_NonResourceRule_MatchesExactOrStarPrefix(string url, string verb, string path, bool allowed)
    {
        var rule = new V1PolicyRule { Verbs = ["get"], NonResourceURLs = [url] };
        var request = new RequestInfo(false, path, verb, "", "", "", "", "", "");

        Assert.Equal(allowed, PolicyRuleMatching.Allows(rule, request));
    }

    [Fact]
    public void Allows_ResourceRuleForNonResourceRequest_Denied()
    {
        var rule = new V1PolicyRule { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"] };

        Assert.False(PolicyRuleMatching.Allows(rule, new RequestInfo(false, "/version", "get", "", "", "", "", "", "")));
    }

    [Fact]
    public void Allows_NonResourceRuleForResourceRequest_Denied()
    {
        var rule = new V1PolicyRule { Verbs = ["*"], NonResourceURLs = ["*"] };

        Assert.False(PolicyRuleMatching.Allows(rule, new RequestInfo(true, "/api/v1/pods", "list", "", "v1", "", "pods", "", "")));
    }

    private static List<string> Words(string text) => [.. text.Split(' ')];
}
