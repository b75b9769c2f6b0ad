using System.Text;
using System.Text.Json.Nodes;
using Cluster.Api.Security.ServiceAccounts;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Api.Tests.Security.ServiceAccounts;

public sealed class ServiceAccountTokenTests : IDisposable
{
    private const string Issuer = "https://kubernetes.default.svc.cluster.local";
    private readonly ServiceAccountKey _key = ServiceAccountKey.Create();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly Dictionary<(string Kind, string Ns, string Name), string> _objects = new()
    {
        [("ServiceAccount", "default", "robot")] = "sa-uid",
        [("Pod", "default", "web")] = "pod-uid",
    };

    public void Dispose() => _key.Dispose();

    [Fact]
    public void Issue_BoundToPod_HeaderAndClaimsAsUpstream()
    {
        var token = Tokens().Issue(Claims(bound: new BoundObject("Pod", "web", "pod-uid"), node: new BoundObject("Node", "n1", "node-uid")));

        var parts = token.Split('.');
        var header = JsonNode.Parse(Jwt.FromBase64Url(parts[0]))!;
        var payload = JsonNode.Parse(Jwt.FromBase64Url(parts[1]))!;
        Assert.Equal(("ES256", _key.KeyId), (header["alg"]!.GetValue<string>(), header["kid"]!.GetValue<string>()));
        Assert.Equal(64, Jwt.FromBase64Url(parts[2])!.Length);
        Assert.Equal(Issuer, payload["iss"]!.GetValue<string>());
        Assert.Equal("system:serviceaccount:default:robot", payload["sub"]!.GetValue<string>());
        Assert.Equal("[\"" + Issuer + "\"]", payload["aud"]!.ToJsonString());
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), payload["iat"]!.GetValue<long>());
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), payload["nbf"]!.GetValue<long>());
        Assert.Equal(_clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds(), payload["exp"]!.GetValue<long>());
        Assert.Equal(
            "{\"namespace\":\"default\",\"serviceaccount\":{\"name\":\"robot\",\"uid\":\"sa-uid\"},\"pod\":{\"name\":\"web\",\"uid\":\"pod-uid\"},\"node\":{\"name\":\"n1\",\"uid\":\"node-uid\"}}",
            payload["kubernetes.io"]!.ToJsonString());
    }

    [Fact]
    public void Authenticate_ValidBoundToken_ServiceAccountUserWithPodExtra()
    {
        var token = Tokens().Issue(Claims(bound: new BoundObject("Pod", "web", "pod-uid")));

        var user = Authenticator().Authenticate(token)!;

        Assert.Equal(("system:serviceaccount:default:robot", "sa-uid"), (user.Name, user.Uid));
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:default"], user.Groups);
        Assert.Equal(["web"], user.Extra![ServiceAccountAuthenticator.PodNameKey]);
        Assert.Equal(["pod-uid"], user.Extra[ServiceAccountAuthenticator.PodUidKey]);
    }

    [Fact]
    public void Authenticate_TamperedSignature_Refused()
    {
        var token = Tokens().Issue(Claims());
        var last = token[^2] == 'A' ? 'B' : 'A';

        var (user, _, error) = Authenticator().Authenticate(token[..^2] + last + token[^1], null);

        Assert.Null(user);
        Assert.Equal("invalid signature", error);
    }

    [Fact]
    public void Authenticate_TamperedClaims_Refused()
    {
        var parts = Tokens().Issue(Claims()).Split('.');
        var forged = Jwt.Base64Url(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Jwt.FromBase64Url(parts[1])!).Replace("robot", "admin", StringComparison.Ordinal)));

        Assert.Equal("invalid signature", Authenticator().Authenticate(parts[0] + "." + forged + "." + parts[2], null).Error);
    }

    [Fact]
    public void Authenticate_OtherKey_Refused()
    {
        using var other = ServiceAccountKey.Create();
        var token = new ServiceAccountTokens(other, Issuer, _clock).Issue(Claims());

        Assert.Equal("invalid signature", Authenticator().Authenticate(token, null).Error);
    }

    [Fact]
    public void Authenticate_Expired_RefusedAfterLeeway()
    {
        var token = Tokens().Issue(Claims());
        _clock.Advance(TimeSpan.FromHours(1) + ServiceAccountTokens.Leeway);
        Assert.NotNull(Authenticator().Authenticate(token));

        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("token has expired", Authenticator().Authenticate(token, null).Error);
    }

    [Fact]
    public void Verify_TokenSeenBefore_StillHeldToItsExpiryAndAudience()
    {
        var tokens = Tokens();
        var token = tokens.Issue(Claims());
        Assert.NotNull(tokens.Verify(token).Claims);
        Assert.NotNull(tokens.Verify(token).Claims);

        Assert.Equal("token audiences are not accepted", tokens.Verify(token, ["vault"]).Error);
        _clock.Advance(TimeSpan.FromHours(1) + ServiceAccountTokens.Leeway + TimeSpan.FromSeconds(1));
        Assert.Equal("token has expired", tokens.Verify(token).Error);
    }

    [Fact]
    public void Authenticate_WrongAudience_Refused_UnlessReviewAsksForIt()
    {
        var token = Tokens().Issue(Claims(audiences: ["vault"]));

        Assert.Equal("token audiences are not accepted", Authenticator().Authenticate(token, null).Error);
        Assert.NotNull(Authenticator().Authenticate(token, ["vault", "other"]).User);
    }

    [Fact]
    public void Authenticate_ServiceAccountDeletedOrRecreated_Refused()
    {
        var token = Tokens().Issue(Claims());
        _objects[("ServiceAccount", "default", "robot")] = "another-uid";
        Assert.Equal("service account default/robot no longer exists", Authenticator().Authenticate(token, null).Error);

        _objects.Remove(("ServiceAccount", "default", "robot"));
        Assert.Null(Authenticator().Authenticate(token));
    }

    [Fact]
    public void Authenticate_BoundPodDeleted_Refused()
    {
        var token = Tokens().Issue(Claims(bound: new BoundObject("Pod", "web", "pod-uid")));
        _objects.Remove(("Pod", "default", "web"));

        Assert.Equal("the pod default/web the token is bound to no longer exists", Authenticator().Authenticate(token, null).Error);
    }

    [Theory]
    [InlineData("static-token")]
    [InlineData("a.b")]
    [InlineData("!!.??.##")]
    public void Authenticate_NotAJwt_NoErrorSoOtherAuthenticatorsTry(string token)
    {
        var (user, _, error) = Authenticator().Authenticate(token, null);

        Assert.Null(user);
        Assert.Null(error);
    }

    [Fact]
    public void Authenticate_OtherIssuer_Refused()
    {
        var token = new ServiceAccountTokens(_key, "https://elsewhere", _clock).Issue(Claims());

        Assert.Equal("token issued by another issuer", Authenticator().Authenticate(token, null).Error);
    }

    [Fact]
    public void KeyId_SameKeyFromPem_Same()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sa-key-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var created = ServiceAccountKey.LoadOrCreate(dir, Cluster.Api.Security.SecuritySettings.Default);
            using var loaded = ServiceAccountKey.LoadOrCreate(dir, Cluster.Api.Security.SecuritySettings.Default);

            Assert.Equal(created.KeyId, loaded.KeyId);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, Pki.PkiFixture.ModeOf(Path.Combine(dir, ServiceAccountKey.KeyFileName)));
            Assert.Equal(created.PublicKeyPem(), File.ReadAllText(Path.Combine(dir, ServiceAccountKey.PublicFileName)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private ServiceAccountTokens Tokens() => new(_key, Issuer, _clock);

    private ServiceAccountAuthenticator Authenticator() =>
        new(Tokens(), (kind, ns, name) => _objects.GetValueOrDefault((kind.Kind, ns, name)));

    private TokenClaims Claims(BoundObject? bound = null, BoundObject? node = null, string[]? audiences = null) =>
        new("default", "robot", "sa-uid", audiences ?? [Issuer], _clock.GetUtcNow(), _clock.GetUtcNow().AddHours(1), bound, node);
}
