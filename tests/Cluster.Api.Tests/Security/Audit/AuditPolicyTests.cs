using Cluster.Api.Security.Audit;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using Cluster.Core.Configuration;

namespace Cluster.Api.Tests.Security.Audit;

public sealed class AuditPolicyTests
{
    private const string Policy = """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
          - level: None
            users: ["system:kube-proxy"]
          - level: None
            nonResourceURLs: ["/healthz*", "/version"]
          - level: Metadata
            resources:
              - group: ""
                resources: ["pods/log", "pods/status"]
          - level: Request
            verbs: [get]
            userGroups: [ops]
            resources:
              - group: ""
                resources: ["configmaps"]
                resourceNames: ["controller-leader"]
          - level: RequestResponse
            resources:
              - group: ""
                resources: ["*/scale"]
              - group: apps
                resources: ["deployments/*"]
            omitStages: [ResponseStarted]
          - level: RequestResponse
            namespaces: [kube-system]
            omitManagedFields: true
          - level: Request
            resources:
              - group: ""
          - level: Metadata
            nonResourceURLs: ["/apis*"]
        """;

    private static readonly AuditPolicy Parsed = AuditPolicyFile.Parse(Policy, "test.yaml");

    [Theory]
    [InlineData("system:kube-proxy", "", "GET", "/api/v1/namespaces/default/pods", "None")]
    [InlineData("alice", "", "GET", "/healthz/etcd", "None")]
    [InlineData("alice", "", "GET", "/version", "None")]
    [InlineData("alice", "", "GET", "/versions", "None")]
    [InlineData("alice", "", "GET", "/api/v1/namespaces/default/pods/web/log", "Metadata")]
    [InlineData("alice", "", "GET", "/api/v1/namespaces/default/pods/web/status", "Metadata")]
    [InlineData("bob", "ops", "GET", "/api/v1/namespaces/default/configmaps/controller-leader", "Request")]
    [InlineData("bob", "ops", "PUT", "/api/v1/namespaces/default/configmaps/controller-leader", "Request")]
    [InlineData("alice", "dev", "GET", "/api/v1/namespaces/default/configmaps/controller-leader", "Request")]
    [InlineData("alice", "", "PUT", "/api/v1/namespaces/default/replicationcontrollers/rc/scale", "RequestResponse")]
    [InlineData("alice", "", "GET", "/apis/apps/v1/namespaces/default/deployments/d", "RequestResponse")]
    [InlineData("alice", "", "GET", "/apis/apps/v1/namespaces/default/deployments/d/status", "RequestResponse")]
    [InlineData("alice", "", "GET", "/apis/apps/v1/namespaces/kube-system/daemonsets", "RequestResponse")]
    [InlineData("alice", "", "GET", "/apis/apps/v1/namespaces/default/daemonsets", "None")]
    [InlineData("alice", "", "POST", "/api/v1/namespaces/default/services", "Request")]
    [InlineData("alice", "", "GET", "/apis/apps/v1", "Metadata")]
    [InlineData("alice", "", "GET", "/openapi/v3", "None")]
    [InlineData("alice", "", "GET", "/api/v1/namespaces/kube-system/secrets/token", "Metadata")]
    [InlineData("alice", "", "POST", "/api/v1/namespaces/default/secrets", "Metadata")]
    [InlineData("alice", "", "POST", "/api/v1/namespaces/kube-system/serviceaccounts/default/token", "Metadata")]
    [InlineData("alice", "", "POST", "/apis/authentication.k8s.io/v1/tokenreviews", "None")]
    [InlineData(null, "", "GET", "/api/v1/namespaces/default/pods", "Request")]
    public void Evaluate_FirstMatchingRule_GivesTheLevelAsUpstream(string? user, string group, string method, string path, string level)
    {
        var who = user is null ? null : new UserInfo(user, group.Length > 0 ? [group, "system:authenticated"] : ["system:authenticated"]);
        var decision = Parsed.Evaluate(who, RequestInfo.Parse(method, path, null));

        Assert.Equal(level, decision.Level.ToString());
    }

    [Fact]
    public void Evaluate_RuleStagesAndManagedFields_CombineWithThePolicys()
    {
        var scale = Parsed.Evaluate(new UserInfo("a", []), RequestInfo.Parse("GET", "/apis/apps/v1/namespaces/default/deployments/d/scale", null));
        var system = Parsed.Evaluate(new UserInfo("a", []), RequestInfo.Parse("GET", "/apis/apps/v1/namespaces/kube-system/daemonsets", null));

        Assert.Equal((AuditStages.RequestReceived | AuditStages.ResponseStarted, false), (scale.OmitStages, scale.OmitManagedFields));
        Assert.Equal((AuditStages.RequestReceived, true), (system.OmitStages, system.OmitManagedFields));
    }

    [Fact]
    public void Default_EveryRequest_IsMetadataWithEveryStage()
    {
        var decision = AuditPolicy.Default.Evaluate(null, RequestInfo.Parse("GET", "/api/v1/namespaces/default/pods", "true"));

        Assert.Equal(new AuditDecision(AuditLevel.Metadata, AuditStages.None, false), decision);
    }

    [Theory]
    [InlineData("kind: Policy\nrules: [{level: Metadata}]", "apiVersion must be audit.k8s.io/v1")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Other\nrules: [{level: Metadata}]", "kind must be Policy")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []", "rules must be a non-empty list")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Everything}]", "rules[0].level must be")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None}, {level: Metadata, omitStages: [Done]}]", "rules[1].omitStages: unknown stage Done")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, verbs: get}]", "rules[0].verbs must be a list")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: [/x], namespaces: [a]}]", "cannot be combined")]
    [InlineData("apiVersion: [unclosed", "is not valid YAML")]
    public void Parse_Malformed_NamesTheKeyAndTheProblem(string text, string problem)
    {
        var error = Assert.Throws<SettingsException>(() => AuditPolicyFile.Parse(text, "p.yaml"));

        Assert.Equal("api.audit.policy-file", error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
