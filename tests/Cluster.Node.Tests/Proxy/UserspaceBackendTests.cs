using System.Net;
using System.Net.Sockets;
using System.Text;
using Cluster.Node.Proxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Proxy;

/// <summary>The fallback without iptables, with real sockets on loopback: node ports copy to an endpoint, or refuse without one.</summary>
public sealed class UserspaceBackendTests
{
    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProxyServicePort Port(int nodePort, string protocol, params ProxyEndpoint[] endpoints) =>
        new("ns", "echo", "", protocol, [IPAddress.Parse("10.96.200.1")], 80, nodePort, [], false, 10800, false, false, endpoints);

    [Fact]
    public async Task NodePort_Tcp_CopiesBothWaysToAReadyEndpoint()
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var serving = Task.Run(async () =>
        {
            using var client = await echo.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[5];
            await stream.ReadExactlyAsync(buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("pong:" + Encoding.ASCII.GetString(buffer)));
        });
        var nodePort = FreeTcpPort();
        await using var backend = new UserspaceBackend(NullLogger.Instance);

        Assert.True(await backend.ApplyAsync([Port(nodePort, "TCP", new ProxyEndpoint(IPAddress.Loopback, ((IPEndPoint)echo.LocalEndpoint).Port, true, true))], true, CancellationToken.None));

        using var connection = new TcpClient();
        await connection.ConnectAsync(IPAddress.Loopback, nodePort);
        var stream = connection.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("hello"));
        var answer = new byte[10];
        await stream.ReadExactlyAsync(answer);
        Assert.Equal("pong:hello", Encoding.ASCII.GetString(answer));
        await serving.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task NodePort_NoReadyEndpoint_ConnectionClosedAtOnce()
    {
        var nodePort = FreeTcpPort();
        await using var backend = new UserspaceBackend(NullLogger.Instance);
        await backend.ApplyAsync([Port(nodePort, "TCP", new ProxyEndpoint(IPAddress.Loopback, 1, Ready: false, IsLocal: true))], true, CancellationToken.None);

        using var connection = new TcpClient();

        // Reset (or at least ended) right away, even while connecting: no endpoint will ever answer.
        try
        {
            await connection.ConnectAsync(IPAddress.Loopback, nodePort);
            Assert.Equal(0, await connection.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        }
        catch (IOException e)
        {
            Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(e.InnerException).SocketErrorCode);
        }
        catch (SocketException e)
        {
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
        }
    }

    [Fact]
    public async Task NodePort_Udp_RelaysTheAnswer()
    {
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var serving = Task.Run(async () =>
        {
            var query = await server.ReceiveAsync();
            await server.SendAsync(Encoding.ASCII.GetBytes("re:" + Encoding.ASCII.GetString(query.Buffer)), query.RemoteEndPoint);
        });
        int nodePort;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            nodePort = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        }

        await using var backend = new UserspaceBackend(NullLogger.Instance);
        await backend.ApplyAsync([Port(nodePort, "UDP", new ProxyEndpoint(IPAddress.Loopback, ((IPEndPoint)server.Client.LocalEndPoint!).Port, true, true))], true, CancellationToken.None);

        using var client = new UdpClient();
        client.Connect(IPAddress.Loopback, nodePort);
        await client.SendAsync(Encoding.ASCII.GetBytes("q"));
        var answer = await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("re:q", Encoding.ASCII.GetString(answer.Buffer));
        await serving;
    }

    [Fact]
    public async Task Apply_PortGone_StopsListening()
    {
        var nodePort = FreeTcpPort();
        await using var backend = new UserspaceBackend(NullLogger.Instance);
        await backend.ApplyAsync([Port(nodePort, "TCP")], true, CancellationToken.None);

        Assert.True(await backend.ApplyAsync([], false, CancellationToken.None));

        using var connection = new TcpClient();
        var error = await Assert.ThrowsAsync<SocketException>(() => connection.ConnectAsync(IPAddress.Loopback, nodePort));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }
}
