using System.Text;
using System.Text.Json.Nodes;
using Cluster.Api.Security.Authentication;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using k8s.Models;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// Upstream's RBAC escalation prevention for one user. A role may be written only by someone who holds every
/// permission it grants, or may <c>escalate</c> roles; a binding only by someone who holds every permission of the
/// role it binds (in the binding's namespace), or may <c>bind</c> that role. Members of system:masters may do both.
/// "Holds" is decided by asking the authorizer about each single permission a rule spells out, so wildcards are held
/// only by those granted the same wildcard, as upstream's rule coverage.
/// </summary>
public sealed class EscalationCheck(UserInfo user, IRequestAuthorizer authorizer, ResourceRegistry registry) : IGrantCheck
{
    private const string RbacGroup = "rbac.authorization.k8s.io";

    public void Check(ResourceKind kind, string ns, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(obj);
        if (user.Groups.Contains("system:masters"))
        {
            return;
        }

        var scope = kind.Namespaced ? ns : "";
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        var isBinding = kind == BuiltInKinds.RoleBinding || kind == BuiltInKinds.ClusterRoleBinding;
        List<V1PolicyRule> rules;
        if (isBinding)
        {
            var roleRef = obj["roleRef"] as JsonObject;
            var roleKind = roleRef?["kind"]?.GetValue<string>() ?? "";
            var roleName = roleRef?["name"]?.GetValue<string>() ?? "";
            var bindVerb = new RequestInfo(true, "", "bind", RbacGroup, "v1", scope, roleKind == "Role" ? "roles" : "clusterroles", "", roleName);
            if (authorizer.Authorize(user, bindVerb).Allowed)
            {
                return;
            }

            rules = RulesOf(roleKind, scope, roleName);
        }
        else
        {
            var escalateVerb = new RequestInfo(true, "", "escalate", RbacGroup, "v1", scope, kind.Plural, "", name);
            if (authorizer.Authorize(user, escalateVerb).Allowed)
            {
                return;
            }

            rules = obj["rules"] is JsonArray array ? k8s.KubernetesJson.Deserialize<List<V1PolicyRule>>(array.ToJsonString()) ?? [] : [];
        }

        var missing = rules.SelectMany(rule => Missing(rule, scope)).Distinct().ToList();
        if (missing.Count > 0)
        {
            var message = new StringBuilder()
                .Append(kind.Plural).Append('.').Append(RbacGroup).Append(" \"").Append(name).Append("\" is forbidden: user \"").Append(user.Name)
                .Append("\" (groups=[").Append(string.Join(' ', user.Groups.Select(g => "\"" + g + "\""))).Append("]) is attempting to grant RBAC permissions not currently held:\n")
                .AppendJoin('\n', missing);
            throw new ApiException(403, "Forbidden", message.ToString(), new StatusDetails(name, RbacGroup, kind.Plural));
        }
    }

    /// <summary>The rules of the bound role as stored (none when it does not exist yet: binding it grants nothing now).</summary>
    private List<V1PolicyRule> RulesOf(string roleKind, string ns, string roleName)
    {
        var cached = roleKind == "Role"
            ? registry.Cache(BuiltInKinds.Role).Get(ns, roleName)
            : registry.Cache(BuiltInKinds.ClusterRole).Get("", roleName);
        return cached is null ? [] : k8s.KubernetesJson.Deserialize<V1Role>(Encoding.UTF8.GetString(cached.Json)).Rules?.ToList() ?? [];
    }

    /// <summary>Each single permission of <paramref name="rule"/> the user lacks, in upstream's rule notation.</summary>
    private IEnumerable<string> Missing(V1PolicyRule rule, string scope)
    {
        foreach (var verb in rule.Verbs ?? [])
        {
            foreach (var url in rule.NonResourceURLs ?? [])
            {
                if (!authorizer.Authorize(user, new RequestInfo(false, url, verb, "", "", "", "", "", "")).Allowed)
                {
                    yield return $"{{NonResourceURLs:[\"{url}\"], Verbs:[\"{verb}\"]}}";
                }
            }

            foreach (var group in rule.ApiGroups ?? [])
            {
                foreach (var resource in rule.Resources ?? [])
                {
                    var slash = resource.IndexOf('/', StringComparison.Ordinal);
                    var (main, sub) = slash < 0 ? (resource, "") : (resource[..slash], resource[(slash + 1)..]);
                    IEnumerable<string> names = rule.ResourceNames is { Count: > 0 } given ? given : [""];
                    foreach (var resourceName in names)
                    {
                        if (!authorizer.Authorize(user, new RequestInfo(true, "", verb, group, "", scope, main, sub, resourceName)).Allowed)
                        {
                            yield return resourceName.Length == 0
                                ? $"{{APIGroups:[\"{group}\"], Resources:[\"{resource}\"], Verbs:[\"{verb}\"]}}"
                                : $"{{APIGroups:[\"{group}\"], Resources:[\"{resource}\"], ResourceNames:[\"{resourceName}\"], Verbs:[\"{verb}\"]}}";
                        }
                    }
                }
            }
        }
    }
}
