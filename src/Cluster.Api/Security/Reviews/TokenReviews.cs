using System.Text.Json.Nodes;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.ServiceAccounts;
using Cluster.Core.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Api.Security.Reviews;

/// <summary>
/// TokenReview (authentication.k8s.io/v1): who a bearer token belongs to, by the same token authenticators requests
/// go through, for the audiences the review names (the API's when none). Failures say why, never quoting the token.
/// </summary>
internal static class TokenReviews
{
    public static JsonObject Status(JsonObject review, UserInfo reviewer, IServiceProvider services)
    {
        var spec = review["spec"] as JsonObject;
        var token = spec?["token"] is JsonValue t && t.TryGetValue<string>(out var text) ? text : "";
        if (token.Length == 0)
        {
            throw ApiException.BadRequest("token is required for TokenReview in authentication");
        }

        // The token is the caller's secret: it is not echoed back.
        spec!.Remove("token");
        var serviceAccounts = services.GetRequiredService<ServiceAccountAuthenticator>();
        IReadOnlyList<string> audiences = spec["audiences"] is JsonArray { Count: > 0 } given
            ? [.. given.Select(a => a?.ToString() ?? "")]
            : serviceAccounts.Tokens.ApiAudiences;

        var (user, claims, error) = serviceAccounts.Authenticate(token, audiences);
        IReadOnlyList<string> granted = claims is null ? audiences : [.. audiences.Intersect(claims.Audiences, StringComparer.Ordinal)];
        if (user is null && error is null)
        {
            // Not a ServiceAccount token: the other authenticators (the static token file) are audience-agnostic.
            user = services.GetServices<ITokenAuthenticator>().Where(a => a is not ServiceAccountAuthenticator).Select(a => a.Authenticate(token)).FirstOrDefault(u => u is not null);
        }

        if (user is null)
        {
            return new JsonObject { ["authenticated"] = false, ["user"] = new JsonObject(), ["error"] = error ?? "invalid bearer token" };
        }

        if (!user.Groups.Contains(RequestAuthenticator.AuthenticatedGroup))
        {
            user = user with { Groups = [.. user.Groups, RequestAuthenticator.AuthenticatedGroup] };
        }

        return new JsonObject
        {
            ["authenticated"] = true,
            ["user"] = ReviewEndpoints.UserJson(user),
            ["audiences"] = new JsonArray([.. granted.Select(a => (JsonNode)JsonValue.Create(a))]),
        };
    }
}
