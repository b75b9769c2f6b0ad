using Cluster.Api.Security.Authentication;
using k8s.Models;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// One RoleBinding or ClusterRoleBinding with the rules of the role it refers to, looked up when the snapshot was built.
/// A role that does not exist grants nothing and leaves <see cref="Error"/>, which a denial reports as upstream does.
/// </summary>
internal sealed class RbacBinding
{
    private static readonly V1PolicyRule[] NoRules = [];

    /// <summary>Upstream's "allowed by" reason for each subject, built once: an allowed request only picks one.</summary>
    private readonly string[] _allowedBy;

    private RbacBinding(int ordinal, string @namespace, IList<Rbacv1Subject> subjects, IList<V1PolicyRule> rules, string? error, string source)
    {
        Ordinal = ordinal;
        Namespace = @namespace;
        Subjects = subjects;
        Rules = rules;
        Error = error;
        _allowedBy = [.. subjects.Select(s => "RBAC: allowed by " + source + " to " + DescribeSubject(s, @namespace))];
    }

    /// <summary>The position in visiting order: cluster role bindings first, then role bindings, each by namespace and name.</summary>
    public int Ordinal { get; }

    /// <summary>The RoleBinding's namespace; empty for a ClusterRoleBinding.</summary>
    public string Namespace { get; }

    public IList<Rbacv1Subject> Subjects { get; }

    public IList<V1PolicyRule> Rules { get; }

    /// <summary>Why the binding grants nothing (its role does not exist), in upstream's words; null when it resolved.</summary>
    public string? Error { get; }

    /// <summary>
    /// <paramref name="description"/>: <c>ClusterRoleBinding "name"</c> or <c>RoleBinding "name/namespace"</c>. A RoleBinding's
    /// Role is looked up in its own namespace; a ClusterRole referred to by a RoleBinding grants its rules in that namespace only.
    /// </summary>
    public static RbacBinding Resolve(
        int ordinal,
        string description,
        string @namespace,
        V1RoleRef? roleRef,
        IList<Rbacv1Subject>? subjects,
        Dictionary<string, IList<V1PolicyRule>> clusterRoles,
        Dictionary<(string, string), IList<V1PolicyRule>> roles)
    {
        var kind = roleRef?.Kind ?? "";
        var name = roleRef?.Name ?? "";
        IList<V1PolicyRule>? rules = null;
        var error = kind switch
        {
            "ClusterRole" when !clusterRoles.TryGetValue(name, out rules) => "clusterrole.rbac.authorization.k8s.io " + ForbiddenMessage.Quote(name) + " not found",
            "Role" when !roles.TryGetValue((@namespace, name), out rules) => "role.rbac.authorization.k8s.io " + ForbiddenMessage.Quote(name) + " not found",
            "ClusterRole" or "Role" => null,
            _ => "unsupported role reference kind: " + ForbiddenMessage.Quote(kind),
        };
        var source = description + " of " + kind + " " + ForbiddenMessage.Quote(name);
        return new RbacBinding(ordinal, @namespace, subjects ?? [], rules ?? NoRules, error, source);
    }

    /// <summary>Upstream's reason for an allowed request: the binding, its role and the first of its subjects that is the user.</summary>
    public string AllowedBy(UserInfo user)
    {
        for (var i = 0; i < Subjects.Count; i++)
        {
            if (RbacSnapshot.AppliesTo(Subjects[i], this, user))
            {
                return _allowedBy[i];
            }
        }

        return "RBAC: allowed";
    }

    private static string DescribeSubject(Rbacv1Subject subject, string bindingNamespace) =>
        subject.Kind == "ServiceAccount"
            ? "ServiceAccount " + ForbiddenMessage.Quote(subject.Name + "/" + (string.IsNullOrEmpty(subject.NamespaceProperty) ? bindingNamespace : subject.NamespaceProperty))
            : subject.Kind + " " + ForbiddenMessage.Quote(subject.Name ?? "");
}
