using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Cluster.Api.Streaming;

/// <summary>
/// How one member reaches another's API to pass on a pod's stream: plain HTTP when the cluster serves plain HTTP
/// (development), otherwise TLS trusting only the cluster CA and presenting the members' proxy client certificate
/// (as upstream's apiserver presents its kubelet-client certificate). The other member's name is not checked against
/// the address: the address comes from its Node object and any certificate of the cluster CA is a member's.
/// </summary>
public sealed class NodeProxyTransport
{
    private readonly X509Certificate2? _clientCertificate;
    private readonly X509Certificate2? _authority;
    private HttpClient? _http;

    public NodeProxyTransport(X509Certificate2? clientCertificate, X509Certificate2? authority)
    {
        _clientCertificate = clientCertificate;
        _authority = authority;
    }

    public static NodeProxyTransport Plain { get; } = new(null, null);

    public string Scheme => _authority is null ? "http" : "https";

    public HttpClient Http => _http ??= CreateClient();

    /// <summary>A connection for an upgrade request: the socket's stream, or TLS over it offering HTTP/1.1 only.</summary>
    public async Task<Stream> ConnectAsync(TcpClient socket, string host, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var stream = socket.GetStream();
        if (_authority is null)
        {
            return stream;
        }

        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(Options(host), ct).ConfigureAwait(false);
        return tls;
    }

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (_authority is not null)
        {
            handler.SslOptions = Options(null);
        }

        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private SslClientAuthenticationOptions Options(string? host) => new()
    {
        TargetHost = host,
        ClientCertificates = _clientCertificate is null ? null : [_clientCertificate],
        ApplicationProtocols = [SslApplicationProtocol.Http11],
        RemoteCertificateValidationCallback = (_, certificate, _, _) => _authority is not null && Security.Pki.CertificateTrust.ChainsTo(certificate, _authority),
    };
}
