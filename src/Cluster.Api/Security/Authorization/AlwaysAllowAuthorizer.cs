using Cluster.Api.Security.Authentication;

namespace Cluster.Api.Security.Authorization;

/// <summary>api.authorization.mode AlwaysAllow: every authenticated request is allowed, as upstream's mode of that name.</summary>
public sealed class AlwaysAllowAuthorizer : IRequestAuthorizer
{
    private static readonly AuthorizationDecision Allowed = new(true, "");

    public AuthorizationDecision Authorize(UserInfo user, RequestInfo request) => Allowed;
}
