using System.Text;
using System.Text.Json.Nodes;

namespace Cluster.Api.Security.ServiceAccounts;

/// <summary>Compact JWS (RFC 7515) with ES256 over JSON claims: header.payload.signature, each base64url without padding.</summary>
public static class Jwt
{
    public const string Algorithm = "ES256";

    /// <summary>Longest token looked at: a real one is under 2 KiB, so anything far larger is not ours and not parsed.</summary>
    private const int MaxLength = 16 * 1024;

    public static string Encode(JsonObject claims, ServiceAccountKey key)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(key);
        var header = new JsonObject { ["alg"] = Algorithm, ["kid"] = key.KeyId };
        var signed = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return signed + "." + Base64Url(key.Sign(Encoding.ASCII.GetBytes(signed)));
    }

    /// <summary>
    /// The claims of a token whose signature <paramref name="key"/> verifies; null when it is not a JWS at all (another
    /// authenticator's token). Throws <see cref="InvalidDataException"/> when it is one but not ours or not intact.
    /// </summary>
    public static JsonObject? Decode(string token, ServiceAccountKey key)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(key);
        var parts = token.Split('.');
        if (token.Length > MaxLength || parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return null;
        }

        if (FromBase64Url(parts[0]) is not { } headerBytes || ParseObject(headerBytes) is not { } header)
        {
            return null;
        }

        if (header["alg"]?.ToString() != Algorithm)
        {
            throw new InvalidDataException("unsupported signing algorithm");
        }

        if (FromBase64Url(parts[2]) is not { } signature || !key.Verify(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature))
        {
            throw new InvalidDataException("invalid signature");
        }

        return FromBase64Url(parts[1]) is { } payload && ParseObject(payload) is { } claims
            ? claims
            : throw new InvalidDataException("malformed claims");
    }

    public static string Base64Url(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[]? FromBase64Url(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }

    private static JsonObject? ParseObject(byte[] json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
