using Cluster.Api.Security.Authentication;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// An authorizer's answer. <paramref name="Reason"/> is upstream's: on an allow what allowed it, on a denial what went
/// wrong while looking (empty when simply nothing allowed it); a 403 shows it after the message (<see cref="ForbiddenMessage"/>).
/// </summary>
public sealed record AuthorizationDecision(bool Allowed, string Reason);

/// <summary>Decides whether a user may make a request; runs on every request, so it must answer from memory.</summary>
public interface IRequestAuthorizer
{
    AuthorizationDecision Authorize(UserInfo user, RequestInfo request);
}
