using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Pki;

namespace Cluster.Api.Security.Authentication;

/// <summary>A client certificate is good when the cluster CA signed it, it is valid now and it is for client authentication.</summary>
public sealed class CaCertificateVerifier(CertificateAuthority authority, TimeProvider clock) : IClientCertificateVerifier
{
    public bool Verify(X509Certificate2 certificate, out string? reason) =>
        authority.Verify(certificate, clock.GetUtcNow(), CertificateAuthority.Usages.ClientAuth, out reason);
}
