using Cluster.Api.Security;
using Cluster.Api.Security.Pki;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Api.Tests.Security.Pki;

/// <summary>
/// A fresh data directory, deleted afterwards, a fake clock at a fixed instant (so certificate times
/// are exact) and the log records the PKI wrote.
/// </summary>
public sealed class PkiFixture : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public PkiFixture() => Directory.CreateDirectory(DataDirectory);

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"pki-test-{Guid.NewGuid():N}");

    public string PkiDirectory => Path.Combine(DataDirectory, "pki");

    public FakeTimeProvider Clock { get; } = new(Start);

    public TestOutputLoggerProvider Logs { get; } = new(null);

    /// <summary>Short lifetimes, so rotation is a few days of fake time.</summary>
    public static SecuritySettings Settings { get; } = new()
    {
        ServingValidity = TimeSpan.FromDays(10),
        RenewBefore = TimeSpan.FromDays(2),
        ClientValidity = TimeSpan.FromDays(20),
    };

    public string PathOf(string file) => Path.Combine(PkiDirectory, file);

    /// <summary>A file's permission bits; the PKI's modes are a Unix matter.</summary>
    public static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("file modes are Unix only") : File.GetUnixFileMode(path);

    /// <summary>A node's start: <see cref="ClusterPki.LoadOrCreate"/> on this directory with cluster name "test".</summary>
    public ClusterPki LoadOrCreate(SecuritySettings settings, params IEnumerable<string> servingNames) =>
        LoadOrCreate(settings, Clock, servingNames);

    public ClusterPki LoadOrCreate(SecuritySettings settings, TimeProvider clock, params IEnumerable<string> servingNames) =>
        ClusterPki.LoadOrCreate(DataDirectory, "test", settings, servingNames, clock, Logs.CreateLogger("pki"));

    /// <summary>A CA outside pki/, as api.tls.ca-cert-file and ca-key-file name one.</summary>
    public (string Certificate, string Key) WriteGivenCa(string name, TimeSpan validity)
    {
        using var ca = CertificateAuthority.Create(name, Clock, validity);
        var certificatePath = Path.Combine(DataDirectory, "given", name + ".crt");
        var keyPath = Path.Combine(DataDirectory, "given", name + ".key");
        PemFiles.WriteCertificate(certificatePath, ca.Certificate);
        PemFiles.WritePrivateKey(keyPath, ca.Certificate);
        return (certificatePath, keyPath);
    }

    public void Dispose()
    {
        Logs.Dispose();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
