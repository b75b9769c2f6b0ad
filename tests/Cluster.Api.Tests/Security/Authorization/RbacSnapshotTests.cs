using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using k8s.Models;

namespace Cluster.Api.Tests.Security.Authorization;

/// <summary>The index RBAC answers from, built from typed objects as the authorizer builds it from the registry's caches.</summary>
public sealed class RbacSnapshotTests
{
    private static readonly UserInfo Alice = new("alice", ["devs", "system:authenticated"]);
    private static readonly UserInfo Bob = new("bob", ["system:authenticated"]);

    private static readonly V1ClusterRole PodReader = ClusterRole("pod-reader", new V1PolicyRule { Verbs = ["get", "list"], ApiGroups = [""], Resources = ["pods"] });

    [Fact]
    public void Authorize_ClusterRoleBindingToUser_AllowedInEveryNamespaceWithUpstreamReason()
    {
        var snapshot = Build([PodReader], clusterBindings: [ClusterBinding("read-pods", "pod-reader", User("alice"))]);

        var allowed = snapshot.Authorize(Alice, List("pods", "ns1"));

        Assert.Equal(new AuthorizationDecision(true, "RBAC: allowed by ClusterRoleBinding \"read-pods\" of ClusterRole \"pod-reader\" to User \"alice\""), allowed);
        Assert.True(snapshot.Authorize(Alice, List("pods", "")).Allowed);
        Assert.Equal(new AuthorizationDecision(false, ""), snapshot.Authorize(Bob, List("pods", "ns1")));
        Assert.False(snapshot.Authorize(Alice, List("services", "ns1")).Allowed);
    }

    [Fact]
    public void Authorize_BindingToGroup_AppliesToItsMembersOnly()
    {
        var snapshot = Build([PodReader], clusterBindings: [ClusterBinding("devs", "pod-reader", Group("devs"))]);

        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"devs\" of ClusterRole \"pod-reader\" to Group \"devs\"", snapshot.Authorize(Alice, List("pods", "x")).Reason);
        Assert.False(snapshot.Authorize(Bob, List("pods", "x")).Allowed);
    }

    [Fact]
    public void Authorize_RoleBindingToClusterRole_GrantsItsRulesInTheBindingsNamespaceOnly()
    {
        var snapshot = Build([PodReader], roleBindings: [RoleBinding("ns1", "read", "ClusterRole", "pod-reader", User("alice"))]);

        Assert.Equal("RBAC: allowed by RoleBinding \"read/ns1\" of ClusterRole \"pod-reader\" to User \"alice\"", snapshot.Authorize(Alice, List("pods", "ns1")).Reason);
        Assert.False(snapshot.Authorize(Alice, List("pods", "ns2")).Allowed);
        Assert.False(snapshot.Authorize(Alice, List("pods", "")).Allowed);
    }

    [Fact]
    public void Authorize_RoleBindingToRole_LooksTheRoleUpInTheBindingsNamespace()
    {
        var role = new V1Role { Metadata = new V1ObjectMeta { Name = "r", NamespaceProperty = "ns1" }, Rules = [new V1PolicyRule { Verbs = ["*"], ApiGroups = [""], Resources = ["configmaps"] }] };
        var snapshot = Build(roles: [role], roleBindings: [RoleBinding("ns1", "b", "Role", "r", User("alice")), RoleBinding("ns2", "b", "Role", "r", User("alice"))]);

        Assert.True(snapshot.Authorize(Alice, List("configmaps", "ns1")).Allowed);
        Assert.Equal(new AuthorizationDecision(false, "RBAC: role.rbac.authorization.k8s.io \"r\" not found"), snapshot.Authorize(Alice, List("configmaps", "ns2")));
    }

    [Fact]
    public void Authorize_ServiceAccountSubjects_MatchTheirUserNames()
    {
        var snapshot = Build(
            [PodReader],
            clusterBindings: [ClusterBinding("sa-everywhere", "pod-reader", ServiceAccount("robot", "ci")), ClusterBinding("sa-no-namespace", "pod-reader", ServiceAccount("lost", null))],
            roleBindings: [RoleBinding("ns1", "local", "ClusterRole", "pod-reader", ServiceAccount("app", null))]);
        var robot = new UserInfo("system:serviceaccount:ci:robot", ["system:serviceaccounts"]);
        var app = new UserInfo("system:serviceaccount:ns1:app", []);

        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"sa-everywhere\" of ClusterRole \"pod-reader\" to ServiceAccount \"robot/ci\"", snapshot.Authorize(robot, List("pods", "x")).Reason);
        Assert.Equal("RBAC: allowed by RoleBinding \"local/ns1\" of ClusterRole \"pod-reader\" to ServiceAccount \"app/ns1\"", snapshot.Authorize(app, List("pods", "ns1")).Reason);
        Assert.False(snapshot.Authorize(app with { Name = "system:serviceaccount:ns2:app" }, List("pods", "ns2")).Allowed);
        Assert.False(snapshot.Authorize(new UserInfo("system:serviceaccount::lost", []), List("pods", "x")).Allowed);
    }

    [Fact]
    public void Authorize_BindingsToMissingRoles_DenialReasonNamesThemOnce()
    {
        var snapshot = Build(
            clusterBindings: [ClusterBinding("a", "gone", User("alice")), ClusterBinding("b", "gone", Group("devs")), ClusterBinding("c", "also-gone", User("bob"))],
            roleBindings: [RoleBinding("ns1", "d", "ClusterRole", "missing", Group("devs"))]);

        Assert.Equal("RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found", snapshot.Authorize(Alice, List("pods", "ns2")).Reason);
        Assert.Equal(
            "RBAC: [clusterrole.rbac.authorization.k8s.io \"gone\" not found, clusterrole.rbac.authorization.k8s.io \"missing\" not found]",
            snapshot.Authorize(Alice, List("pods", "ns1")).Reason);
    }

    [Fact]
    public void Authorize_UserReachesABindingTwice_FirstMatchingSubjectNamesIt()
    {
        var snapshot = Build([PodReader], clusterBindings: [ClusterBinding("both", "pod-reader", Group("devs"), User("alice"))]);

        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"both\" of ClusterRole \"pod-reader\" to Group \"devs\"", snapshot.Authorize(Alice, List("pods", "x")).Reason);
    }

    [Fact]
    public void RulesFor_UserInNamespace_ClusterRulesThenNamespaceRulesEachOnce()
    {
        var urls = ClusterRole("urls", new V1PolicyRule { Verbs = ["get"], NonResourceURLs = ["/healthz"] });
        var snapshot = Build(
            [PodReader, urls],
            clusterBindings: [ClusterBinding("urls", "urls", Group("system:authenticated"), User("alice"))],
            roleBindings: [RoleBinding("ns1", "read", "ClusterRole", "pod-reader", User("alice"), Group("devs")), RoleBinding("ns2", "read", "ClusterRole", "pod-reader", User("alice"))]);

        var (resourceRules, nonResourceRules) = snapshot.RulesFor(Alice, "ns1");

        var rule = Assert.Single(resourceRules);
        Assert.Equal(["get", "list"], rule.Verbs);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Null(rule.ResourceNames);
        Assert.Equal(["/healthz"], Assert.Single(nonResourceRules).NonResourceURLs);
        Assert.Empty(snapshot.RulesFor(Alice, "ns3").ResourceRules);
    }

    private static RequestInfo List(string resource, string ns) => new(true, "/api/v1/" + resource, "list", "", "v1", ns, resource, "", "");

    private static RbacSnapshot Build(
        IReadOnlyList<V1ClusterRole>? clusterRoles = null,
        IReadOnlyList<V1Role>? roles = null,
        IReadOnlyList<V1ClusterRoleBinding>? clusterBindings = null,
        IReadOnlyList<V1RoleBinding>? roleBindings = null) =>
        RbacSnapshot.Build(clusterRoles ?? [], roles ?? [], clusterBindings ?? [], roleBindings ?? []);

    private static V1ClusterRole ClusterRole(string name, params V1PolicyRule[] rules) => new() { Metadata = new V1ObjectMeta { Name = name }, Rules = rules };

    private static V1ClusterRoleBinding ClusterBinding(string name, string role, params Rbacv1Subject[] subjects) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
        Subjects = subjects,
    };

    private static V1RoleBinding RoleBinding(string ns, string name, string roleKind, string role, params Rbacv1Subject[] subjects) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = roleKind, Name = role },
        Subjects = subjects,
    };

    private static Rbacv1Subject User(string name) => new() { Kind = "User", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    private static Rbacv1Subject Group(string name) => new() { Kind = "Group", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    private static Rbacv1Subject ServiceAccount(string name, string? ns) => new() { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns };
}
