using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Security.Cryptography.X509Certificates;
using Cluster.Node.Tests.Kubectl;
using k8s;

namespace Cluster.Node.Tests.Security;

/// <summary>
/// A <see cref="SecureCluster"/> with short deadlines (so a slowloris client is cut off in seconds), a small per-user
/// share (so a flood is refused after a handful of requests), and bob allowed to edit, plus raw TCP and TLS connections.
/// </summary>
public sealed class HostileCluster : SecureCluster
{
    /// <summary>Requests of one user served at once, and waiting, on this node.</summary>
    public const int UserShare = 2;
    public const int UserQueue = 2;

    /// <summary>Bound for "still served": generous, as the machine may be busy with other tests.</summary>
    public static readonly TimeSpan Prompt = TimeSpan.FromSeconds(15);

    protected override string[] NodeArguments =>
    [
        .. base.NodeArguments,
        "--api:limits:request-headers-timeout=2s",
        "--api:limits:tls-handshake-timeout=2s",
        // Held bodies in the flood test must not be cut for their slowness.
        "--api:limits:min-request-body-grace=60s",
        "--api:fairness:per-user-in-flight=" + UserShare,
        "--api:fairness:queue-length=" + UserQueue,
    ];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        KubectlAssert.Succeeded(await RunAsync("create", "clusterrolebinding", "bob-edit", "--clusterrole=edit", "--user=bob"));
    }

    /// <summary>A plain TCP connection to the API port.</summary>
    public async Task<TcpClient> TcpAsync()
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(Server.Host, Server.Port);
        return tcp;
    }

    /// <summary>A TLS connection to the API port, handshake done and the server's certificate checked against the cluster CA, for writing HTTP/1.1 by hand.</summary>
    public async Task<SslStream> TlsAsync()
    {
        var tcp = await TcpAsync();
        var authority = X509CertificateLoader.LoadCertificateFromFile(CaCertificatePath);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, presented, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            return presented is not null && chain.Build(X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = Server.Host });
        return tls;
    }

    /// <summary>Admin, through the admin kubeconfig, reads the default namespace within <see cref="Prompt"/>.</summary>
    public async Task AssertAdminServedAsync()
    {
        using var client = Client();
        using var deadline = new CancellationTokenSource(Prompt);
        var ns = await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: deadline.Token);
        Assert.Equal("default", ns.Metadata.Name);
    }

    /// <summary>Reads until the server closes the connection or answers; true either way, false only if neither happens within <paramref name="bound"/>.</summary>
    public static async Task<bool> ClosedOrAnsweredAsync(Stream stream, TimeSpan bound)
    {
        using var deadline = new CancellationTokenSource(bound);
        try
        {
            return await stream.ReadAsync(new byte[1024], deadline.Token) >= 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>One HTTP/1.1 response read by hand: the status code, the header block and the body (by Content-Length).</summary>
    public static async Task<(int Code, string Headers, string Body)> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        int end;
        while ((end = IndexOf(buffer, "\r\n\r\n"u8)) < 0)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                throw new IOException("connection closed before the response headers");
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        var headers = Encoding.ASCII.GetString(buffer.GetRange(0, end).ToArray());
        var length = headers.Split("\r\n").Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(h => int.Parse(h["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        while (buffer.Count < end + 4 + length)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        var body = Encoding.UTF8.GetString(buffer.GetRange(end + 4, Math.Min(length, buffer.Count - end - 4)).ToArray());
        return (int.Parse(headers.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture), headers, body);
    }

    private static int IndexOf(List<byte> buffer, ReadOnlySpan<byte> value) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buffer).IndexOf(value);
}
