using Cluster.Api.Security.Authentication;
using Cluster.Core.Registry;

namespace Cluster.Api.Security.ServiceAccounts;

/// <summary>
/// Bearer ServiceAccount tokens: a token the key vouches for is still refused when its service account, or the pod or
/// secret it is bound to, is gone or was recreated (another uid), as upstream's bound token validator. The user is
/// system:serviceaccount:NS:NAME in system:serviceaccounts and system:serviceaccounts:NS, with the pod in extra.
/// </summary>
/// <param name="uidOf">The uid of an object (kind, namespace, name) as the API sees it now; null when there is none.</param>
public sealed class ServiceAccountAuthenticator(ServiceAccountTokens tokens, Func<ResourceKind, string, string, string?> uidOf) : ITokenAuthenticator
{
    public const string AllGroup = "system:serviceaccounts";
    public const string PodNameKey = "authentication.kubernetes.io/pod-name";
    public const string PodUidKey = "authentication.kubernetes.io/pod-uid";
    public const string NodeNameKey = "authentication.kubernetes.io/node-name";
    public const string NodeUidKey = "authentication.kubernetes.io/node-uid";

    public ServiceAccountTokens Tokens => tokens;

    public UserInfo? Authenticate(string token) => Authenticate(token, null).User;

    /// <summary>The token's user when it is valid for one of <paramref name="audiences"/> (the API's when null); else why not.</summary>
    public (UserInfo? User, TokenClaims? Claims, string? Error) Authenticate(string token, IReadOnlyCollection<string>? audiences)
    {
        var (claims, error) = tokens.Verify(token, audiences);
        if (claims is null)
        {
            return (null, null, error);
        }

        if (uidOf(BuiltInKinds.ServiceAccount, claims.Namespace, claims.ServiceAccount) != claims.ServiceAccountUid)
        {
            return (null, null, $"service account {claims.Namespace}/{claims.ServiceAccount} no longer exists");
        }

        if (claims.Bound is { } bound)
        {
            var kind = bound.Kind == "Pod" ? BuiltInKinds.Pod : BuiltInKinds.Secret;
            if (uidOf(kind, claims.Namespace, bound.Name) != bound.Uid)
            {
                return (null, null, $"the {bound.Kind.ToLowerInvariant()} {claims.Namespace}/{bound.Name} the token is bound to no longer exists");
            }
        }

        return (UserOf(claims), claims, null);
    }

    public static UserInfo UserOf(TokenClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (claims.Bound is { Kind: "Pod" } pod)
        {
            extra[PodNameKey] = [pod.Name];
            extra[PodUidKey] = [pod.Uid];
        }

        if (claims.Node is { } node)
        {
            extra[NodeNameKey] = [node.Name];
            extra[NodeUidKey] = [node.Uid];
        }

        return new UserInfo(claims.Subject, [AllGroup, AllGroup + ":" + claims.Namespace], claims.ServiceAccountUid, extra.Count > 0 ? extra : null);
    }
}
