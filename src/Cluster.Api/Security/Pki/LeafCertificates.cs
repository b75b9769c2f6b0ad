using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Cluster.Api.Security.Pki;

/// <summary>What the serving and the admin certificate share: loaded from their files when still good, else issued and written.</summary>
internal static partial class LeafCertificates
{
    /// <summary>The certificate in the two files if it is still good (<paramref name="reissueReason"/> returns null), else a new one, written there.</summary>
    public static X509Certificate2 LoadOrIssue(
        string certificatePath,
        string keyPath,
        Func<X509Certificate2, string?> reissueReason,
        Func<X509Certificate2> issue,
        ILogger logger)
    {
        var existing = TryLoad(certificatePath, keyPath, out var reason);
        if (existing is not null)
        {
            reason = reissueReason(existing);
            if (reason is null)
            {
                return existing;
            }

            existing.Dispose();
        }

        var certificate = issue();
        Write(certificatePath, keyPath, certificate);
        LogIssued(logger, certificate.Subject, reason, certificate.NotAfter.ToUniversalTime(), certificatePath);
        return certificate;
    }

    /// <summary>
    /// Why a certificate must be reissued: not valid now, not from <paramref name="authority"/> or not
    /// for <paramref name="eku"/>, or less than <paramref name="renewBefore"/> left; null if it is good.
    /// </summary>
    public static string? ReissueReason(CertificateAuthority authority, X509Certificate2 certificate, DateTimeOffset now, TimeSpan renewBefore, string eku)
    {
        if (!authority.Verify(certificate, now, eku, out var reason))
        {
            return reason;
        }

        var notAfter = certificate.NotAfter.ToUniversalTime();
        // A certificate that already ends with the CA cannot be extended by reissuing it: renewing it
        // would only repeat every check until the CA is replaced.
        if (notAfter - now.UtcDateTime < renewBefore && notAfter < authority.Certificate.NotAfter.ToUniversalTime())
        {
            return $"it expires at {notAfter:u}, within the renew-before period of {renewBefore}";
        }

        return null;
    }

    /// <summary>The key first: after a crash between the two writes the pair does not match, so the next start issues again.</summary>
    public static void Write(string certificatePath, string keyPath, X509Certificate2 certificate)
    {
        PemFiles.WritePrivateKey(keyPath, certificate);
        PemFiles.WriteCertificate(certificatePath, certificate);
    }

    /// <summary>The pair on disk, or null with why not (missing, unreadable, or a key of another certificate).</summary>
    private static X509Certificate2? TryLoad(string certificatePath, string keyPath, out string reason)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            reason = "none on disk";
            return null;
        }

        try
        {
            reason = "";
            return PemFiles.Load(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            reason = $"the files on disk cannot be used: {e.Message}";
            return null;
        }
    }

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Certificate {Subject} issued ({Reason}), valid until {NotAfter:u}; written to {Path}")]
    private static partial void LogIssued(ILogger logger, string subject, string reason, DateTime notAfter, string path);
}
