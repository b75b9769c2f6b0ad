using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Security.Authentication;

/// <summary>Checks a presented client certificate against the cluster CA (chain, validity now, client-auth usage).</summary>
public interface IClientCertificateVerifier
{
    bool Verify(X509Certificate2 certificate, out string? reason);

    /// <summary>Whether a certificate <see cref="Verify"/> accepted is still within its validity now.</summary>
    bool IsCurrent(X509Certificate2 certificate);
}

/// <summary>Maps a bearer token to its user (static tokens, ServiceAccount tokens); null when the token is not its kind.</summary>
public interface ITokenAuthenticator
{
    UserInfo? Authenticate(string token);
}

/// <summary>Who a request is from, or why that could not be told (a 401).</summary>
public readonly record struct AuthenticationOutcome(UserInfo? User, string? Failure)
{
    public static AuthenticationOutcome NoCredentials { get; } = new(null, null);
}

/// <summary>
/// Upstream's union of request authenticators, in its order: the client certificate (verified against the cluster CA
/// here rather than in the handshake, so an expired or foreign one gets a 401 Status instead of a dropped
/// connection), then a bearer token. Every authenticated user is also in system:authenticated.
/// </summary>
public sealed class RequestAuthenticator(IClientCertificateVerifier? certificates, IEnumerable<ITokenAuthenticator> tokens)
{
    public const string AuthenticatedGroup = "system:authenticated";
    public const string UnauthenticatedGroup = "system:unauthenticated";
    public const string AnonymousUser = "system:anonymous";

    private readonly ITokenAuthenticator[] _tokens = [.. tokens];

    public static UserInfo Anonymous { get; } = new(AnonymousUser, [UnauthenticatedGroup]);

    public AuthenticationOutcome Authenticate(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Connection.ClientCertificate is { } certificate && certificates is not null)
        {
            // A connection presents one certificate for its life: its requests after the first reuse the outcome,
            // except that each one is still held to the certificate's validity (the verifier's first check).
            var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
            if (items?.TryGetValue(ConnectionUserKey, out var cached) == true && cached is ConnectionUser known
                && ReferenceEquals(known.Certificate, certificate) && known.Outcome.User is not null && certificates.IsCurrent(certificate))
            {
                return known.Outcome;
            }

            var outcome = AuthenticateCertificate(certificate);
            if (items is not null)
            {
                items[ConnectionUserKey] = new ConnectionUser(certificate, outcome);
            }

            return outcome;
        }

        if (BearerToken(context.Request.Headers.Authorization.ToString()) is { } token)
        {
            foreach (var authenticator in _tokens)
            {
                if (authenticator.Authenticate(token) is { } user)
                {
                    return new(WithAuthenticatedGroup(user), null);
                }
            }

            return new(null, "invalid bearer token");
        }

        return AuthenticationOutcome.NoCredentials;
    }

    /// <summary>The token of an <c>Authorization: Bearer TOKEN</c> header (scheme case-insensitive, as upstream).</summary>
    private AuthenticationOutcome AuthenticateCertificate(X509Certificate2 certificate)
    {
        if (!certificates!.Verify(certificate, out var reason))
        {
            return new(null, "client certificate refused: " + reason);
        }

        var (name, groups) = Pki.CertificateAuthority.ClientSubject(certificate);
        return name.Length > 0
            ? new(WithAuthenticatedGroup(new UserInfo(name, groups)), null)
            : new(null, "client certificate refused: its subject has no common name");
    }

    public static string? BearerToken(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    private const string ConnectionUserKey = "cluster.certificate-user";

    private sealed record ConnectionUser(X509Certificate2 Certificate, AuthenticationOutcome Outcome);

    private static UserInfo WithAuthenticatedGroup(UserInfo user) =>
        user.Groups.Contains(AuthenticatedGroup) ? user : user with { Groups = [.. user.Groups, AuthenticatedGroup] };
}

/// <summary>The static token file as a token authenticator.</summary>
public sealed class StaticTokenAuthenticator(TokenFile file) : ITokenAuthenticator
{
    public UserInfo? Authenticate(string token) => file.Find(token);
}
