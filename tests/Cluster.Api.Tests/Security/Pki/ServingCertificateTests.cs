using Cluster.Api.Security.Pki;

namespace Cluster.Api.Tests.Security.Pki;

public sealed class ServingCertificateTests : IDisposable
{
    private readonly PkiFixture _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void Current_PastValidityMinusRenewBefore_RenewsInPlaceAndOnDisk()
    {
        using var pki = _pki.LoadOrCreate(PkiFixture.Settings);
        var before = pki.Serving.Current;
        var fileBefore = File.ReadAllText(_pki.PathOf("apiserver.crt"));
        var keyBefore = File.ReadAllText(_pki.PathOf("apiserver.key"));

        _pki.Clock.Advance(PkiFixture.Settings.ServingValidity - PkiFixture.Settings.RenewBefore + TimeSpan.FromMinutes(1));
        var after = pki.Serving.Current;

        Assert.NotEqual(before.Thumbprint, after.Thumbprint);
        Assert.Equal((_pki.Clock.GetUtcNow() + PkiFixture.Settings.ServingValidity).UtcDateTime, after.NotAfter.ToUniversalTime());
        Assert.True(after.HasPrivateKey);
        Assert.NotEqual(fileBefore, File.ReadAllText(_pki.PathOf("apiserver.crt")));
        Assert.NotEqual(keyBefore, File.ReadAllText(_pki.PathOf("apiserver.key")));
        Assert.Equal(PemFiles.KeyMode, PkiFixture.ModeOf(_pki.PathOf("apiserver.key")));
        using var onDisk = PemFiles.Load(_pki.PathOf("apiserver.crt"), _pki.PathOf("apiserver.key"));
        Assert.Equal(after.Thumbprint, onDisk.Thumbprint);
        var renewed = Assert.Single(_pki.Logs.Records, r => r.EventId.Id == 9103);
        Assert.Contains("CN=kube-apiserver", renewed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", renewed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CurrentContext_BetweenRenewals_OneContextForEveryHandshake_ThenTheRenewedCertificates()
    {
        using var pki = _pki.LoadOrCreate(PkiFixture.Settings);
        var first = pki.Serving.CurrentContext;
        var again = pki.Serving.CurrentContext;

        _pki.Clock.Advance(PkiFixture.Settings.ServingValidity - PkiFixture.Settings.RenewBefore + TimeSpan.FromMinutes(1));
        var renewed = pki.Serving.CurrentContext;

        Assert.Same(first, again);
        Assert.NotSame(first, renewed);
        Assert.Equal(pki.Serving.Current.Thumbprint, renewed.TargetCertificate.Thumbprint);
        Assert.NotEqual(first.TargetCertificate.Thumbprint, renewed.TargetCertificate.Thumbprint);
    }

    [Fact]
    public void Current_BeforeRenewBefore_KeepsTheCertificate()
    {
        using var pki = _pki.LoadOrCreate(PkiFixture.Settings);
        var before = pki.Serving.Current;

        _pki.Clock.Advance(PkiFixture.Settings.ServingValidity - PkiFixture.Settings.RenewBefore - TimeSpan.FromMinutes(2));

        Assert.Same(before, pki.Serving.Current);
        Assert.DoesNotContain(_pki.Logs.Records, r => r.EventId.Id == 9103);
    }

    [Fact]
    public void Current_ManyCallersAtRenewal_AllGetOneNewCertificate()
    {
        using var pki = _pki.LoadOrCreate(PkiFixture.Settings);
        var before = pki.Serving.Current;
        _pki.Clock.Advance(PkiFixture.Settings.ServingValidity);

        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 64, _ => seen.Add(pki.Serving.Current.Thumbprint));

        var renewed = Assert.Single(seen.Distinct());
        Assert.NotEqual(before.Thumbprint, renewed);
        Assert.Single(_pki.Logs.Records, r => r.EventId.Id == 9103);
    }

    [Fact]
    public void Current_CaEndsWithinRenewBefore_DoesNotReissueEveryMinute()
    {
        // A serving certificate capped at its CA's end cannot get longer by reissuing it.
        var (certificatePath, keyPath) = _pki.WriteGivenCa("short-ca", TimeSpan.FromDays(1));
        using var pki = _pki.LoadOrCreate(PkiFixture.Settings with { CaCertFile = certificatePath, CaKeyFile = keyPath });
        var before = pki.Serving.Current;

        _pki.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Same(before, pki.Serving.Current);
        Assert.Equal(pki.Authority.Certificate.NotAfter, before.NotAfter);
    }

    [Fact]
    public void LoadOrCreate_AfterRenewal_LoadsTheRenewedCertificate()
    {
        string renewed;
        using (var pki = _pki.LoadOrCreate(PkiFixture.Settings))
        {
            _pki.Clock.Advance(PkiFixture.Settings.ServingValidity - TimeSpan.FromDays(1));
            renewed = pki.Serving.Current.Thumbprint;
        }

        using var again = _pki.LoadOrCreate(PkiFixture.Settings);

        Assert.Equal(renewed, again.Serving.Current.Thumbprint);
    }
}
