using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security;
using Cluster.Api.Security.Pki;
using Cluster.Core.Configuration;
using Cluster.Node.Remoting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Node.Tests.Remoting;

/// <summary>Who the cluster transport lets in, the certificate a member presents, and when plain remoting is allowed.</summary>
public sealed class RemotingSecurityTests : IDisposable
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly string _data = Directory.CreateTempSubdirectory("remoting-").FullName;
    private readonly CertificateAuthority _ca;
    private readonly NodePeerVerifier _verifier;

    public RemotingSecurityTests()
    {
        _ca = CertificateAuthority.Create("cluster-ca", _clock, TimeSpan.FromDays(10));
        _verifier = new NodePeerVerifier(_ca, _clock, NullLogger.Instance);
    }

    [Fact]
    public void NodeCertificateOfTheClusterCa_Accepted()
    {
        using var node = _ca.IssueNode("node-2", ["node-2"], [IPAddress.Loopback], Hour, _clock);
        Assert.Null(_verifier.RejectionReason(node));
        Assert.True(_verifier.Validate(node, null, "peer", SslPolicyErrors.RemoteCertificateChainErrors, null!));
        Assert.Equal("CN=system:node:node-2, O=system:nodes", node.Subject);
    }

    [Fact]
    public void NodeCertificateOfAnotherCa_Refused()
    {
        using var other = CertificateAuthority.Create("other-ca", _clock, TimeSpan.FromDays(10));
        using var node = other.IssueNode("node-2", [], [IPAddress.Loopback], Hour, _clock);
        Assert.Equal("certificate is not signed by the cluster CA", _verifier.RejectionReason(node));
        Assert.False(_verifier.Validate(node, null, "peer", SslPolicyErrors.None, null!));
    }

    [Fact]
    public void UserOrServingCertificateOfTheClusterCa_Refused()
    {
        using var admin = _ca.IssueClient(CertificateAuthority.NodeUserPrefix + "node-2", [CertificateAuthority.NodesGroup], Hour, _clock);
        using var serving = _ca.IssueServing(CertificateAuthority.NodeUserPrefix + "node-2", [], [IPAddress.Loopback], Hour, _clock);
        Assert.Equal("certificate is not for server authentication", _verifier.RejectionReason(admin));
        Assert.Equal("certificate is not for client authentication", _verifier.RejectionReason(serving));
    }

    [Fact]
    public void NoOrExpiredCertificate_Refused()
    {
        using var node = _ca.IssueNode("node-2", [], [], Hour, _clock);
        Assert.Equal("no certificate presented", _verifier.RejectionReason(null));
        _clock.Advance(Hour + TimeSpan.FromMinutes(1));
        Assert.Equal("certificate has expired or is not yet valid", _verifier.RejectionReason(node));
    }

    [Fact]
    public void NodeCertificate_TwoThirdsIntoItsLife_RenewedAndWrittenWithTheKey0600()
    {
        using var pki = ClusterPki.LoadOrCreate(_data, "cluster", SecuritySettings.Default, ["127.0.0.1"], _clock, NullLogger.Instance);
        using var certificate = new NodeCertificate(pki, "node-1", ["127.0.0.1", "0.0.0.0", ""], TimeSpan.FromHours(3), _clock, NullLogger.Instance);
        var first = certificate.Current;
        Assert.Null(new NodePeerVerifier(pki.Authority, _clock, NullLogger.Instance).RejectionReason(first));
        Assert.True(first.MatchesHostname("127.0.0.1") && first.MatchesHostname("node-1"));
        Assert.Equal(first.RawData, X509CertificateLoader.LoadCertificateFromFile(Path.Combine(pki.Directory, "node.crt")).RawData);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(PemFiles.KeyMode, File.GetUnixFileMode(Path.Combine(pki.Directory, "node.key")));
        }

        _clock.Advance(TimeSpan.FromHours(1.5));
        Assert.Same(first, certificate.Current);
        _clock.Advance(TimeSpan.FromHours(0.5));
        var renewed = certificate.Current;
        Assert.NotSame(first, renewed);
        Assert.Equal(renewed.RawData, X509CertificateLoader.LoadCertificateFromFile(Path.Combine(pki.Directory, "node.crt")).RawData);
    }

    [Theory]
    [InlineData(false, "10.0.0.5:4053", true)]
    [InlineData(true, "127.0.0.1:4053", true)]
    [InlineData(true, "localhost:4053", true)]
    [InlineData(true, "10.0.0.5:4053", false)]
    [InlineData(true, "0.0.0.0:4053", false)]
    public void PlainRemoting_OffLoopback_RefusedNamingClusterAddress(bool insecure, string address, bool allowed)
    {
        var security = SecuritySettings.Default with { InsecureHttp = insecure };
        var membership = new ClusterMembershipSettings { Address = address };
        var error = Record.Exception(() => RemotingSecurity.ValidateAddress(security, membership));
        Assert.Equal(allowed, error is null);
        Assert.Equal(insecure, RemotingSecurity.UsesTls(security) is false);
        if (!allowed)
        {
            Assert.Contains("cluster.address", Assert.IsType<SettingsException>(error).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Tls_AkkaConfig_EnablesSslAndNamesSeedsSslTcp()
    {
        var akka = new ClusterMembershipSettings { Address = "127.0.0.1:4053", Join = ["127.0.0.1:4051"] }.ToAkkaConfig("cluster", tls: true);
        Assert.True(akka.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal(["akka.ssl.tcp://cluster@127.0.0.1:4051"], akka.GetStringList("akka.cluster.seed-nodes"));
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}
