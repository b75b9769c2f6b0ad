using System.Text.Json.Nodes;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Registry.Strategies;

/// <summary>Roles and ClusterRoles: every rule names verbs, and either resources in API groups or non-resource URLs (upstream ValidatePolicyRule).</summary>
internal sealed class RoleStrategy(ResourceKind kind) : ResourceStrategy(kind)
{
    public static RoleStrategy Role { get; } = new(BuiltInKinds.Role);

    public static RoleStrategy ClusterRole { get; } = new(BuiltInKinds.ClusterRole);

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        foreach (var (i, rule) in JsonFields.Items(JsonFields.Arr(obj, "rules")))
        {
            ValidateRule(rule, JsonFields.Index("rules", i), Kind.Namespaced, causes);
        }

        foreach (var (i, selector) in JsonFields.Items(JsonFields.Arr(JsonFields.Obj(obj, "aggregationRule"), "clusterRoleSelectors")))
        {
            LabelSelectors.Validate(selector, JsonFields.Index("aggregationRule.clusterRoleSelectors", i), causes);
        }
    }

    private static void ValidateRule(JsonObject rule, string path, bool namespaced, Causes causes)
    {
        if (Count(rule, "verbs") == 0)
        {
            causes.Required(path + ".verbs", "verbs must contain at least one value");
        }

        if (Count(rule, "nonResourceURLs") > 0)
        {
            if (namespaced)
            {
                causes.Invalid(path + ".nonResourceURLs", rule["nonResourceURLs"], "namespaced rules cannot apply to non-resource URLs");
            }

            if (Count(rule, "apiGroups") > 0 || Count(rule, "resources") > 0 || Count(rule, "resourceNames") > 0)
            {
                causes.Invalid(path + ".nonResourceURLs", rule["nonResourceURLs"], "rules cannot apply to both regular resources and non-resource URLs");
            }

            return;
        }

        if (Count(rule, "apiGroups") == 0)
        {
            causes.Required(path + ".apiGroups", "resource rules must supply at least one api group");
        }

        if (Count(rule, "resources") == 0)
        {
            causes.Required(path + ".resources", "resource rules must supply at least one resource");
        }
    }

    private static int Count(JsonObject rule, string key) => JsonFields.Arr(rule, key)?.Count ?? 0;
}

/// <summary>
/// RoleBindings and ClusterRoleBindings: a roleRef in rbac.authorization.k8s.io that cannot change, and subjects that are
/// users, groups or service accounts (upstream ValidateRoleBinding, SetDefaults_Subject).
/// </summary>
internal sealed class RoleBindingStrategy(ResourceKind kind) : ResourceStrategy(kind)
{
    private const string RbacGroup = "rbac.authorization.k8s.io";

    public static RoleBindingStrategy RoleBinding { get; } = new(BuiltInKinds.RoleBinding);

    public static RoleBindingStrategy ClusterRoleBinding { get; } = new(BuiltInKinds.ClusterRoleBinding);

    protected override void ApplyDefaults(JsonObject obj)
    {
        if (obj["roleRef"] is JsonObject roleRef)
        {
            JsonFields.DefaultString(roleRef, "apiGroup", RbacGroup);
        }

        foreach (var (_, subject) in JsonFields.Items(JsonFields.Arr(obj, "subjects")))
        {
            if (JsonFields.Str(subject, "kind") is "User" or "Group")
            {
                JsonFields.DefaultString(subject, "apiGroup", RbacGroup);
            }
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var roleRef = JsonFields.Obj(obj, "roleRef");
        var apiGroup = JsonFields.Str(roleRef, "apiGroup") ?? "";
        if (apiGroup != RbacGroup)
        {
            causes.NotSupported("roleRef.apiGroup", apiGroup, RbacGroup);
        }

        var kinds = Kind.Namespaced ? new[] { "Role", "ClusterRole" } : ["ClusterRole"];
        var refKind = JsonFields.Str(roleRef, "kind") ?? "";
        if (!kinds.Contains(refKind))
        {
            causes.NotSupported("roleRef.kind", refKind, kinds);
        }

        var name = JsonFields.Str(roleRef, "name") ?? "";
        if (name.Length == 0)
        {
            causes.Required("roleRef.name");
        }
        else
        {
            causes.InvalidEach("roleRef.name", name, NameValidation.IsValidPathSegmentName(name, false));
        }

        foreach (var (i, subject) in JsonFields.Items(JsonFields.Arr(obj, "subjects")))
        {
            ValidateSubject(subject, JsonFields.Index("subjects", i), causes);
        }
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        if (!JsonFields.Same(updated["roleRef"], old["roleRef"]))
        {
            causes.Invalid("roleRef", updated["roleRef"], "cannot change roleRef");
        }
    }

    private void ValidateSubject(JsonObject subject, string path, Causes causes)
    {
        var name = JsonFields.Str(subject, "name") ?? "";
        if (name.Length == 0)
        {
            causes.Required(path + ".name");
        }

        var apiGroup = JsonFields.Str(subject, "apiGroup") ?? "";
        switch (JsonFields.Str(subject, "kind") ?? "")
        {
            case "ServiceAccount":
                if (name.Length > 0)
                {
                    causes.InvalidEach(path + ".name", name, NameValidation.IsDns1123Subdomain(name));
                }

                if (apiGroup.Length > 0)
                {
                    causes.NotSupported(path + ".apiGroup", apiGroup, "");
                }

                if (!Kind.Namespaced && string.IsNullOrEmpty(JsonFields.Str(subject, "namespace")))
                {
                    causes.Required(path + ".namespace");
                }

                break;
            case "User" or "Group":
                if (apiGroup != RbacGroup)
                {
                    causes.NotSupported(path + ".apiGroup", apiGroup, RbacGroup);
                }

                break;
            case var other:
                causes.NotSupported(path + ".kind", other, "ServiceAccount", "User", "Group");
                break;
        }
    }
}
