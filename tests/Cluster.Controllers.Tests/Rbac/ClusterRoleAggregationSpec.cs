using System.Text.Json.Nodes;
using Cluster.Controllers.Rbac;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Rbac;

namespace Cluster.Controllers.Tests.Rbac;

public sealed class ClusterRoleAggregationSpec
{
    private const string CronTabRule = """{"apiGroups":["stable.example.com"],"resources":["crontabs"],"verbs":["get","list","watch"]}""";

    [Fact]
    public void RulesToWrite_BootstrapDefaults_NothingToWrite()
    {
        var roles = BootstrapPolicy.ClusterRoles();
        var cached = Cached(roles);

        Assert.All(roles, role => Assert.Null(ClusterRoleAggregationController.RulesToWrite(role, cached)));
    }

    [Fact]
    public void RulesToWrite_RoleLabelledAggregateToView_ReachesViewThenEditThenAdmin()
    {
        var roles = BootstrapPolicy.ClusterRoles().ToList();
        roles.Add(Role("crontab-reader", """{"rbac.authorization.k8s.io/aggregate-to-view":"true"}""", $"[{CronTabRule}]"));

        // Each pass writes what the previous one changed, as the controller's reconciles follow each other's writes.
        foreach (var name in new[] { "view", "edit", "admin" })
        {
            var role = roles.Single(r => ObjectMeta.Name(r) == name);
            var rules = ClusterRoleAggregationController.RulesToWrite(role, Cached(roles));

            Assert.NotNull(rules);
            Assert.Contains(rules, r => JsonNode.DeepEquals(r, JsonNode.Parse(CronTabRule)));
            role["rules"] = rules;
        }

        Assert.All(roles, role => Assert.Null(ClusterRoleAggregationController.RulesToWrite(role, Cached(roles))));
    }

    [Fact]
    public void RulesToWrite_SelectedRoleLosesItsLabel_ItsRulesLeave()
    {
        var aggregated = Role("team", "{}", $"[{CronTabRule}]", """{"clusterRoleSelectors":[{"matchLabels":{"team":"a"}}]}""");
        var member = Role("member", """{"team":"b"}""", $"[{CronTabRule}]");

        var rules = ClusterRoleAggregationController.RulesToWrite(aggregated, Cached([aggregated, member]));

        Assert.Equal("[]", rules?.ToJsonString());
    }

    [Fact]
    public void RulesToWrite_RoleWithoutAggregationRule_KeepsItsOwnRules()
    {
        var plain = Role("plain", """{"team":"a"}""", $"[{CronTabRule}]");

        Assert.Null(ClusterRoleAggregationController.RulesToWrite(plain, Cached([plain])));
    }

    private static List<CachedObject> Cached(IEnumerable<JsonObject> roles) =>
        [.. roles.Select((r, i) => CachedObject.From((JsonObject)r.DeepClone(), i + 1))];

    private static JsonObject Role(string name, string labels, string rules, string? aggregationRule = null)
    {
        var role = JsonNode.Parse($$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"{{name}}","labels":{{labels}}},"rules":{{rules}}}""")!.AsObject();
        if (aggregationRule is not null)
        {
            role["aggregationRule"] = JsonNode.Parse(aggregationRule);
        }

        return role;
    }
}
