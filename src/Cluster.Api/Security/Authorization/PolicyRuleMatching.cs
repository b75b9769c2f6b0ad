using k8s.Models;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// Whether one RBAC rule covers a request, as upstream's RuleAllows and the rbac/v1 evaluation helpers decide: rules only
/// ever add permissions, so a request is allowed as soon as any rule bound to its user covers it.
/// </summary>
internal static class PolicyRuleMatching
{
    public static bool Allows(V1PolicyRule rule, RequestInfo request)
    {
        if (!Contains(rule.Verbs, request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return NonResourceUrlMatches(rule.NonResourceURLs, request.Path);
        }

        return Contains(rule.ApiGroups, request.ApiGroup)
            && ResourceMatches(rule.Resources, request.Resource, request.Subresource)
            && ResourceNameMatches(rule.ResourceNames, request.Name);
    }

    /// <summary>"*" or the exact value (verbs and API groups).</summary>
    private static bool Contains(IList<string>? values, string requested)
    {
        if (values is null)
        {
            return false;
        }

        foreach (var value in values)
        {
            if (value == "*" || value == requested)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"*", the exact "resource" or "resource/subresource", or "*/subresource" for that subresource of every resource.</summary>
    private static bool ResourceMatches(IList<string>? resources, string resource, string subresource)
    {
        if (resources is null)
        {
            return false;
        }

        foreach (var value in resources)
        {
            if (value == "*")
            {
                return true;
            }

            if (subresource.Length == 0)
            {
                if (value == resource)
                {
                    return true;
                }

                continue;
            }

            // Either "resource/subresource" or "*/subresource", without building the combined string per rule.
            var slash = value.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0
                && value.AsSpan(slash + 1).SequenceEqual(subresource)
                && (value.AsSpan(0, slash).SequenceEqual(resource) || (slash == 1 && value[0] == '*')))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>No names: every object. Otherwise only a request naming one of them (create, list and deletecollection name none).</summary>
    private static bool ResourceNameMatches(IList<string>? names, string name) =>
        names is not { Count: > 0 } || names.Contains(name);

    /// <summary>"*", the exact path, or a prefix ending in "*" ("/apis/*" covers "/apis/apps/v1").</summary>
    private static bool NonResourceUrlMatches(IList<string>? urls, string path)
    {
        if (urls is null)
        {
            return false;
        }

        foreach (var url in urls)
        {
            if (url == "*" || url == path || (url.EndsWith('*') && path.AsSpan().StartsWith(url.AsSpan().TrimEnd('*'), StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
