using System.Security.Cryptography;
using Cluster.Api.Security.Pki;
using Cluster.Core.Configuration;

namespace Cluster.Api.Security.ServiceAccounts;

/// <summary>
/// The ES256 (ECDSA P-256) key ServiceAccount tokens are signed and verified with: DATA-DIR/pki/sa.key (0600, PKCS#8)
/// and sa.pub, created on first start, or the PEM private key api.tls.service-account-key-file names, so every member
/// of a cluster whose CA comes from configuration signs and verifies with the same key.
/// </summary>
public sealed class ServiceAccountKey : IDisposable
{
    public const string KeyFileName = "sa.key";
    public const string PublicFileName = "sa.pub";

    private readonly ECDsa _key;

    private ServiceAccountKey(ECDsa key)
    {
        _key = key;
        // Upstream names the key by the SHA-256 of its public key's DER (SubjectPublicKeyInfo), base64url.
        KeyId = Jwt.Base64Url(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>The JWS header's kid.</summary>
    public string KeyId { get; }

    /// <summary>A fresh key held in memory only (tests, and a node that keeps no PKI).</summary>
    public static ServiceAccountKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>A key from PEM (PKCS#8 or SEC1 "EC PRIVATE KEY"); throws <see cref="InvalidDataException"/> unless it is P-256.</summary>
    public static ServiceAccountKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value || key.KeySize != 256)
            {
                throw new InvalidDataException("the key is not an ECDSA P-256 key (ES256)");
            }

            return new ServiceAccountKey(key);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidDataException("the key is not a PEM ECDSA private key: " + e.Message, e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The key api.tls.service-account-key-file names, else pki/sa.key in <paramref name="pkiDirectory"/> (created with
    /// sa.pub when missing). Throws <see cref="SettingsException"/> naming the file when it cannot be used.
    /// </summary>
    public static ServiceAccountKey LoadOrCreate(string pkiDirectory, SecuritySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var given = settings.ServiceAccountKeyFile.Length > 0;
        var path = given ? Path.GetFullPath(settings.ServiceAccountKeyFile) : Path.Combine(pkiDirectory, KeyFileName);
        if (!given && !File.Exists(path))
        {
            var created = Create();
            PemFiles.WriteAtomically(path, created._key.ExportPkcs8PrivateKeyPem() + "\n", PemFiles.KeyMode);
            PemFiles.WriteAtomically(Path.Combine(pkiDirectory, PublicFileName), created.PublicKeyPem(), PemFiles.CertificateMode);
            return created;
        }

        try
        {
            return FromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new SettingsException($"the service account key {path}{(given ? " (api.tls.service-account-key-file)" : "")} cannot be used: {e.Message}", e);
        }
    }

    public string PublicKeyPem() => _key.ExportSubjectPublicKeyInfoPem() + "\n";

    /// <summary>The JWS signature of <paramref name="data"/>: R||S (IEEE P1363), as ES256 wants, not DER.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        _key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _key.Dispose();
}
