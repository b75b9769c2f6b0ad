using System.Security.Cryptography.X509Certificates;

namespace Cluster.Api.Security.Pki;

/// <summary>
/// Trust in the cluster CA alone, not the machine's store: what a client of the API (or one member of another) checks
/// a presented server certificate against.
/// </summary>
public static class CertificateTrust
{
    /// <summary>Whether <paramref name="presented"/> chains to one of <paramref name="authorities"/>.</summary>
    public static bool ChainsTo(X509Certificate? presented, params X509Certificate2[] authorities)
    {
        if (presented is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        using var leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>A TLS validation callback: the chain ends at one of <paramref name="authorities"/> and, unless told otherwise, the name matches.</summary>
    public static System.Net.Security.RemoteCertificateValidationCallback Callback(bool checkName, params X509Certificate2[] authorities) =>
        (_, presented, _, errors) =>
            (!checkName || (errors & (System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch | System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable)) == 0)
            && ChainsTo(presented, authorities);
}
