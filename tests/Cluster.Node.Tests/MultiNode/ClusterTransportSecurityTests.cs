using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Pki;

namespace Cluster.Node.Tests.MultiNode;

/// <summary>
/// The cluster transport between member processes: TLS with mutual authentication by node certificates of the
/// cluster CA; plain TCP only with api.insecure-http.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class ClusterTransportSecurityTests : IDisposable
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    private readonly string _work = Directory.CreateTempSubdirectory("multinode-remoting-").FullName;

    [PostgresFact]
    public async Task TwoMembersWithTheClusterCa_FormACluster_OverTlsThatOnlyNodeCertificatesPass()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(2);
        var first = cluster.Members[0];
        var members = (await first.GetJsonAsync("/cluster/members")).ToJsonString();
        Assert.All(cluster.Members, m => Assert.Contains(m.Address, members, StringComparison.Ordinal));
        Assert.StartsWith("akka.ssl.tcp://", first.Address, StringComparison.Ordinal);

        using var node = cluster.Issue(ca => ca.IssueNode("probe", [], [IPAddress.Loopback], TimeSpan.FromHours(1), TimeProvider.System));
        var (accepted, served) = await HandshakeAsync(first.ClusterPort, node);
        Assert.True(accepted, "a node certificate of the cluster CA is refused");
        Assert.Equal("CN=system:node:node-1, O=system:nodes", served!.Subject);

        // The admin's certificate is of the same CA but no node's: the member refuses it, as it refuses a node
        // certificate of another CA, and none at all.
        using var admin = cluster.Issue(ca => ca.IssueClient("admin", ["system:masters"], TimeSpan.FromHours(1), TimeProvider.System));
        Assert.False((await HandshakeAsync(first.ClusterPort, admin)).Accepted);
        await UntilAsync(() => first.Output.Contains("refused: certificate is not for server authentication", StringComparison.Ordinal), first);
        using var other = CertificateAuthority.Create("other-ca", TimeProvider.System, TimeSpan.FromDays(1));
        using var foreign = other.IssueNode("probe", [], [IPAddress.Loopback], TimeSpan.FromHours(1), TimeProvider.System);
        Assert.False((await HandshakeAsync(first.ClusterPort, foreign)).Accepted);
        await UntilAsync(() => first.Output.Contains("refused: certificate is not signed by the cluster CA", StringComparison.Ordinal), first);
        Assert.False((await HandshakeAsync(first.ClusterPort, null)).Accepted);

        // Akka's own protocol in clear gets no answer but a closed connection.
        Assert.True(await PlainConnectionClosedAsync(first.ClusterPort));
    }

    [PostgresFact]
    public async Task MemberOfAnotherCa_CannotJoin_TheClusterStaysAsItWas()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(1);
        var first = cluster.Members[0];
        using (var own = CertificateAuthority.Create("outsider-ca", TimeProvider.System, TimeSpan.FromDays(1)))
        {
            PemFiles.WriteCertificate(Path.Combine(_work, "ca.crt"), own.Certificate);
            PemFiles.WritePrivateKey(Path.Combine(_work, "ca.key"), own.Certificate);
        }

        var outsider = cluster.Add("--api:tls:ca-cert-file=" + Path.Combine(_work, "ca.crt"), "--api:tls:ca-key-file=" + Path.Combine(_work, "ca.key"));

        // The outsider finds the first member's certificate foreign and gives up (Akka ends an actor system whose
        // outbound handshake fails); the first member would refuse the outsider's (the other test shows it).
        await UntilAsync(() => outsider.Output.Contains("refused: certificate is not signed by the cluster CA", StringComparison.Ordinal), outsider);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var members = (await first.GetJsonAsync("/cluster/members"))["members"]!.AsArray();
            Assert.Equal(first.Address, Assert.Single(members)!["node"]!.GetValue<string>());
            await Task.Delay(500);
        }
    }

    [PostgresFact]
    public async Task InsecureHttp_TwoMembers_FormAClusterOverPlainTcp()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(2, new[] { "--insecure-http" });
        var members = (await cluster.Members[1].GetJsonAsync("/cluster/members")).ToJsonString();
        Assert.All(cluster.Members, m => Assert.StartsWith("akka.tcp://", m.Address, StringComparison.Ordinal));
        Assert.All(cluster.Members, m => Assert.Contains(m.Address, members, StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>
    /// A TLS handshake with the member's cluster port presenting <paramref name="certificate"/>, and one read: with
    /// TLS 1.3 a refused client certificate shows only after the client's side of the handshake, as a closed stream.
    /// </summary>
    private static async Task<(bool Accepted, X509Certificate2? Served)> HandshakeAsync(int port, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? served = null;
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = certificate is null ? null : [certificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
                RemoteCertificateValidationCallback = (_, c, _, _) =>
                {
                    // Kept for the test to judge; the handshake goes on whatever the member serves.
                    served = c is null ? null : X509CertificateLoader.LoadCertificate(c.GetRawCertData());
                    return served is not null;
                },
            }).WaitAsync(Bounded);

            // A member that accepted waits for the peer's first Akka message: no byte, no close, within a second.
            var read = tls.ReadAsync(new byte[1]).AsTask();
            return (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(1))) != read, served);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            return (false, served);
        }
    }

    private static async Task<bool> PlainConnectionClosedAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        // A length-prefixed frame, as Akka's plain transport sends first; TLS reads it as a malformed record.
        await stream.WriteAsync(new byte[] { 0, 0, 0, 8, 10, 6, 8, 1, 18, 2, 8, 1 });
        try
        {
            var buffer = new byte[64];
            while (true)
            {
                var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Bounded);
                if (read == 0)
                {
                    return true;
                }

                // A TLS alert record (content type 21) is all a TLS server says to bytes in clear.
                if (buffer[0] != 21)
                {
                    return false;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task UntilAsync(Func<bool> condition, MultiNodeCluster.Member member)
    {
        var deadline = DateTime.UtcNow + Bounded;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not within the bounded wait; " + member.Name + " printed:\n" + member.Output);
            await Task.Delay(100);
        }
    }
}
