using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class RbacPolicyStrategySpec
{
    [Fact]
    public void Validate_RoleRuleWithoutVerbsGroupsOrResources_IsRequiredEach()
    {
        var causes = StrategyCatalog.For(BuiltInKinds.Role).Validate(Json("""{"metadata":{"name":"r","namespace":"a"},"rules":[{}]}"""));

        HasCause(causes, "rules[0].verbs", "verbs must contain at least one value");
        HasCause(causes, "rules[0].apiGroups", "resource rules must supply at least one api group");
        HasCause(causes, "rules[0].resources", "resource rules must supply at least one resource");
    }

    [Fact]
    public void Validate_NonResourceUrls_OnlyInClusterRolesAndNeverWithResources()
    {
        var role = StrategyCatalog.For(BuiltInKinds.Role).Validate(Json("""{"metadata":{"name":"r","namespace":"a"},"rules":[{"verbs":["get"],"nonResourceURLs":["/healthz"]}]}"""));
        var mixed = StrategyCatalog.For(BuiltInKinds.ClusterRole).Validate(Json("""{"metadata":{"name":"c"},"rules":[{"verbs":["get"],"resources":["pods"],"nonResourceURLs":["/healthz"]}]}"""));
        var fine = StrategyCatalog.For(BuiltInKinds.ClusterRole).Validate(Json("""{"metadata":{"name":"system:c"},"rules":[{"verbs":["get"],"nonResourceURLs":["/healthz"]}]}"""));

        HasCause(role, "rules[0].nonResourceURLs", "namespaced rules cannot apply to non-resource URLs");
        HasCause(mixed, "rules[0].nonResourceURLs", "rules cannot apply to both regular resources and non-resource URLs");
        NoCauses(fine);
    }

    [Fact]
    public void PrepareForCreate_RoleBindingUserSubject_DefaultsTheRbacGroup()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.RoleBinding);
        var binding = Json("""{"metadata":{"name":"b","namespace":"a"},"roleRef":{"kind":"Role","name":"r"},"subjects":[{"kind":"User","name":"alice"},{"kind":"ServiceAccount","name":"robot","namespace":"a"}]}""");

        strategy.PrepareForCreate(binding);

        Assert.Equal("rbac.authorization.k8s.io", Str(binding, "roleRef.apiGroup"));
        Assert.Equal("rbac.authorization.k8s.io", Str(binding, "subjects.0.apiGroup"));
        Assert.Null(At(binding, "subjects.1.apiGroup"));
        NoCauses(strategy.Validate(binding));
    }

    [Fact]
    public void Validate_ClusterRoleBinding_RefersOnlyToClusterRolesAndNeedsServiceAccountNamespaces()
    {
        var causes = StrategyCatalog.For(BuiltInKinds.ClusterRoleBinding).Validate(Json(
            """{"metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},"subjects":[{"kind":"ServiceAccount","name":"robot"},{"kind":"Robot","name":"x"}]}"""));

        HasCause(causes, "roleRef.kind", "Unsupported value: \"Role\"");
        HasCause(causes, "subjects[0].namespace", "Required value");
        HasCause(causes, "subjects[1].kind", "Unsupported value: \"Robot\"");
    }

    [Fact]
    public void ValidateUpdate_ChangedRoleRef_CannotChange()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.RoleBinding);
        var old = Json("""{"metadata":{"name":"b","namespace":"a"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}}""");
        var updated = Json("""{"metadata":{"name":"b","namespace":"a"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"other"}}""");

        HasCause(strategy.ValidateUpdate(updated, old), "roleRef", "cannot change roleRef");
    }

    [Fact]
    public void Validate_PriorityClass_SystemNamesReservedAndUserValuesCapped()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.PriorityClass);

        HasCause(strategy.Validate(Json("""{"metadata":{"name":"system-mine"},"value":5}""")), "metadata.name", "system-mine is not a known system priority class");
        HasCause(strategy.Validate(Json("""{"metadata":{"name":"system-node-critical"},"value":5}""")), "metadata.name", "value of system-node-critical PriorityClass must be 2000001000");
        HasCause(strategy.Validate(Json("""{"metadata":{"name":"huge"},"value":1000000001}""")), "value", "maximum allowed value of a user defined priority is 1000000000");
        foreach (var system in PriorityClassStrategy.SystemClasses())
        {
            NoCauses(strategy.Validate(system));
        }
    }

    [Fact]
    public void ValidateUpdate_PriorityClassValue_MayNotChange()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.PriorityClass);

        HasCause(strategy.ValidateUpdate(Json("""{"metadata":{"name":"p"},"value":2}"""), Json("""{"metadata":{"name":"p"},"value":1}""")), "value", "may not be changed in an update.");
    }

    [Fact]
    public void Validate_PodDisruptionBudget_NotBothAndPercentagesAtMost100()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.PodDisruptionBudget);

        HasCause(strategy.Validate(Json("""{"metadata":{"name":"p","namespace":"a"},"spec":{"minAvailable":1,"maxUnavailable":1}}""")), "spec", "minAvailable and maxUnavailable cannot be both set");
        HasCause(strategy.Validate(Json("""{"metadata":{"name":"p","namespace":"a"},"spec":{"maxUnavailable":"150%"}}""")), "spec.maxUnavailable", "must not be greater than 100%");
        HasCause(strategy.Validate(Json("""{"metadata":{"name":"p","namespace":"a"},"spec":{"minAvailable":-1}}""")), "spec.minAvailable", "must be greater than or equal to 0");
    }

    [Fact]
    public void PrepareForCreate_PodDisruptionBudget_StartsWithZeroCounts()
    {
        var pdb = Json("""{"metadata":{"name":"p","namespace":"a"},"spec":{"minAvailable":1},"status":{"disruptionsAllowed":5}}""");

        StrategyCatalog.For(BuiltInKinds.PodDisruptionBudget).PrepareForCreate(pdb);

        Assert.Equal("""{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}""", pdb["status"]!.ToJsonString());
    }

    [Fact]
    public void Validate_Ingress_NeedsRulesOrDefaultBackend_DnsHosts_TypedAbsolutePaths_OneBackendPort()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Ingress);

        HasCause(strategy.Validate(Json("""{"metadata":{"name":"i","namespace":"a"},"spec":{}}""")), "spec.rules", "either `defaultBackend` or `rules` must be specified");
        var causes = strategy.Validate(Json("""
            {"metadata":{"name":"i","namespace":"a"},"spec":{"rules":[
              {"host":"10.0.0.1","http":{"paths":[{"path":"/","pathType":"Exact","backend":{"service":{"name":"web","port":{"number":80}}}}]}},
              {"host":"*.example.invalid","http":{"paths":[
                {"path":"relative","pathType":"Prefix","backend":{"service":{"name":"web","port":{"name":"http","number":80}}}},
                {"path":"/x","backend":{"service":{"name":"web"}}}]}}]}}
            """));

        HasCause(causes, "spec.rules[0].host", "must be a DNS name, not an IP address");
        NoCauseOn(causes, "spec.rules[1].host");
        HasCause(causes, "spec.rules[1].http.paths[0].path", "must be an absolute path");
        HasCause(causes, "spec.rules[1].http.paths[0].backend.service.port", "cannot set both port name & port number");
        HasCause(causes, "spec.rules[1].http.paths[1].pathType", "pathType must be specified");
        HasCause(causes, "spec.rules[1].http.paths[1].backend.service.port", "port name or number is required");
    }

    [Fact]
    public void Validate_IngressClass_ControllerIsADomainPrefixedPathThatNeverChanges()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.IngressClass);

        HasCause(strategy.Validate(Json("""{"metadata":{"name":"c"},"spec":{"controller":"nginx"}}""")), "spec.controller", "must be a domain-prefixed path");
        NoCauses(strategy.Validate(Json("""{"metadata":{"name":"c"},"spec":{"controller":"k8s.io/ingress-nginx"}}""")));
        HasCause(
            strategy.ValidateUpdate(Json("""{"metadata":{"name":"c"},"spec":{"controller":"k8s.io/other"}}"""), Json("""{"metadata":{"name":"c"},"spec":{"controller":"k8s.io/ingress-nginx"}}""")),
            "spec.controller", "field is immutable");
    }
}
