using Cluster.Api.Security.Authentication;
using k8s.Models;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// Every binding with its role's rules already looked up, indexed by the subjects it names, at one moment; immutable, so
/// any number of requests read it while a newer one is built. A request looks up its user's and groups' bindings (a few
/// dictionary reads) instead of walking every binding as upstream's rule resolver does.
/// </summary>
internal sealed class RbacSnapshot
{
    private const string ServiceAccountPrefix = "system:serviceaccount:";

    private readonly SubjectIndex _cluster;
    private readonly Dictionary<string, SubjectIndex> _namespaces;

    private RbacSnapshot(SubjectIndex cluster, Dictionary<string, SubjectIndex> namespaces)
    {
        _cluster = cluster;
        _namespaces = namespaces;
    }

    /// <summary>Indexes the bindings; the lists' order (the cache's: by namespace and name) is the order rules are visited in.</summary>
    public static RbacSnapshot Build(IReadOnlyList<V1ClusterRole> clusterRoles, IReadOnlyList<V1Role> roles, IReadOnlyList<V1ClusterRoleBinding> clusterRoleBindings, IReadOnlyList<V1RoleBinding> roleBindings)
    {
        var clusterRules = new Dictionary<string, IList<V1PolicyRule>>(StringComparer.Ordinal);
        foreach (var role in clusterRoles)
        {
            clusterRules[role.Metadata?.Name ?? ""] = role.Rules ?? [];
        }

        var roleRules = new Dictionary<(string, string), IList<V1PolicyRule>>();
        foreach (var role in roles)
        {
            roleRules[(role.Metadata?.NamespaceProperty ?? "", role.Metadata?.Name ?? "")] = role.Rules ?? [];
        }

        var ordinal = 0;
        var cluster = new SubjectIndex();
        foreach (var binding in clusterRoleBindings)
        {
            var name = binding.Metadata?.Name ?? "";
            cluster.Add(RbacBinding.Resolve(ordinal++, "ClusterRoleBinding " + ForbiddenMessage.Quote(name), "", binding.RoleRef, binding.Subjects, clusterRules, roleRules));
        }

        var namespaces = new Dictionary<string, SubjectIndex>(StringComparer.Ordinal);
        foreach (var binding in roleBindings)
        {
            var ns = binding.Metadata?.NamespaceProperty ?? "";
            if (!namespaces.TryGetValue(ns, out var index))
            {
                namespaces[ns] = index = new SubjectIndex();
            }

            var description = "RoleBinding " + ForbiddenMessage.Quote((binding.Metadata?.Name ?? "") + "/" + ns);
            index.Add(RbacBinding.Resolve(ordinal++, description, ns, binding.RoleRef, binding.Subjects, clusterRules, roleRules));
        }

        return new RbacSnapshot(cluster, namespaces);
    }

    public AuthorizationDecision Authorize(UserInfo user, RequestInfo request)
    {
        List<string>? errors = null;
        foreach (var binding in BindingsFor(user, request.Namespace))
        {
            if (binding.Error is { } error)
            {
                (errors ??= []).Add(error);
                continue;
            }

            foreach (var rule in binding.Rules)
            {
                if (PolicyRuleMatching.Allows(rule, request))
                {
                    return new AuthorizationDecision(true, binding.AllowedBy(user));
                }
            }
        }

        return new AuthorizationDecision(false, errors is null ? "" : "RBAC: " + Aggregate(errors));
    }

    public (IReadOnlyList<V1ResourceRule> ResourceRules, IReadOnlyList<V1NonResourceRule> NonResourceRules) RulesFor(UserInfo user, string @namespace)
    {
        var resourceRules = new List<V1ResourceRule>();
        var nonResourceRules = new List<V1NonResourceRule>();
        foreach (var binding in BindingsFor(user, @namespace))
        {
            foreach (var rule in binding.Rules)
            {
                if (rule.Resources is { Count: > 0 })
                {
                    resourceRules.Add(new V1ResourceRule { Verbs = rule.Verbs, ApiGroups = rule.ApiGroups, ResourceNames = rule.ResourceNames, Resources = rule.Resources });
                }

                if (rule.NonResourceURLs is { Count: > 0 })
                {
                    nonResourceRules.Add(new V1NonResourceRule { Verbs = rule.Verbs, NonResourceURLs = rule.NonResourceURLs });
                }
            }
        }

        return (resourceRules, nonResourceRules);
    }

    /// <summary>The bindings that apply to the user: cluster-wide ones, then the namespace's; each once, in visiting order.</summary>
    private List<RbacBinding> BindingsFor(UserInfo user, string @namespace)
    {
        var found = new List<RbacBinding>();
        _cluster.Collect(user, found);
        if (@namespace.Length > 0 && _namespaces.TryGetValue(@namespace, out var index))
        {
            index.Collect(user, found);
        }

        if (found.Count > 1)
        {
            // A user reaches a binding through its name and several groups: sort by ordinal, then drop the repeats.
            found.Sort(static (a, b) => a.Ordinal.CompareTo(b.Ordinal));
            var kept = 1;
            for (var i = 1; i < found.Count; i++)
            {
                if (found[i].Ordinal != found[kept - 1].Ordinal)
                {
                    found[kept++] = found[i];
                }
            }

            found.RemoveRange(kept, found.Count - kept);
        }

        return found;
    }

    /// <summary>As upstream's error aggregate reads: one message alone, several (without repeats) in brackets.</summary>
    private static string Aggregate(List<string> errors)
    {
        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    /// <summary>A service account subject without a namespace means the binding's own (none for a ClusterRoleBinding).</summary>
    internal static string ServiceAccountNamespace(Rbacv1Subject subject, RbacBinding binding) =>
        string.IsNullOrEmpty(subject.NamespaceProperty) ? binding.Namespace : subject.NamespaceProperty;

    /// <summary>Whether the subject is the user (upstream's appliesToUser): the index finds the bindings, this picks the subject an allow names.</summary>
    internal static bool AppliesTo(Rbacv1Subject subject, RbacBinding binding, UserInfo user) => subject.Kind switch
    {
        "User" => subject.Name == user.Name,
        "Group" => user.Groups.Contains(subject.Name ?? ""),
        "ServiceAccount" => ServiceAccountNamespace(subject, binding) is { Length: > 0 } ns && user.Name == ServiceAccountPrefix + ns + ":" + subject.Name,
        _ => false,
    };

    /// <summary>The bindings of one scope by the user names and group names their subjects name.</summary>
    private sealed class SubjectIndex
    {
        private readonly Dictionary<string, List<RbacBinding>> _byUser = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<RbacBinding>> _byGroup = new(StringComparer.Ordinal);

        public void Add(RbacBinding binding)
        {
            foreach (var subject in binding.Subjects)
            {
                switch (subject.Kind)
                {
                    case "User":
                        Append(_byUser, subject.Name ?? "", binding);
                        break;
                    case "Group":
                        Append(_byGroup, subject.Name ?? "", binding);
                        break;
                    case "ServiceAccount" when ServiceAccountNamespace(subject, binding) is { Length: > 0 } ns:
                        Append(_byUser, ServiceAccountPrefix + ns + ":" + subject.Name, binding);
                        break;
                }
            }
        }

        public void Collect(UserInfo user, List<RbacBinding> found)
        {
            if (_byUser.TryGetValue(user.Name, out var bindings))
            {
                found.AddRange(bindings);
            }

            foreach (var group in user.Groups)
            {
                if (_byGroup.TryGetValue(group, out bindings))
                {
                    found.AddRange(bindings);
                }
            }
        }

        private static void Append(Dictionary<string, List<RbacBinding>> index, string key, RbacBinding binding)
        {
            if (!index.TryGetValue(key, out var bindings))
            {
                index[key] = bindings = [];
            }

            // A binding naming the same subject twice is still visited once.
            if (bindings.Count == 0 || bindings[^1] != binding)
            {
                bindings.Add(binding);
            }
        }
    }
}
