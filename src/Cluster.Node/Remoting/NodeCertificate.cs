using System.Net;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Pki;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Remoting;

/// <summary>
/// The certificate this member presents on the cluster transport, issued by the cluster CA at every start (so its
/// names follow the current address) and again, without a restart, once two thirds of its lifetime have passed.
/// Each one is written to DATA-DIR/pki/node.crt and node.key (0600) for an operator's openssl; the node never
/// reads them back.
/// </summary>
public sealed partial class NodeCertificate : IDisposable
{
    /// <summary>How often the expiry is looked at.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    private readonly Func<X509Certificate2> _issue;
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private X509Certificate2 _current;

    public NodeCertificate(ClusterPki pki, string nodeName, IEnumerable<string> hosts, TimeSpan validity, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(pki);
        var names = hosts.Append(nodeName).Where(h => h.Length > 0).ToList();
        var ips = names.Select(h => IPAddress.TryParse(h, out var ip) ? ip : null).OfType<IPAddress>()
            .Where(ip => !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any)).ToList();
        var dns = names.Where(h => !IPAddress.TryParse(h, out _) && Uri.CheckHostName(h) == UriHostNameType.Dns).ToList();
        _issue = () => pki.Authority.IssueNode(nodeName, dns, ips, validity, clock);
        _certificatePath = Path.Combine(pki.Directory, "node.crt");
        _keyPath = Path.Combine(pki.Directory, "node.key");
        _clock = clock;
        _logger = logger;
        _current = IssueAndWrite();
        _timer = clock.CreateTimer(_ => RenewIfDue(), null, CheckInterval, CheckInterval);
    }

    /// <summary>The certificate to present, with its key: Akka asks on every connection, so a field read.</summary>
    public X509Certificate2 Current => Volatile.Read(ref _current);

    public void Dispose() => _timer.Dispose();

    /// <summary>When a certificate is replaced: two thirds into its life, so a missed check or a slow peer clock leaves a margin.</summary>
    public static DateTimeOffset RenewAt(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        return notBefore + ((notAfter - notBefore) * 2 / 3);
    }

    /// <summary>On the timer, never on a connection's path (Akka's callback must not block).</summary>
    private void RenewIfDue()
    {
        var current = Volatile.Read(ref _current);
        if (_clock.GetUtcNow() < RenewAt(current))
        {
            return;
        }

        try
        {
            // The old certificate is not disposed: a handshake on another thread may still use it.
            Volatile.Write(ref _current, IssueAndWrite());
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // The CA has expired, or pki/ cannot be written: keep presenting the current one, and try again.
            LogNotRenewed(_logger, current.Subject, e);
        }
    }

    private X509Certificate2 IssueAndWrite()
    {
        var certificate = _issue();
        PemFiles.WritePrivateKey(_keyPath, certificate);
        PemFiles.WriteCertificate(_certificatePath, certificate);
        LogIssued(_logger, certificate.Subject, certificate.NotAfter.ToUniversalTime(), _certificatePath);
        return certificate;
    }

    [LoggerMessage(EventId = 9203, Level = LogLevel.Information, Message = "Cluster transport certificate {Subject} issued, valid until {NotAfter:u}; written to {Path}")]
    private static partial void LogIssued(ILogger logger, string subject, DateTime notAfter, string path);

    [LoggerMessage(EventId = 9204, Level = LogLevel.Error, Message = "Cluster transport certificate {Subject} could not be renewed; it is presented until it expires")]
    private static partial void LogNotRenewed(ILogger logger, string subject, Exception exception);
}
