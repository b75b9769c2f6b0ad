using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Dns;

/// <summary>
/// The node's cluster DNS server (CoreDNS's place): UDP and TCP through ARSoft.Tools.Net's server, names in the cluster
/// domain answered by <see cref="ClusterDnsResolver"/>, anything else forwarded to the upstream resolvers. Packets that
/// do not parse are dropped by the library and counted here; the server keeps answering.
/// </summary>
public sealed partial class ClusterDnsServer(DnsSettings settings, ClusterDnsResolver resolver, ILogger<ClusterDnsServer> logger) : IHostedService, IDisposable
{
    private DnsServer? _server;
    private DnsClient? _upstream;
    private long _errors;

    /// <summary>Where it listens once started (the port chosen when dns.port is 0); null when it does not serve.</summary>
    public IPEndPoint? Endpoint { get; private set; }

    /// <summary>Exceptions the listeners reported: malformed packets among them.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            return Task.CompletedTask;
        }

        var upstreams = settings.UpstreamAddresses();
        _upstream = upstreams.Count > 0 ? new DnsClient(upstreams, (int)settings.UpstreamTimeout.TotalMilliseconds) : null;
        var endpoint = settings.Port == 0 ? new IPEndPoint(settings.Endpoint.Address, FreePort(settings.Endpoint.Address)) : settings.Endpoint;
        try
        {
            _server = new DnsServer([.. UdpEndpoints(endpoint).Select(e => new GuardedServerTransport(new UdpServerTransport(e))), new GuardedServerTransport(new TcpServerTransport(endpoint))]);
            _server.QueryReceived += OnQueryReceivedAsync;
            _server.ExceptionThrown += OnExceptionAsync;
            _server.Start();
            Endpoint = endpoint;
            LogServing(logger, endpoint.ToString(), settings.ClusterDomain, string.Join(", ", upstreams));
        }
        catch (SocketException e)
        {
            // Another server holds the port (a second node on this host): this node serves no DNS, and says so.
            // What did bind (UDP when only TCP was taken) is let go.
            try
            {
                _server?.Stop();
            }
            catch (Exception stop) when (stop is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                LogListenerError(logger, stop.GetType().Name);
            }

            _server = null;
            LogNotServing(logger, e, endpoint.ToString());
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Where to listen for UDP: on a wildcard address, each of the host's IPv4 addresses on its own. A UDP socket bound
    /// to 0.0.0.0 answers from whatever address the route back chooses, and a pod's query reaches the node through the
    /// kube-dns cluster IP translated to the node's address: an answer from the bridge's address instead matches no
    /// translation, and the pod drops it. (TCP answers on the connection, from the address it was made to.)
    /// </summary>
    private static IEnumerable<IPEndPoint> UdpEndpoints(IPEndPoint endpoint) =>
        !endpoint.Address.Equals(IPAddress.Any) ? [endpoint]
            : NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
                .Select(a => new IPEndPoint(a.Address, endpoint.Port))
                .DistinctBy(e => e.Address)
                .DefaultIfEmpty(endpoint);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        var server = _server;
        _server = null;
        try
        {
            server?.Stop();
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OperationCanceledException))
        {
            // ARSoft's Stop cancels its listener tasks and then waits for them, which throws their cancellation:
            // escaping the host's disposal it ended the process (exit 134) when a node's start failed after DNS bound.
        }
    }

    private async Task OnQueryReceivedAsync(object sender, QueryReceivedEventArgs e)
    {
        if (e.Query is not DnsMessage query)
        {
            return;
        }

        try
        {
            e.Response = resolver.Answer(query) ?? await ForwardAsync(query).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            Interlocked.Increment(ref _errors);
            var failed = query.CreateResponseInstance();
            failed.ReturnCode = ReturnCode.ServerFailure;
            e.Response = failed;
        }
    }

    private async Task<DnsMessage> ForwardAsync(DnsMessage query)
    {
        var question = query.Questions[0];
        var answer = _upstream is null ? null : await _upstream.ResolveAsync(question.Name, question.RecordType, question.RecordClass).ConfigureAwait(false);
        if (answer is null)
        {
            var failed = query.CreateResponseInstance();
            failed.ReturnCode = ReturnCode.ServerFailure;
            return failed;
        }

        var response = query.CreateResponseInstance();
        response.ReturnCode = answer.ReturnCode;
        response.IsRecursionAllowed = true;
        response.AnswerRecords.AddRange(answer.AnswerRecords);
        response.AuthorityRecords.AddRange(answer.AuthorityRecords);
        return response;
    }

    private Task OnExceptionAsync(object sender, ExceptionEventArgs e)
    {
        Interlocked.Increment(ref _errors);
        LogListenerError(logger, e.Exception.GetType().Name);
        return Task.CompletedTask;
    }

    private static int FreePort(IPAddress address)
    {
        // UDP and TCP share the number: a port free for both is taken from the TCP side and checked on UDP.
        for (var attempt = 0; ; attempt++)
        {
            using var tcp = new TcpListener(address, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException) when (attempt < 10)
            {
            }
        }
    }

    [LoggerMessage(EventId = 9300, Level = LogLevel.Information, Message = "Cluster DNS serving on {Endpoint} (UDP and TCP) for {Domain}; other names go to {Upstream}")]
    private static partial void LogServing(ILogger logger, string endpoint, string domain, string upstream);

    [LoggerMessage(EventId = 9301, Level = LogLevel.Warning, Message = "Cluster DNS not served: {Endpoint} is taken")]
    private static partial void LogNotServing(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(EventId = 9302, Level = LogLevel.Debug, Message = "Cluster DNS listener error: {Error}")]
    private static partial void LogListenerError(ILogger logger, string error);
}
