using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Pki;

namespace Cluster.Api.Tests.Security.Pki;

/// <summary>
/// The issued certificates in a real TLS handshake over loopback, both sides validating against the
/// cluster CA only, as kubectl does with certificate-authority-data. TLS checks validity against the
/// real time, so these tests use the system clock.
/// </summary>
public sealed class TlsHandshakeTests : IDisposable
{
    private readonly PkiFixture _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Handshake_IpAddressSanAndClientCertificate_BothSidesTrustTheCa()
    {
        using var pki = _pki.LoadOrCreate(PkiFixture.Settings, TimeProvider.System);
        using var client = pki.IssueClient("alice", ["dev"]);

        var (clientErrors, serverSawUser) = await HandshakeAsync(pki, "127.0.0.1", client);

        Assert.Equal(SslPolicyErrors.None, clientErrors);
        Assert.Equal("alice", serverSawUser);
    }

    [Fact]
    public async Task Handshake_NameNotInCertificate_ClientSeesNameMismatch()
    {
        using var pki = _pki.LoadOrCreate(PkiFixture.Settings, TimeProvider.System);

        var (clientErrors, _) = await HandshakeAsync(pki, "not-this-server.example", pki.Admin);

        Assert.Equal(SslPolicyErrors.RemoteCertificateNameMismatch, clientErrors);
    }

    /// <summary>Runs one handshake; returns what the client's validation found and the user the server read from the client certificate.</summary>
    private static async Task<(SslPolicyErrors ClientErrors, string? ServerSawUser)> HandshakeAsync(ClusterPki pki, string targetHost, X509Certificate2 clientCertificate)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string? serverSawUser = null;

        var server = Task.Run(
            async () =>
            {
                using var socket = await listener.AcceptTcpClientAsync(timeout.Token);
                await using var tls = new SslStream(socket.GetStream());
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificateSelectionCallback = (_, _) => pki.Serving.Current,
                        ClientCertificateRequired = true,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                            certificate is X509Certificate2 c && pki.Authority.Verify(c, DateTimeOffset.UtcNow, CertificateAuthority.Usages.ClientAuth, out _),
                    },
                    timeout.Token);
                serverSawUser = CertificateAuthority.ClientSubject((X509Certificate2)tls.RemoteCertificate!).User;
                await tls.WriteAsync(new byte[] { 1 }, timeout.Token);
            },
            timeout.Token);

        var clientErrors = SslPolicyErrors.None;
        using (var connection = new TcpClient())
        {
            await connection.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            await using var clientTls = new SslStream(connection.GetStream());
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(pki.Authority.Certificate.RawData));
            try
            {
                await clientTls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = targetHost,
                        ClientCertificates = [clientCertificate],
                        CertificateChainPolicy = policy,
                        RemoteCertificateValidationCallback = (_, _, _, errors) =>
                        {
                            clientErrors = errors;
                            return errors == SslPolicyErrors.None;
                        },
                    },
                    timeout.Token);
                var buffer = new byte[1];
                await clientTls.ReadExactlyAsync(buffer, timeout.Token);
            }
            catch (AuthenticationException)
            {
                // The client refused the server: the errors say why; the server's side fails with it.
                Assert.NotEqual(SslPolicyErrors.None, clientErrors);
            }
        }

        try
        {
            await server;
        }
        catch (Exception e) when (clientErrors != SslPolicyErrors.None && e is IOException or AuthenticationException)
        {
            // The client hung up on purpose.
        }

        return (clientErrors, serverSawUser);
    }
}
