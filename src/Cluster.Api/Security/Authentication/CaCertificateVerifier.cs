using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Pki;

namespace Cluster.Api.Security.Authentication;

/// <summary>
/// A client certificate is good when the cluster CA signed it, it is valid now and it is for client authentication.
/// A chain is built once per certificate (every request of a kept-alive connection presents the same one); the
/// validity window is still checked against the clock on each request, so a certificate expires on time.
/// </summary>
public sealed class CaCertificateVerifier(CertificateAuthority authority, TimeProvider clock) : IClientCertificateVerifier
{
    private const int MaxRemembered = 4096;

    private readonly ConcurrentDictionary<string, string?> _chained = new(StringComparer.Ordinal);

    public bool IsCurrent(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = clock.GetUtcNow();
        return now >= certificate.NotBefore.ToUniversalTime() && now <= certificate.NotAfter.ToUniversalTime();
    }

    public bool Verify(X509Certificate2 certificate, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = clock.GetUtcNow();
        if (!IsCurrent(certificate))
        {
            reason = "certificate has expired or is not yet valid";
            return false;
        }

        var key = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        if (!_chained.TryGetValue(key, out reason))
        {
            reason = authority.Verify(certificate, now, CertificateAuthority.Usages.ClientAuth, out var why) ? null : why ?? "refused";
            if (_chained.Count >= MaxRemembered)
            {
                _chained.Clear();
            }

            _chained[key] = reason;
        }

        return reason is null;
    }
}
