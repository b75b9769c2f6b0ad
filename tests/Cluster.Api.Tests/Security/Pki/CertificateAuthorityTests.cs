using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Pki;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Api.Tests.Security.Pki;

public sealed class CertificateAuthorityTests
{
    private static readonly DateTimeOffset Now = PkiFixture.Start;

    private readonly FakeTimeProvider _clock = new(Now);

    [Fact]
    public void Create_CommonName_SelfSignedCaGoAccepts()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        var certificate = ca.Certificate;

        Assert.Equal("CN=test-ca", certificate.Subject);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        var constraints = Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var usage = Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.True(usage.Critical);
        Assert.Single(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        Assert.Equal(256, certificate.GetECDsaPublicKey()!.KeySize);
        Assert.True(certificate.HasPrivateKey);
        AssertPositiveSerial(certificate);
        Assert.Equal((Now - CertificateAuthority.ClockSkew).UtcDateTime, certificate.NotBefore.ToUniversalTime());
        Assert.Equal((Now + TimeSpan.FromDays(100)).UtcDateTime, certificate.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void IssueServing_NamesAndAddresses_SansServerAuthAndAuthorityKeyId()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        using var serving = ca.IssueServing("kube-apiserver", ["localhost", "node-1.example"], [IPAddress.Loopback, IPAddress.IPv6Loopback], TimeSpan.FromDays(10), _clock);

        Assert.Equal("CN=kube-apiserver", serving.Subject);
        Assert.True(serving.HasPrivateKey);
        var sans = Assert.Single(serving.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["localhost", "node-1.example"], sans.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], sans.EnumerateIPAddresses());
        var aki = Assert.Single(serving.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        var ski = Assert.Single(ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(Convert.FromHexString(ski.SubjectKeyIdentifier!), aki.KeyIdentifier!.Value.ToArray());
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.Single(serving.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        Assert.False(Assert.Single(serving.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        AssertPositiveSerial(serving);
        Assert.Equal((Now - CertificateAuthority.ClockSkew).UtcDateTime, serving.NotBefore.ToUniversalTime());
        Assert.Equal((Now + TimeSpan.FromDays(10)).UtcDateTime, serving.NotAfter.ToUniversalTime());
        Assert.True(ca.Verify(serving, Now, CertificateAuthority.Usages.ServerAuth, out var reason), reason);
    }

    [Fact]
    public void IssueServing_HostNameWithUnderscore_CarriedAsGiven()
    {
        // Host names such as build_agent_1 exist; the serving certificate must still be issued.
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        using var serving = ca.IssueServing("kube-apiserver", ["build_agent_1"], [], TimeSpan.FromDays(10), _clock);

        Assert.Equal(["build_agent_1"], Assert.Single(serving.Extensions.OfType<X509SubjectAlternativeNameExtension>()).EnumerateDnsNames());
    }

    [Fact]
    public void IssueServing_ValidityBeyondCa_EndsWithTheCa()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(5));
        using var serving = ca.IssueServing("kube-apiserver", ["localhost"], [], TimeSpan.FromDays(365), _clock);

        Assert.Equal(ca.Certificate.NotAfter, serving.NotAfter);
    }

    [Fact]
    public void IssueClient_UserAndGroups_CommonNameAndOrganizationsInOrder()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        using var client = ca.IssueClient("alice", ["dev", "system:masters"], TimeSpan.FromDays(1), _clock);

        // DER order, as Go reads it: O=dev, O=system:masters, CN=alice.
        var rdns = client.SubjectName.EnumerateRelativeDistinguishedNames(reversed: false).Select(r => r.GetSingleElementValue() ?? "").ToArray();
        Assert.Equal(["dev", "system:masters", "alice"], rdns);
        var (user, groups) = CertificateAuthority.ClientSubject(client);
        Assert.Equal("alice", user);
        Assert.Equal(["dev", "system:masters"], groups);
        Assert.Equal(CertificateAuthority.Usages.ClientAuth, Assert.Single(Assert.Single(client.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages.Cast<Oid>()).Value);
        Assert.True(client.HasPrivateKey);
        AssertPositiveSerial(client);
        Assert.True(ca.Verify(client, Now, CertificateAuthority.Usages.ClientAuth, out var reason), reason);
        Assert.Null(reason);
    }

    [Fact]
    public void Verify_ExpiredClientCertificate_FailsAsExpired()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        using var client = ca.IssueClient("alice", [], TimeSpan.FromHours(1), _clock);

        Assert.False(ca.Verify(client, Now + TimeSpan.FromHours(2), CertificateAuthority.Usages.ClientAuth, out var reason));
        Assert.Equal("certificate has expired or is not yet valid", reason);
    }

    [Fact]
    public void Verify_CertificateOfAnotherCa_FailsAsNotSigned()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        using var other = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        using var client = other.IssueClient("mallory", ["system:masters"], TimeSpan.FromDays(1), _clock);

        Assert.False(ca.Verify(client, Now, CertificateAuthority.Usages.ClientAuth, out var reason));
        Assert.Equal("certificate is not signed by the cluster CA", reason);
    }

    [Fact]
    public void Verify_ServingCertificateAsClient_FailsForUsage()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        using var serving = ca.IssueServing("kube-apiserver", ["localhost"], [], TimeSpan.FromDays(1), _clock);

        Assert.False(ca.Verify(serving, Now, CertificateAuthority.Usages.ClientAuth, out var reason));
        Assert.Equal("certificate is not for client authentication", reason);
    }

    [Fact]
    public void FromPem_ExportedCa_IssuesCertificatesTheOriginalVerifies()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        Assert.Contains("-----BEGIN PRIVATE KEY-----", ca.PrivateKeyPem(), StringComparison.Ordinal);

        using var loaded = CertificateAuthority.FromPem(ca.CertificatePem(), ca.PrivateKeyPem());
        using var client = loaded.IssueClient("bob", [], TimeSpan.FromDays(1), _clock);

        Assert.Equal(ca.Certificate.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(ca.Verify(client, Now, CertificateAuthority.Usages.ClientAuth, out var reason), reason);
    }

    [Fact]
    public void FromPem_KeyOfAnotherCa_ThrowsInvalidData()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        using var other = CertificateAuthority.Create("other-ca", _clock, TimeSpan.FromDays(100));

        var error = Assert.Throws<InvalidDataException>(() => CertificateAuthority.FromPem(ca.CertificatePem(), other.PrivateKeyPem()));
        Assert.Contains("cannot be used together", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_LeafCertificate_ThrowsNotACa()
    {
        using var ca = CertificateAuthority.Create("test-ca", _clock, TimeSpan.FromDays(100));
        using var client = ca.IssueClient("alice", [], TimeSpan.FromDays(1), _clock);

        var error = Assert.Throws<InvalidDataException>(() => CertificateAuthority.FromPem(PemFiles.CertificatePem(client), PemFiles.PrivateKeyPem(client)));
        Assert.Contains("is not a CA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_RsaCa_IssuesVerifiableCertificates()
    {
        // kubeadm's CAs are RSA with a PKCS#1 key: a cluster may be given one.
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=kubernetes", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var self = request.CreateSelfSigned(Now - TimeSpan.FromDays(1), Now + TimeSpan.FromDays(100));

        using var ca = CertificateAuthority.FromPem(self.ExportCertificatePem(), rsa.ExportRSAPrivateKeyPem());
        using var client = ca.IssueClient("alice", ["dev"], TimeSpan.FromDays(1), _clock);

        Assert.True(ca.Verify(client, Now, CertificateAuthority.Usages.ClientAuth, out var reason), reason);
        Assert.Contains("-----BEGIN PRIVATE KEY-----", ca.PrivateKeyPem(), StringComparison.Ordinal);
    }

    private static void AssertPositiveSerial(X509Certificate2 certificate)
    {
        var serial = certificate.SerialNumberBytes.Span;
        Assert.Equal(16, serial.Length);
        Assert.True(serial[0] is > 0 and < 0x80, $"serial {certificate.SerialNumber} must be positive in 16 octets");
    }
}
