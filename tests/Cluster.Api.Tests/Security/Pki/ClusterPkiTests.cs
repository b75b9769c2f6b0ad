using System.Net;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Pki;
using Cluster.Core.Configuration;

namespace Cluster.Api.Tests.Security.Pki;

public sealed class ClusterPkiTests : IDisposable
{
    private readonly PkiFixture _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void LoadOrCreate_EmptyDataDirectory_CreatesCaServingAndAdminWithModes()
    {
        using var pki = _pki.LoadOrCreate(PkiFixture.Settings with { ExtraSans = ["api.example.com", "192.168.1.10", "localhost"] }, "10.0.0.5", "node-1.example", "[fd00::1]", "0.0.0.0");

        Assert.Equal(_pki.PkiDirectory, pki.Directory);
        Assert.Equal("CN=test-ca", pki.Authority.Certificate.Subject);
        Assert.Equal(_pki.PathOf("ca.crt"), pki.CaCertificatePath);
        Assert.Equal(_pki.PathOf("admin.crt"), pki.AdminCertificatePath);
        Assert.Equal(_pki.PathOf("admin.key"), pki.AdminKeyPath);
        foreach (var key in new[] { "ca.key", "apiserver.key", "admin.key" })
        {
            Assert.Equal(PemFiles.KeyMode, PkiFixture.ModeOf(_pki.PathOf(key)));
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(_pki.PathOf(key)), StringComparison.Ordinal);
        }

        foreach (var certificate in new[] { "ca.crt", "apiserver.crt", "admin.crt" })
        {
            Assert.Equal(PemFiles.CertificateMode, PkiFixture.ModeOf(_pki.PathOf(certificate)));
        }

        var (user, groups) = CertificateAuthority.ClientSubject(pki.Admin);
        Assert.Equal("admin", user);
        Assert.Equal(["system:masters"], groups);
        Assert.True(pki.Authority.Verify(pki.Admin, PkiFixture.Start, CertificateAuthority.Usages.ClientAuth, out var reason), reason);

        var serving = pki.Serving.Current;
        Assert.Equal("CN=kube-apiserver", serving.Subject);
        var sans = Assert.Single(serving.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        string[] dns =
        [
            "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
            Environment.MachineName.ToLowerInvariant(), "node-1.example", "api.example.com",
        ];
        Assert.Equal(dns.Distinct(), sans.EnumerateDnsNames());
        Assert.Equal(["127.0.0.1", "::1", "10.0.0.5", "fd00::1", "192.168.1.10"], sans.EnumerateIPAddresses().Select(ip => ip.ToString()));
        Assert.DoesNotContain(_pki.Logs.Records, r => r.Message.Contains("PRIVATE KEY", StringComparison.Ordinal));
        Assert.Contains(_pki.Logs.Records, r => r.EventId.Id == 9100);
    }

    [Fact]
    public void LoadOrCreate_SecondStart_LoadsTheSameCertificates()
    {
        string[] first;
        using (var pki = _pki.LoadOrCreate(PkiFixture.Settings))
        {
            first = [pki.Authority.Certificate.Thumbprint, pki.Serving.Current.Thumbprint, pki.Admin.Thumbprint];
        }

        using var again = _pki.LoadOrCreate(PkiFixture.Settings);

        string[] second = [again.Authority.Certificate.Thumbprint, again.Serving.Current.Thumbprint, again.Admin.Thumbprint];
        Assert.Equal(first, second);
        Assert.True(again.Admin.HasPrivateKey);
        Assert.True(again.Serving.Current.HasPrivateKey);
        Assert.Contains(_pki.Logs.Records, r => r.EventId.Id == 9101);
    }

    [Fact]
    public void LoadOrCreate_GivenCa_UsesItWithoutCopyingIt()
    {
        var (certificatePath, keyPath) = _pki.WriteGivenCa("given-ca", TimeSpan.FromDays(1000));

        using var pki = _pki.LoadOrCreate(PkiFixture.Settings with { CaCertFile = certificatePath, CaKeyFile = keyPath });

        Assert.Equal("CN=given-ca", pki.Authority.Certificate.Subject);
        Assert.Equal(certificatePath, pki.CaCertificatePath);
        Assert.False(File.Exists(_pki.PathOf("ca.key")));
        Assert.False(File.Exists(_pki.PathOf("ca.crt")));
        Assert.True(pki.Authority.Verify(pki.Serving.Current, PkiFixture.Start, CertificateAuthority.Usages.ServerAuth, out var reason), reason);
    }

    [Fact]
    public void LoadOrCreate_CaChanged_ReissuesServingAndAdmin()
    {
        string servingBefore, adminBefore;
        using (var pki = _pki.LoadOrCreate(PkiFixture.Settings))
        {
            (servingBefore, adminBefore) = (pki.Serving.Current.Thumbprint, pki.Admin.Thumbprint);
        }

        var (certificatePath, keyPath) = _pki.WriteGivenCa("given-ca", TimeSpan.FromDays(1000));
        using var again = _pki.LoadOrCreate(PkiFixture.Settings with { CaCertFile = certificatePath, CaKeyFile = keyPath });

        Assert.NotEqual(servingBefore, again.Serving.Current.Thumbprint);
        Assert.NotEqual(adminBefore, again.Admin.Thumbprint);
        Assert.True(again.Authority.Verify(again.Admin, PkiFixture.Start, CertificateAuthority.Usages.ClientAuth, out var reason), reason);
        Assert.Contains(_pki.Logs.Records, r => r.EventId.Id == 9102 && r.Message.Contains("not signed by the cluster CA", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadOrCreate_NewServingName_ReissuesOnlyServing()
    {
        string servingBefore, adminBefore;
        using (var pki = _pki.LoadOrCreate(PkiFixture.Settings))
        {
            (servingBefore, adminBefore) = (pki.Serving.Current.Thumbprint, pki.Admin.Thumbprint);
        }

        using var again = _pki.LoadOrCreate(PkiFixture.Settings, "10.1.2.3");

        Assert.NotEqual(servingBefore, again.Serving.Current.Thumbprint);
        Assert.Equal(adminBefore, again.Admin.Thumbprint);
        var sans = Assert.Single(again.Serving.Current.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Contains(IPAddress.Parse("10.1.2.3"), sans.EnumerateIPAddresses());
    }

    [Fact]
    public void LoadOrCreate_AdminWithinRenewBefore_ReissuesAdmin()
    {
        string adminBefore;
        using (var pki = _pki.LoadOrCreate(PkiFixture.Settings))
        {
            adminBefore = pki.Admin.Thumbprint;
        }

        _pki.Clock.Advance(PkiFixture.Settings.ClientValidity - PkiFixture.Settings.RenewBefore + TimeSpan.FromHours(1));
        using var again = _pki.LoadOrCreate(PkiFixture.Settings);

        Assert.NotEqual(adminBefore, again.Admin.Thumbprint);
        Assert.Equal((_pki.Clock.GetUtcNow() + PkiFixture.Settings.ClientValidity).UtcDateTime, again.Admin.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void LoadOrCreate_CaCertificateWithoutKey_ThrowsSettingsException()
    {
        using (_pki.LoadOrCreate(PkiFixture.Settings))
        {
        }

        File.Delete(_pki.PathOf("ca.key"));

        var error = Assert.Throws<SettingsException>(() => _pki.LoadOrCreate(PkiFixture.Settings));
        Assert.Contains("ca.crt exists without", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_GivenKeyOfAnotherCa_ThrowsSettingsException()
    {
        var (certificatePath, _) = _pki.WriteGivenCa("given-ca", TimeSpan.FromDays(1000));
        var (_, otherKeyPath) = _pki.WriteGivenCa("other-ca", TimeSpan.FromDays(1000));

        var error = Assert.Throws<SettingsException>(() => _pki.LoadOrCreate(PkiFixture.Settings with { CaCertFile = certificatePath, CaKeyFile = otherKeyPath }));
        Assert.Contains("cannot be used", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_MalformedExtraSan_ThrowsSettingsException()
    {
        var error = Assert.Throws<SettingsException>(() => _pki.LoadOrCreate(PkiFixture.Settings with { ExtraSans = ["api example"] }));

        Assert.Equal("api.tls.extra-sans", error.Key);
    }

    [Fact]
    public void IssueClient_User_VerifiesAndIsNotStored()
    {
        using var pki = _pki.LoadOrCreate(PkiFixture.Settings);
        var files = Directory.GetFiles(pki.Directory);

        using var client = pki.IssueClient("alice", ["dev"]);

        var (user, groups) = CertificateAuthority.ClientSubject(client);
        Assert.Equal("alice", user);
        Assert.Equal(["dev"], groups);
        Assert.Equal((PkiFixture.Start + PkiFixture.Settings.ClientValidity).UtcDateTime, client.NotAfter.ToUniversalTime());
        Assert.True(pki.Authority.Verify(client, PkiFixture.Start, CertificateAuthority.Usages.ClientAuth, out var reason), reason);
        Assert.Equal(files, Directory.GetFiles(pki.Directory));
    }
}
