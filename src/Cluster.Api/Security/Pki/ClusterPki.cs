using System.Security.Cryptography.X509Certificates;
using Cluster.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Cluster.Api.Security.Pki;

/// <summary>
/// The node's PKI in DATA-DIR/pki: ca.crt and ca.key (unless the CA is given by api.tls.ca-cert-file
/// and ca-key-file: then those are read and not copied, so the key stays where its owner put it),
/// apiserver.crt/.key (the serving certificate), admin.crt/.key (admin.kubeconfig's client certificate) and
/// sa.key/sa.pub (the ServiceAccount token signing key, unless api.tls.service-account-key-file names one).
/// </summary>
public sealed partial class ClusterPki : IDisposable
{
    public const string DirectoryName = "pki";
    public const string AdminUser = "admin";
    public const string MastersGroup = "system:masters";

    /// <summary>A CA created here outlives many serving certificates: replacing it invalidates every kubeconfig issued.</summary>
    public static readonly TimeSpan AuthorityValidity = TimeSpan.FromDays(3650);

    private readonly SecuritySettings _settings;
    private readonly TimeProvider _clock;

    private ClusterPki(string directory, CertificateAuthority authority, string caCertificatePath, ServingCertificate serving, X509Certificate2 admin, ServiceAccounts.ServiceAccountKey serviceAccountKey, SecuritySettings settings, TimeProvider clock)
    {
        ServiceAccountKey = serviceAccountKey;
        Directory = directory;
        Authority = authority;
        CaCertificatePath = caCertificatePath;
        Serving = serving;
        Admin = admin;
        _settings = settings;
        _clock = clock;
    }

    /// <summary>DATA-DIR/pki, absolute.</summary>
    public string Directory { get; }

    public CertificateAuthority Authority { get; }

    /// <summary>The admin client certificate (CN=admin, O=system:masters) with its key.</summary>
    public X509Certificate2 Admin { get; }

    public ServingCertificate Serving { get; }

    /// <summary>The key ServiceAccount tokens are signed and verified with.</summary>
    public ServiceAccounts.ServiceAccountKey ServiceAccountKey { get; }

    /// <summary>pki/ca.crt, or the given api.tls.ca-cert-file.</summary>
    public string CaCertificatePath { get; }

    public string AdminCertificatePath => Path.Combine(Directory, "admin.crt");

    public string AdminKeyPath => Path.Combine(Directory, "admin.key");

    /// <summary>
    /// Loads what exists and creates what is missing. A serving or admin certificate that is expired,
    /// within renew-before of expiry, not issued by the current CA, or (serving) without one of the
    /// wanted names is reissued. Throws <see cref="SettingsException"/> when the CA cannot be read.
    /// </summary>
    public static ClusterPki LoadOrCreate(string dataDirectory, string clusterName, SecuritySettings settings, IEnumerable<string> servingNames, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(servingNames);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        var directory = Path.Combine(Path.GetFullPath(dataDirectory), DirectoryName);
        System.IO.Directory.CreateDirectory(directory);
        var (caCertificatePath, caKeyPath) = AuthorityPaths(dataDirectory, settings);
        var authority = LoadAuthority(dataDirectory, settings);
        if (authority is null)
        {
            authority = CertificateAuthority.Create(clusterName + "-ca", clock, AuthorityValidity);
            PemFiles.WritePrivateKey(caKeyPath, authority.Certificate);
            PemFiles.WriteCertificate(caCertificatePath, authority.Certificate);
            LogAuthorityCreated(logger, authority.Certificate.Subject, caCertificatePath, authority.Certificate.NotAfter.ToUniversalTime());
        }
        else
        {
            LogAuthorityLoaded(logger, authority.Certificate.Subject, caCertificatePath, authority.Certificate.NotAfter.ToUniversalTime());
        }

        try
        {
            var names = ServingNames.Build(servingNames, settings.ExtraSans);
            var serving = new ServingCertificate(authority, names, Path.Combine(directory, "apiserver.crt"), Path.Combine(directory, "apiserver.key"), settings, clock, logger);
            var admin = LeafCertificates.LoadOrIssue(
                Path.Combine(directory, "admin.crt"),
                Path.Combine(directory, "admin.key"),
                c => LeafCertificates.ReissueReason(authority, c, clock.GetUtcNow(), settings.RenewBefore, CertificateAuthority.Usages.ClientAuth),
                () => authority.IssueClient(AdminUser, [MastersGroup], settings.ClientValidity, clock),
                logger);
            var serviceAccountKey = ServiceAccounts.ServiceAccountKey.LoadOrCreate(directory, settings);
            return new ClusterPki(directory, authority, caCertificatePath, serving, admin, serviceAccountKey, settings, clock);
        }
        catch
        {
            authority.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The CA a node of <paramref name="dataDirectory"/> uses: the given api.tls files, else pki/ca.crt
    /// and ca.key; null when there is none yet. Throws <see cref="SettingsException"/> when one
    /// cannot be read, or only one of pki's two files exists (a new CA would silently invalidate
    /// every certificate issued so far).
    /// </summary>
    public static CertificateAuthority? LoadAuthority(string dataDirectory, SecuritySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (certificatePath, keyPath) = AuthorityPaths(dataDirectory, settings);
        var given = settings.CaCertFile.Length > 0;
        var (hasCertificate, hasKey) = (File.Exists(certificatePath), File.Exists(keyPath));
        if (!given && !hasCertificate && !hasKey)
        {
            return null;
        }

        if (!hasCertificate || !hasKey)
        {
            var (present, missing) = hasCertificate ? (certificatePath, keyPath) : (keyPath, certificatePath);
            throw new SettingsException(given
                ? $"the cluster CA file {missing} (api.tls.ca-{(hasCertificate ? "key" : "cert")}-file) does not exist"
                : $"{present} exists without {missing}: restore it, or remove both to create a new cluster CA (every certificate issued so far then stops working)");
        }

        try
        {
            return CertificateAuthority.FromPem(File.ReadAllText(certificatePath), File.ReadAllText(keyPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new SettingsException($"the cluster CA in {certificatePath} and {keyPath} cannot be used: {e.Message}", e);
        }
    }

    /// <summary>A user's client certificate, valid for api.tls.client-validity; not stored in pki/.</summary>
    public X509Certificate2 IssueClient(string user, IEnumerable<string> groups) =>
        Authority.IssueClient(user, groups, _settings.ClientValidity, _clock);

    public void Dispose()
    {
        Serving.DisposeCurrent();
        Admin.Dispose();
        ServiceAccountKey.Dispose();
        Authority.Dispose();
    }

    private static (string Certificate, string Key) AuthorityPaths(string dataDirectory, SecuritySettings settings)
    {
        if (settings.CaCertFile.Length > 0)
        {
            return (Path.GetFullPath(settings.CaCertFile), Path.GetFullPath(settings.CaKeyFile));
        }

        var directory = Path.Combine(Path.GetFullPath(dataDirectory), DirectoryName);
        return (Path.Combine(directory, "ca.crt"), Path.Combine(directory, "ca.key"));
    }

    [LoggerMessage(EventId = 9100, Level = LogLevel.Information, Message = "Cluster CA {Subject} created in {Path}, valid until {NotAfter:u}")]
    private static partial void LogAuthorityCreated(ILogger logger, string subject, string path, DateTime notAfter);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Cluster CA {Subject} loaded from {Path}, valid until {NotAfter:u}")]
    private static partial void LogAuthorityLoaded(ILogger logger, string subject, string path, DateTime notAfter);
}
