using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Core.Registry;

namespace Cluster.Api.Security.ServiceAccounts;

/// <summary>
/// The serviceaccounts/token subresource (authentication.k8s.io/v1 TokenRequest), shared by the API handler and the
/// node agent, which asks in-process for the tokens it projects into pods: the service account and the bound object
/// are read from the registry, the spec is defaulted and checked as upstream, and the TokenRequest comes back with
/// status.token and status.expirationTimestamp.
/// </summary>
public sealed class TokenRequests(ResourceRegistry registry, ServiceAccountTokens tokens)
{
    public const long DefaultExpirationSeconds = 3600;
    public const long MinExpirationSeconds = 600;
    private const long MaxExpirationSeconds = 1L << 32;
    private static readonly ResourceKind TokenRequestKind = new("authentication.k8s.io", "v1", "TokenRequest", "tokenrequests", Namespaced: true);

    public ServiceAccountTokens Tokens => tokens;

    public async Task<JsonObject> CreateAsync(string ns, string name, JsonObject request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ObjectMeta.GetString(request, "kind") is { Length: > 0 } kind && kind != "TokenRequest")
        {
            throw ApiException.BadRequest($"the body must be a TokenRequest, not a {kind}");
        }

        var account = (await registry.GetAsync(BuiltInKinds.ServiceAccount, ns, name, null, ct).ConfigureAwait(false)).ToJsonObject();
        var spec = request["spec"] as JsonObject ?? [];
        var expiration = spec["expirationSeconds"] is JsonValue e && e.TryGetValue<long>(out var seconds) ? seconds : DefaultExpirationSeconds;
        if (expiration < MinExpirationSeconds)
        {
            throw Invalid(name, "spec.expirationSeconds", expiration, "may not specify a duration less than 10 minutes");
        }

        if (expiration > MaxExpirationSeconds)
        {
            throw Invalid(name, "spec.expirationSeconds", expiration, "may not specify a duration larger than 2^32 seconds");
        }

        var audiences = spec["audiences"] is JsonArray given && given.Count > 0
            ? [.. given.Select(a => a?.ToString() ?? "")]
            : tokens.ApiAudiences.ToList();
        var (bound, node) = await BoundAsync(ns, name, spec["boundObjectRef"] as JsonObject, ct).ConfigureAwait(false);
        var now = tokens.Clock.GetUtcNow();
        var expires = now.AddSeconds(expiration);
        var token = tokens.Issue(new TokenClaims(ns, name, ObjectMeta.Uid(account) ?? "", audiences, now, expires, bound, node));

        var defaulted = new JsonObject
        {
            ["audiences"] = new JsonArray([.. audiences.Select(a => (JsonNode)JsonValue.Create(a))]),
            ["expirationSeconds"] = expiration,
            ["boundObjectRef"] = bound is null ? null : new JsonObject { ["kind"] = bound.Kind, ["apiVersion"] = "v1", ["name"] = bound.Name, ["uid"] = bound.Uid },
        };
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["creationTimestamp"] = ObjectMeta.Timestamp(now) },
            ["spec"] = defaulted,
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = ObjectMeta.Timestamp(expires) },
        };
    }

    /// <summary>The Pod or Secret the token is bound to (its uid checked when given) and, for a scheduled pod, its node.</summary>
    private async Task<(BoundObject? Bound, BoundObject? Node)> BoundAsync(string ns, string account, JsonObject? reference, CancellationToken ct)
    {
        if (reference is null)
        {
            return (null, null);
        }

        var kind = ObjectMeta.GetString(reference, "kind") ?? "";
        var name = ObjectMeta.GetString(reference, "name") ?? "";
        var resource = kind switch
        {
            "Pod" => BuiltInKinds.Pod,
            "Secret" => BuiltInKinds.Secret,
            _ => throw ApiException.BadRequest($"cannot bind token to object of type {kind}"),
        };
        if (ObjectMeta.GetString(reference, "apiVersion") is { Length: > 0 } version && version != "v1")
        {
            throw ApiException.BadRequest($"cannot bind token to object of type {version}, Kind={kind}");
        }

        var obj = (await registry.GetAsync(resource, ns, name, null, ct).ConfigureAwait(false)).ToJsonObject();
        var uid = ObjectMeta.Uid(obj) ?? "";
        if (ObjectMeta.GetString(reference, "uid") is { Length: > 0 } wanted && wanted != uid)
        {
            throw new ApiException(409, "Conflict", $"Operation cannot be fulfilled on {resource.Plural} \"{name}\": the UID in the bound object reference ({wanted}) does not match the UID in record. The object might have been deleted and then recreated");
        }

        if (resource != BuiltInKinds.Pod)
        {
            return (new BoundObject(kind, name, uid), null);
        }

        var podAccount = ObjectMeta.GetString(obj["spec"], "serviceAccountName") is { Length: > 0 } a ? a : "default";
        if (podAccount != account)
        {
            throw ApiException.BadRequest($"cannot bind token for serviceaccount \"{account}\" to pod running with different serviceaccount name.");
        }

        BoundObject? node = null;
        if (ObjectMeta.GetString(obj["spec"], "nodeName") is { Length: > 0 } nodeName
            && registry.Cache(BuiltInKinds.Node).Get("", nodeName)?.Uid is { } nodeUid)
        {
            node = new BoundObject("Node", nodeName, nodeUid);
        }

        return (new BoundObject(kind, name, uid), node);
    }

    private static ApiException Invalid(string name, string field, long value, string message) =>
        ApiException.Invalid(TokenRequestKind, name, [new StatusCause("FieldValueInvalid", "Invalid value: " + value.ToString(CultureInfo.InvariantCulture) + ": " + message, field)]);
}
