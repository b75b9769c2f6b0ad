using System.Text.Json.Nodes;

namespace Cluster.Api.Security.ServiceAccounts;

/// <summary>An object a token is bound to (a Pod or a Secret): the token dies with it.</summary>
public sealed record BoundObject(string Kind, string Name, string Uid);

/// <summary>What a token says: whose it is, for whom, until when, and what it is bound to.</summary>
public sealed record TokenClaims(
    string Namespace,
    string ServiceAccount,
    string ServiceAccountUid,
    IReadOnlyList<string> Audiences,
    DateTimeOffset IssuedAt,
    DateTimeOffset Expires,
    BoundObject? Bound = null,
    BoundObject? Node = null)
{
    public const string UserPrefix = "system:serviceaccount:";

    public string Subject => UserPrefix + Namespace + ":" + ServiceAccount;
}

/// <summary>
/// Issues and checks bound ServiceAccount tokens as upstream: ES256 JWTs with iss, aud, sub
/// (system:serviceaccount:NS:NAME), iat, nbf, exp and the "kubernetes.io" claim naming the namespace, the service
/// account, the pod (or secret) the token is bound to and the pod's node. Whether the named objects still exist is the
/// authenticator's to check; this only reads and vouches for the token itself.
/// </summary>
public sealed class ServiceAccountTokens(ServiceAccountKey key, string issuer, TimeProvider clock)
{
    public const string DefaultIssuer = "https://kubernetes.default.svc.cluster.local";

    /// <summary>Clock skew allowed on nbf and exp (upstream's jwt leeway is a minute's fraction; a few seconds do here too).</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(10);

    private const int MaxRemembered = 4096;

    /// <summary>
    /// The payloads of tokens whose signature checked out, by token: a client sends its token with every request, and
    /// the signature check is most of a request's authentication. Only the signature is remembered; expiry, audience
    /// and (in the authenticator) the service account and bound object are checked on every use.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _verified = new(StringComparer.Ordinal);

    public string Issuer => issuer;

    /// <summary>The audiences a token without requested ones is for, and the ones the API server accepts: the issuer.</summary>
    public IReadOnlyList<string> ApiAudiences { get; } = [issuer];

    public TimeProvider Clock => clock;

    /// <summary>A token for <paramref name="claims"/>, valid from its IssuedAt to its Expires.</summary>
    public string Issue(TokenClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var k8s = new JsonObject
        {
            ["namespace"] = claims.Namespace,
            ["serviceaccount"] = new JsonObject { ["name"] = claims.ServiceAccount, ["uid"] = claims.ServiceAccountUid },
        };
        if (claims.Bound is { } bound)
        {
            k8s[bound.Kind == "Pod" ? "pod" : "secret"] = new JsonObject { ["name"] = bound.Name, ["uid"] = bound.Uid };
        }

        if (claims.Node is { } node)
        {
            k8s["node"] = new JsonObject { ["name"] = node.Name, ["uid"] = node.Uid };
        }

        var payload = new JsonObject
        {
            ["aud"] = new JsonArray([.. claims.Audiences.Select(a => (JsonNode)JsonValue.Create(a))]),
            ["exp"] = claims.Expires.ToUnixTimeSeconds(),
            ["iat"] = claims.IssuedAt.ToUnixTimeSeconds(),
            ["iss"] = issuer,
            ["kubernetes.io"] = k8s,
            ["nbf"] = claims.IssuedAt.ToUnixTimeSeconds(),
            ["sub"] = claims.Subject,
        };
        return Jwt.Encode(payload, key);
    }

    /// <summary>
    /// The claims of a token signed with this key, issued by this issuer, valid now and for one of
    /// <paramref name="audiences"/> (the API's when null). Null with no error when the token is not a JWT at all (a
    /// static token, say); null with the reason otherwise. Reasons never quote the token.
    /// </summary>
    public (TokenClaims? Claims, string? Error) Verify(string token, IReadOnlyCollection<string>? audiences = null)
    {
        JsonObject? payload;
        if (_verified.TryGetValue(token, out var known))
        {
            payload = JsonNode.Parse(known)!.AsObject();
        }
        else
        {
            try
            {
                payload = Jwt.Decode(token, key);
            }
            catch (InvalidDataException e)
            {
                return (null, e.Message);
            }

            if (payload is null)
            {
                return (null, null);
            }

            if (_verified.Count >= MaxRemembered)
            {
                _verified.Clear();
            }

            _verified[token] = payload.ToJsonString();
        }

        if (payload["iss"]?.ToString() != issuer)
        {
            return (null, "token issued by another issuer");
        }

        try
        {
            return Claims(payload, audiences ?? ApiAudiences);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            return (null, "malformed claims");
        }
    }

    private (TokenClaims? Claims, string? Error) Claims(JsonObject payload, IReadOnlyCollection<string> accepted)
    {
        var now = clock.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds(payload["exp"]!.GetValue<long>());
        var notBefore = DateTimeOffset.FromUnixTimeSeconds(payload["nbf"]?.GetValue<long>() ?? payload["iat"]!.GetValue<long>());
        if (now > expires + Leeway)
        {
            return (null, "token has expired");
        }

        if (now < notBefore - Leeway)
        {
            return (null, "token is not valid yet");
        }

        List<string> audiences = payload["aud"] switch
        {
            JsonArray list => [.. list.Select(a => a!.GetValue<string>())],
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };
        if (!audiences.Any(accepted.Contains))
        {
            return (null, "token audiences are not accepted");
        }

        var k8s = payload["kubernetes.io"] as JsonObject ?? throw new FormatException("no kubernetes.io claim");
        var account = k8s["serviceaccount"] as JsonObject ?? throw new FormatException("no service account");
        var claims = new TokenClaims(
            k8s["namespace"]!.GetValue<string>(),
            account["name"]!.GetValue<string>(),
            account["uid"]!.GetValue<string>(),
            audiences,
            DateTimeOffset.FromUnixTimeSeconds(payload["iat"]!.GetValue<long>()),
            expires,
            Bound("Pod", k8s["pod"]) ?? Bound("Secret", k8s["secret"]),
            Bound("Node", k8s["node"]));
        return payload["sub"]?.ToString() == claims.Subject ? (claims, null) : (null, "token subject does not match its service account");
    }

    private static BoundObject? Bound(string kind, JsonNode? node) =>
        node is JsonObject o ? new BoundObject(kind, o["name"]!.GetValue<string>(), o["uid"]!.GetValue<string>()) : null;
}
