using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace Cluster.Node.Dns;

/// <summary>
/// ARSoft.Tools.Net's server accepts in an <c>async void</c> loop, so an accept that throws ends the process; and every
/// accept throws once <see cref="DnsServer.Stop"/> cancels it. This transport turns such a throw into "no connection",
/// which the loop skips and then ends on its cancelled token, so a node can stop its DNS server and live on.
/// </summary>
internal sealed class GuardedServerTransport(IServerTransport inner) : IServerTransport
{
    public ushort DefaultAllowedResponseSize => inner.DefaultAllowedResponseSize;

    public bool SupportsMultipleResponses => inner.SupportsMultipleResponses;

    public bool AllowTruncatedResponses => inner.AllowTruncatedResponses;

    public TransportProtocol TransportProtocol => inner.TransportProtocol;

    public void Bind() => inner.Bind();

    public void Close() => inner.Close();

    public void Dispose() => inner.Dispose();

    public async Task<IServerConnection?> AcceptConnectionAsync(CancellationToken token = default)
    {
        try
        {
            return await inner.AcceptConnectionAsync(token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException or InvalidOperationException)
        {
            if (!token.IsCancellationRequested)
            {
                // A socket failing while the server runs: a short pause, so the loop does not spin on it.
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None).ConfigureAwait(false);
            }

            return null;
        }
    }
}
