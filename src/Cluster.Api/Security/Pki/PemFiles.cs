using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Cluster.Api.Security.Pki;

/// <summary>
/// PEM files with the right modes: private keys 0600, certificates 0644. Each is written to a
/// temporary file in the same folder and moved over the old one, so a reader (or a crash) never
/// sees half a file; a key's temporary file is created 0600 before any byte is written.
/// </summary>
public static class PemFiles
{
    public const UnixFileMode KeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode CertificateMode = KeyMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void WriteCertificate(string path, X509Certificate2 certificate) =>
        WriteAtomically(path, CertificatePem(certificate), CertificateMode);

    /// <summary>The certificate's private key as PKCS#8 ("PRIVATE KEY") PEM.</summary>
    public static void WritePrivateKey(string path, X509Certificate2 certificateWithKey) =>
        WriteAtomically(path, PrivateKeyPem(certificateWithKey), KeyMode);

    /// <summary>A certificate with its key; throws <see cref="CryptographicException"/> if they do not match.</summary>
    public static X509Certificate2 Load(string certificatePath, string keyPath) =>
        X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

    public static string CertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem() + "\n";
    }

    public static string PrivateKeyPem(X509Certificate2 certificateWithKey)
    {
        ArgumentNullException.ThrowIfNull(certificateWithKey);
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificateWithKey.GetECDsaPrivateKey()
            ?? certificateWithKey.GetRSAPrivateKey()
            ?? throw new InvalidOperationException($"the certificate {certificateWithKey.Subject} has no ECDSA or RSA private key");
        using (key)
        {
            return key.ExportPkcs8PrivateKeyPem() + "\n";
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file created with <paramref name="mode"/>.</summary>
    internal static void WriteAtomically(string path, string text, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{path} names no file", nameof(path));
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                // The umask may have narrowed the mode at creation (never widened it, so a key was
                // never readable by others); set it exactly so certificates are world-readable.
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, mode);
                }

                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
