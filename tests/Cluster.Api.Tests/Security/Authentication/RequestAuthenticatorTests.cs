using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Authentication;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Tests.Security.Authentication;

public sealed class RequestAuthenticatorTests
{
    private static readonly TokenFile Tokens = TokenFile.Parse(["good,bob,b1,ops"], "tokens");

    [Fact]
    public void Authenticate_GoodCertificate_CommonNameAndOrganizationsPlusAuthenticated()
    {
        using var authority = Cluster.Api.Security.Pki.CertificateAuthority.Create("test-ca", TimeProvider.System, TimeSpan.FromDays(1));
        using var certificate = authority.IssueClient("alice", ["dev", "system:masters"], TimeSpan.FromDays(1), TimeProvider.System);
        var authenticator = new RequestAuthenticator(new Verifier(true), []);

        var outcome = authenticator.Authenticate(Context(certificate, null));

        Assert.Equal("alice", outcome.User!.Name);
        Assert.Equal(["dev", "system:masters", "system:authenticated"], outcome.User.Groups);
    }

    [Fact]
    public void Authenticate_CertificateTheVerifierRefuses_FailureNotUser()
    {
        using var certificate = SelfSigned("alice");
        var authenticator = new RequestAuthenticator(new Verifier(false), [new StaticTokenAuthenticator(Tokens)]);

        var outcome = authenticator.Authenticate(Context(certificate, "Bearer good"));

        Assert.Null(outcome.User);
        Assert.Equal("client certificate refused: not ours", outcome.Failure);
    }

    [Fact]
    public void Authenticate_CertificateWithoutCommonName_Refused()
    {
        using var certificate = SelfSigned(null, "dev");

        var outcome = new RequestAuthenticator(new Verifier(true), []).Authenticate(Context(certificate, null));

        Assert.Equal("client certificate refused: its subject has no common name", outcome.Failure);
    }

    [Theory]
    [InlineData("Bearer good", "bob")]
    [InlineData("bearer good", "bob")]
    [InlineData("Bearer   good  ", "bob")]
    public void Authenticate_KnownBearerToken_ItsUser(string header, string user)
    {
        var outcome = new RequestAuthenticator(null, [new StaticTokenAuthenticator(Tokens)]).Authenticate(Context(null, header));

        Assert.Equal(user, outcome.User!.Name);
        Assert.Equal(["ops", "system:authenticated"], outcome.User.Groups);
    }

    [Theory]
    [InlineData("Bearer bad", "invalid bearer token")]
    [InlineData("Basic dXNlcjpwYXNz", null)]
    [InlineData("Bearer ", null)]
    [InlineData(null, null)]
    public void Authenticate_NoOrUnknownCredentials_NoUser(string? header, string? failure)
    {
        var outcome = new RequestAuthenticator(null, [new StaticTokenAuthenticator(Tokens)]).Authenticate(Context(null, header));

        Assert.Null(outcome.User);
        Assert.Equal(failure, outcome.Failure);
    }

    [Fact]
    public void Authenticate_SecondRequestOnAConnection_ReusesTheVerifiedUserWhileTheCertificateIsValid()
    {
        using var certificate = SelfSigned("alice", "dev");
        var verifier = new Verifier(true);
        var authenticator = new RequestAuthenticator(verifier, []);
        var connection = new ConnectionItems();

        var first = authenticator.Authenticate(OnConnection(certificate, connection));
        var second = authenticator.Authenticate(OnConnection(certificate, connection));
        verifier.Current = false;
        var expired = authenticator.Authenticate(OnConnection(certificate, connection));

        Assert.Same(first.User, second.User);
        Assert.Null(expired.User);
        Assert.Equal(2, verifier.Verified);
    }

    private static DefaultHttpContext OnConnection(X509Certificate2 certificate, IConnectionItemsFeature connection)
    {
        var context = Context(certificate, null);
        context.Features.Set(connection);
        return context;
    }

    private static DefaultHttpContext Context(X509Certificate2? certificate, string? authorization)
    {
        var context = new DefaultHttpContext();
        context.Connection.ClientCertificate = certificate;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }

    /// <summary>A self-signed certificate with the given CN (if any) and O values.</summary>
    private static X509Certificate2 SelfSigned(string? commonName, params string[] organizations)
    {
        var subject = new X500DistinguishedNameBuilder();
        foreach (var organization in organizations)
        {
            subject.AddOrganizationName(organization);
        }

        if (commonName is not null)
        {
            subject.AddCommonName(commonName);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(40), DateTimeOffset.UnixEpoch.AddYears(80));
    }

    private sealed class Verifier(bool accepts) : IClientCertificateVerifier
    {
        public int Verified { get; private set; }

        public bool Current { get; set; } = true;

        public bool Verify(X509Certificate2 certificate, out string? reason)
        {
            Verified++;
            reason = accepts && Current ? null : "not ours";
            return accepts && Current;
        }

        public bool IsCurrent(X509Certificate2 certificate) => Current;
    }

    private sealed class ConnectionItems : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }
}
