using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Rbac;
using Cluster.Core.Registry.Strategies;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Tests.Registry.Rbac;

public sealed class BootstrapPolicySpec
{
    [Fact]
    public void ClusterRoles_AfterDefaulting_PassMetadataAndStrategyValidation()
    {
        foreach (var role in BootstrapPolicy.ClusterRoles())
        {
            AssertValid(BuiltInKinds.ClusterRole, role);
        }
    }

    [Fact]
    public void ClusterRoleBindings_AfterDefaulting_PassMetadataAndStrategyValidation()
    {
        foreach (var binding in BootstrapPolicy.ClusterRoleBindings())
        {
            AssertValid(BuiltInKinds.ClusterRoleBinding, binding);
        }
    }

    [Fact]
    public void ClusterRoleBindings_EachRefersToABootstrapClusterRole()
    {
        var roles = BootstrapPolicy.ClusterRoles().Select(ObjectMeta.Name).ToHashSet();

        foreach (var binding in BootstrapPolicy.ClusterRoleBindings())
        {
            Assert.Contains(binding["roleRef"]!["name"]!.GetValue<string>(), roles);
        }
    }

    [Fact]
    public void Objects_CarryUpstreamsBootstrapLabelAndAutoupdateAnnotation()
    {
        foreach (var obj in BootstrapPolicy.ClusterRoles().Concat(BootstrapPolicy.ClusterRoleBindings()))
        {
            Assert.Equal("rbac-defaults", ObjectMeta.Labels(obj)["kubernetes.io/bootstrapping"]);
            Assert.Equal("true", ObjectMeta.Annotations(obj)["rbac.authorization.kubernetes.io/autoupdate"]);
        }
    }

    [Fact]
    public void AggregatedRoles_RulesPrefilled_EqualWhatAggregationComputes()
    {
        var roles = BootstrapPolicy.ClusterRoles();

        foreach (var name in new[] { "admin", "edit", "view" })
        {
            var role = roles.Single(r => ObjectMeta.Name(r) == name);
            Assert.NotNull(ClusterRoleAggregation.Selectors(role));
            Assert.NotEmpty((JsonArray)role["rules"]!);
            Assert.True(ClusterRoleAggregation.SameRules(ClusterRoleAggregation.Union(role, roles), (JsonArray)role["rules"]!), name + " is not its aggregation's fixed point");
        }
    }

    [Fact]
    public void AggregatedRoles_Nest_ViewInEditInAdmin()
    {
        var roles = BootstrapPolicy.ClusterRoles();
        JsonArray Rules(string name) => (JsonArray)roles.Single(r => ObjectMeta.Name(r) == name)["rules"]!;

        Assert.True(ContainsAll(Rules("edit"), Rules("view")));
        Assert.True(ContainsAll(Rules("admin"), Rules("edit")));
        Assert.False(ContainsAll(Rules("view"), Rules("edit")));
    }

    [Fact]
    public void View_ReadsNoSecrets_EditWritesThem()
    {
        var roles = BootstrapPolicy.ClusterRoles();
        IEnumerable<string> Resources(string name, string verb) => ((JsonArray)roles.Single(r => ObjectMeta.Name(r) == name)["rules"]!)
            .Where(r => Strings(r!["verbs"]).Contains(verb))
            .SelectMany(r => Strings(r!["resources"]));

        Assert.DoesNotContain("secrets", Resources("view", "get"));
        Assert.Contains("secrets", Resources("edit", "get"));
        Assert.Contains("secrets", Resources("edit", "create"));
        Assert.Contains("pods/log", Resources("view", "get"));
        Assert.Contains("rolebindings", Resources("admin", "create"));
        Assert.DoesNotContain("rolebindings", Resources("edit", "create"));
    }

    [Fact]
    public void Union_SelectorsMatchingRoles_TakesRulesInNameOrderOnceWithoutItself()
    {
        var shared = JsonNode.Parse("""{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}""")!.AsObject();
        var aggregated = Role("agg", """{"x":"true"}""", """[{"verbs":["list"],"apiGroups":[""],"resources":["stale"]}]""", """{"clusterRoleSelectors":[{"matchLabels":{"x":"true"}}]}""");
        var b = Role("b", """{"x":"true"}""", $$"""[{{shared.ToJsonString()}},{"verbs":["get"],"apiGroups":["apps"],"resources":["deployments"]}]""");
        var a = Role("a", """{"x":"true"}""", $$"""[{"verbs":["get"],"resourceNames":[],"apiGroups":[""],"resources":["pods"]}]""");
        var other = Role("c", """{"y":"true"}""", """[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}]""");

        var rules = ClusterRoleAggregation.Union(aggregated, [b, other, aggregated, a]);

        Assert.Equal("""[{"verbs":["get"],"resourceNames":[],"apiGroups":[""],"resources":["pods"]},{"verbs":["get"],"apiGroups":["apps"],"resources":["deployments"]}]""", rules.ToJsonString());
    }

    private static void AssertValid(ResourceKind kind, JsonObject obj)
    {
        var strategy = StrategyCatalog.For(kind);
        strategy.PrepareForCreate(obj);
        var causes = MetadataValidation.ValidateCreate(obj, kind).Concat(strategy.Validate(obj)).ToList();

        Assert.True(causes.Count == 0, ObjectMeta.Name(obj) + ": " + string.Join("; ", causes.Select(c => c.Field + ": " + c.Message)));
    }

    private static bool ContainsAll(JsonArray outer, JsonArray inner) =>
        inner.All(rule => outer.Any(r => JsonNode.DeepEquals(r, rule)));

    private static IEnumerable<string> Strings(JsonNode? array) => ((JsonArray?)array ?? []).Select(v => v!.GetValue<string>());

    private static JsonObject Role(string name, string labels, string rules, string? aggregationRule = null)
    {
        var role = JsonNode.Parse($$"""{"metadata":{"name":"{{name}}","labels":{{labels}}},"rules":{{rules}}}""")!.AsObject();
        if (aggregationRule is not null)
        {
            role["aggregationRule"] = JsonNode.Parse(aggregationRule);
        }

        return role;
    }
}
