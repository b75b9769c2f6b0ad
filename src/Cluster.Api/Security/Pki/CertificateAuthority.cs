using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cluster.Api.Security.Pki;

/// <summary>
/// The cluster CA: ECDSA P-256 keys, SHA-256 signatures. It issues the API server's serving
/// certificate and client certificates in the shape Go's crypto/x509 (kubectl, client-go) accepts:
/// names in SANs, EKUs on leaves, positive serials.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>NotBefore is set this far back so a peer whose clock runs a little behind accepts a certificate issued just now.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>A node certificate's CN is this and the node's name, as upstream names kubelets.</summary>
    public const string NodeUserPrefix = "system:node:";

    /// <summary>The group (O) every node certificate carries.</summary>
    public const string NodesGroup = "system:nodes";

    /// <summary>The EKU OIDs leaf certificates carry.</summary>
    public static class Usages
    {
        public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
        public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    }

    /// <summary>The CA certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new self-signed CA.</summary>
    public static CertificateAuthority Create(string commonName, TimeProvider clock, TimeSpan validity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        ArgumentNullException.ThrowIfNull(clock);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var name = subject.Build();
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        // Go requires CA:true and certSign on a CA; both critical, as RFC 5280 asks of a CA.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = clock.GetUtcNow();
        var signer = X509SignatureGenerator.CreateForECDsa(key);
        using var certificate = request.Create(name, signer, now - ClockSkew, now + validity, NewSerial());
        return new CertificateAuthority(RoundTrip(certificate, key.ExportPkcs8PrivateKeyPem()));
    }

    /// <summary>A CA from PEM text (an ECDSA or RSA key, PKCS#8 or the older forms); throws <see cref="InvalidDataException"/> if the key does not match or the certificate is no CA.</summary>
    public static CertificateAuthority FromPem(string certificatePem, string privateKeyPem)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // A key of another certificate is an ArgumentException, an unreadable PEM a CryptographicException.
            throw new InvalidDataException($"the CA certificate and key cannot be used together: {e.Message}", e);
        }

        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true } || (usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign)))
        {
            var subject = certificate.Subject;
            certificate.Dispose();
            throw new InvalidDataException($"the certificate {subject} is not a CA (it needs basic constraints CA:true and, with key usage, keyCertSign)");
        }

        return new CertificateAuthority(certificate);
    }

    public string CertificatePem() => PemFiles.CertificatePem(Certificate);

    public string PrivateKeyPem() => PemFiles.PrivateKeyPem(Certificate);

    /// <summary>The API server's certificate: <paramref name="dnsNames"/> and <paramref name="ips"/> as SANs, EKU serverAuth. Returned with its private key.</summary>
    public X509Certificate2 IssueServing(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> ips, TimeSpan validity, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(ips);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            sans.AddDnsName(dns);
        }

        foreach (var ip in ips.Distinct())
        {
            sans.AddIpAddress(ip);
        }

        return Issue(subject.Build(), sans.Build(), validity, clock, Usages.ServerAuth);
    }

    /// <summary>
    /// A cluster member's certificate for its remoting transport: CN=system:node:NAME, O=system:nodes (upstream's
    /// kubelet identity), EKUs serverAuth and clientAuth (a member both accepts and opens connections), the names
    /// other members reach it by as SANs. Returned with its private key.
    /// </summary>
    public X509Certificate2 IssueNode(string nodeName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> ips, TimeSpan validity, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(ips);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(NodeUserPrefix + nodeName);
        subject.AddOrganizationName(NodesGroup);
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            sans.AddDnsName(dns);
        }

        foreach (var ip in ips.Distinct())
        {
            sans.AddIpAddress(ip);
        }

        return Issue(subject.Build(), sans.Build(), validity, clock, Usages.ServerAuth, Usages.ClientAuth);
    }

    /// <summary>
    /// A user's certificate: CN = user, one O = group each, in order (the RDNs of the subject in DER
    /// order are O=group... then CN, as openssl's "/O=g/CN=u" writes them; Kubernetes reads CN as
    /// the user and every O as a group). EKU clientAuth. Returned with its private key.
    /// </summary>
    public X509Certificate2 IssueClient(string user, IEnumerable<string> groups, TimeSpan validity, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        ArgumentNullException.ThrowIfNull(groups);
        // The builder encodes its RDNs in the reverse order of the calls (it is written in display
        // order, "CN=u, O=g"): CN first, then the groups backwards, yields the DER order O=g..., CN=u.
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(user);
        foreach (var group in groups.Reverse())
        {
            subject.AddOrganizationName(group);
        }

        return Issue(subject.Build(), null, validity, clock, Usages.ClientAuth);
    }

    /// <summary>The user (CN) and groups (every O, in DER order) a client certificate names, as Kubernetes reads them.</summary>
    public static (string User, IReadOnlyList<string> Groups) ClientSubject(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var user = "";
        var groups = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            switch (rdn.GetSingleElementType().Value)
            {
                case "2.5.4.3":
                    user = rdn.GetSingleElementValue() ?? "";
                    break;
                case "2.5.4.10":
                    groups.Add(rdn.GetSingleElementValue() ?? "");
                    break;
            }
        }

        return (user, groups);
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> is valid at <paramref name="at"/>, chains to this CA and
    /// carries <paramref name="requiredEku"/>; <paramref name="reason"/> says why not.
    /// </summary>
    public bool Verify(X509Certificate2 certificate, DateTimeOffset at, string requiredEku, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var time = at.UtcDateTime;
        if (time < certificate.NotBefore.ToUniversalTime() || time > certificate.NotAfter.ToUniversalTime())
        {
            reason = "certificate has expired or is not yet valid";
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = time;
        var built = chain.Build(certificate);
        var root = chain.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate : null;
        if (!built || root is null || !root.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span))
        {
            reason = chain.ChainStatus.Any(s => s.Status == X509ChainStatusFlags.NotTimeValid)
                ? "certificate has expired or is not yet valid"
                : "certificate is not signed by the cluster CA";
            return false;
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault()?.EnhancedKeyUsages;
        if (usages is null || !usages.Cast<Oid>().Any(u => u.Value == requiredEku))
        {
            reason = requiredEku == Usages.ClientAuth ? "certificate is not for client authentication"
                : requiredEku == Usages.ServerAuth ? "certificate is not for server authentication"
                : $"certificate lacks the extended key usage {requiredEku}";
            return false;
        }

        reason = null;
        return true;
    }

    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 Issue(X500DistinguishedName subject, X509Extension? sans, TimeSpan validity, TimeProvider clock, params string[] usages)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow();
        var caNotBefore = new DateTimeOffset(Certificate.NotBefore.ToUniversalTime());
        var caNotAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        // A leaf cannot outlive its CA: Go and .NET reject a chain whose CA has expired anyway.
        var notBefore = now - ClockSkew > caNotBefore ? now - ClockSkew : caNotBefore;
        var notAfter = now + validity < caNotAfter ? now + validity : caNotAfter;
        if (notAfter <= now)
        {
            throw new InvalidOperationException($"the cluster CA {Certificate.Subject} expired at {caNotAfter:u}; it cannot issue certificates");
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var ekus = new OidCollection();
        foreach (var usage in usages)
        {
            ekus.Add(new Oid(usage));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ekus, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (sans is not null)
        {
            request.CertificateExtensions.Add(sans);
        }

        var signer = Signer(out var caKey);
        using (caKey)
        {
            using var certificate = request.Create(Certificate.SubjectName, signer, notBefore, notAfter, NewSerial());
            return RoundTrip(certificate, key.ExportPkcs8PrivateKeyPem());
        }
    }

    /// <summary>Signs with the CA's key: ECDSA for a CA created here, RSA for a given one (kubeadm's CAs are RSA).</summary>
    private X509SignatureGenerator Signer(out IDisposable caKey)
    {
        if (Certificate.GetECDsaPrivateKey() is { } ecdsa)
        {
            caKey = ecdsa;
            return X509SignatureGenerator.CreateForECDsa(ecdsa);
        }

        var rsa = Certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException($"the CA {Certificate.Subject} has no ECDSA or RSA private key");
        caKey = rsa;
        return X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1);
    }

    /// <summary>16 random bytes, the top bit clear (Go rejects negative serials) and the first byte never zero (so the DER integer keeps its 16 octets).</summary>
    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    /// <summary>
    /// The certificate re-read from PEM with its key: CertificateRequest's result with CopyWithPrivateKey
    /// holds an ephemeral key some platforms refuse for TLS, the PEM form is what a restart loads too.
    /// </summary>
    private static X509Certificate2 RoundTrip(X509Certificate2 certificate, string keyPem) =>
        X509Certificate2.CreateFromPem(certificate.ExportCertificatePem(), keyPem);
}
