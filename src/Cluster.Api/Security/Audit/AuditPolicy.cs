using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;

namespace Cluster.Api.Security.Audit;

/// <summary>How much of a request the audit log records, as upstream's levels (each includes the ones before).</summary>
public enum AuditLevel
{
    None,
    Metadata,
    Request,
    RequestResponse,
}

/// <summary>The points in a request's life an event is written at (a set, for omitStages).</summary>
[Flags]
public enum AuditStages
{
    None = 0,
    RequestReceived = 1,
    ResponseStarted = 2,
    ResponseComplete = 4,
    Panic = 8,
}

/// <summary>A rule's resources in one API group (the core group is ""): "pods", "pods/log", "*", "*/status", "pods/*".</summary>
public sealed record AuditGroupResources(string Group, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames);

/// <summary>One rule of an audit.k8s.io/v1 Policy; an empty list matches anything.</summary>
public sealed record AuditPolicyRule(AuditLevel Level)
{
    public IReadOnlyList<string> Users { get; init; } = [];

    public IReadOnlyList<string> UserGroups { get; init; } = [];

    public IReadOnlyList<string> Verbs { get; init; } = [];

    public IReadOnlyList<AuditGroupResources> Resources { get; init; } = [];

    /// <summary>"" stands for cluster-scoped resources.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Exact paths, or prefixes ending in "*".</summary>
    public IReadOnlyList<string> NonResourceUrls { get; init; } = [];

    public AuditStages OmitStages { get; init; }

    /// <summary>Null: the policy's setting.</summary>
    public bool? OmitManagedFields { get; init; }
}

/// <summary>What the policy says for one request.</summary>
public readonly record struct AuditDecision(AuditLevel Level, AuditStages OmitStages, bool OmitManagedFields);

/// <summary>
/// An audit.k8s.io/v1 Policy: the first rule that matches a request decides its level (none matching: not recorded), as
/// upstream's policy checker. Secrets and token requests are never recorded beyond Metadata, whatever the rules say.
/// </summary>
public sealed record AuditPolicy(IReadOnlyList<AuditPolicyRule> Rules, AuditStages OmitStages = AuditStages.None, bool OmitManagedFields = false)
{
    /// <summary>Without a policy file: every request at Metadata, every stage.</summary>
    public static AuditPolicy Default { get; } = new([new AuditPolicyRule(AuditLevel.Metadata)]);

    /// <summary>The highest level any rule gives: whether bodies may ever be needed.</summary>
    public AuditLevel MaxLevel => Rules.Count == 0 ? AuditLevel.None : Rules.Max(r => r.Level);

    /// <summary><paramref name="user"/> is null for a request that failed authentication.</summary>
    public AuditDecision Evaluate(UserInfo? user, RequestInfo request)
    {
        foreach (var rule in Rules)
        {
            if (Matches(rule, user, request))
            {
                var level = rule.Level > AuditLevel.Metadata && IsSensitive(request) ? AuditLevel.Metadata : rule.Level;
                return new(level, OmitStages | rule.OmitStages, rule.OmitManagedFields ?? OmitManagedFields);
            }
        }

        return new(AuditLevel.None, OmitStages, OmitManagedFields);
    }

    /// <summary>Requests whose bodies carry secret values or credentials: secrets, token reviews, service account tokens.</summary>
    public static bool IsSensitive(RequestInfo request) =>
        request.IsResourceRequest && (request.Resource is "secrets" or "tokenreviews" || (request.Resource == "serviceaccounts" && request.Subresource == "token"));

    private static bool Matches(AuditPolicyRule rule, UserInfo? user, RequestInfo request)
    {
        if (rule.Users.Count > 0 && (user is null || !rule.Users.Contains(user.Name)))
        {
            return false;
        }

        if (rule.UserGroups.Count > 0 && (user is null || !user.Groups.Any(rule.UserGroups.Contains)))
        {
            return false;
        }

        if (rule.Verbs.Count > 0 && !rule.Verbs.Contains(request.Verb))
        {
            return false;
        }

        if (rule.Namespaces.Count > 0 || rule.Resources.Count > 0)
        {
            return MatchesResource(rule, request);
        }

        return rule.NonResourceUrls.Count == 0 || (!request.IsResourceRequest && rule.NonResourceUrls.Any(spec => PathMatches(request.Path, spec)));
    }

    private static bool PathMatches(string path, string spec) =>
        spec == "*" || spec == path || (spec.EndsWith('*') && path.StartsWith(spec.TrimEnd('*'), StringComparison.Ordinal));

    private static bool MatchesResource(AuditPolicyRule rule, RequestInfo request)
    {
        if (!request.IsResourceRequest || (rule.Namespaces.Count > 0 && !rule.Namespaces.Contains(request.Namespace)))
        {
            return false;
        }

        if (rule.Resources.Count == 0)
        {
            return true;
        }

        var combined = request.Subresource.Length > 0 ? request.Resource + "/" + request.Subresource : request.Resource;
        foreach (var group in rule.Resources)
        {
            if (group.Group != request.ApiGroup)
            {
                continue;
            }

            if (group.Resources.Count == 0)
            {
                return true;
            }

            if (group.ResourceNames.Count > 0 && !group.ResourceNames.Contains(request.Name))
            {
                continue;
            }

            foreach (var resource in group.Resources)
            {
                if (resource == combined || resource == "*"
                    || (request.Subresource.Length > 0 && resource.StartsWith("*/", StringComparison.Ordinal) && resource[2..] == request.Subresource)
                    || (resource.EndsWith("/*", StringComparison.Ordinal) && resource[..^2] == request.Resource))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
