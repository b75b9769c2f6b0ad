using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Cluster.Api.Security.Pki;

/// <summary>
/// The serving certificate Kestrel presents. It is reissued without a restart when less than
/// renew-before is left (checked on access, at most once a minute of clock time), and the new one
/// is written to pki/apiserver.crt and .key, so a restart presents it too.
/// </summary>
public sealed partial class ServingCertificate
{
    public const string CommonName = "kube-apiserver";

    /// <summary>How often <see cref="Current"/> looks at the expiry: the chain check is too dear for every handshake.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    private readonly CertificateAuthority _authority;
    private readonly ServingNames _names;
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeSpan _validity;
    private readonly TimeSpan _renewBefore;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _renewing = new();
    private X509Certificate2 _current;
    private Context? _context;
    private long _nextCheckTicks;

    internal ServingCertificate(CertificateAuthority authority, ServingNames names, string certificatePath, string keyPath, SecuritySettings settings, TimeProvider clock, ILogger logger)
    {
        _authority = authority;
        _names = names;
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _validity = settings.ServingValidity;
        _renewBefore = settings.RenewBefore;
        _clock = clock;
        _logger = logger;
        _current = LeafCertificates.LoadOrIssue(certificatePath, keyPath, c => ReissueReason(c, clock.GetUtcNow()), Issue, logger);
        _nextCheckTicks = (clock.GetUtcNow() + CheckInterval).UtcTicks;
    }

    /// <summary>
    /// The certificate to present, with its key. Kestrel's ServerCertificateSelector calls this on
    /// every handshake: between checks it is a clock read and two volatile reads; at a check one
    /// caller renews while the others wait for it.
    /// </summary>
    public X509Certificate2 Current
    {
        get
        {
            if (_clock.GetUtcNow().UtcTicks >= Volatile.Read(ref _nextCheckTicks))
            {
                RenewIfDue();
            }

            return Volatile.Read(ref _current);
        }
    }

    /// <summary>
    /// <see cref="Current"/> as a TLS context, made once per certificate: a handshake given the certificate alone makes
    /// its own context (a chain build each time), and only a context kept across handshakes lets clients resume their
    /// TLS sessions.
    /// </summary>
    public SslStreamCertificateContext CurrentContext
    {
        get
        {
            var certificate = Current;
            var context = Volatile.Read(ref _context);
            if (context is not null && ReferenceEquals(context.Certificate, certificate))
            {
                return context.Tls;
            }

            // Two handshakes racing at a renewal may each make one; the last one kept is as good as the other.
            context = new Context(certificate, SslStreamCertificateContext.Create(certificate, [_authority.Certificate], offline: true));
            Volatile.Write(ref _context, context);
            return context.Tls;
        }
    }

    private sealed record Context(X509Certificate2 Certificate, SslStreamCertificateContext Tls);

    internal void DisposeCurrent() => Volatile.Read(ref _current).Dispose();

    private void RenewIfDue()
    {
        lock (_renewing)
        {
            var now = _clock.GetUtcNow();
            if (now.UtcTicks < Volatile.Read(ref _nextCheckTicks))
            {
                return; // another handshake renewed or checked meanwhile
            }

            try
            {
                Renew(now);
            }
            finally
            {
                // Set only now: a handshake arriving meanwhile waits for the lock and then gets the
                // new certificate, not the one being replaced.
                Volatile.Write(ref _nextCheckTicks, (now + CheckInterval).UtcTicks);
            }
        }
    }

    private void Renew(DateTimeOffset now)
    {
        if (ReissueReason(_current, now) is not { } reason)
        {
            return;
        }

        X509Certificate2 renewed;
        try
        {
            renewed = Issue();
        }
        catch (InvalidOperationException e)
        {
            // The CA itself has expired: nothing can be issued until it is replaced; the handshake goes on.
            LogNotRenewed(_logger, _current.Subject, reason, e);
            return;
        }

        // The old certificate is not disposed: a handshake on another thread may still use it.
        Volatile.Write(ref _current, renewed);
        try
        {
            LeafCertificates.Write(_certificatePath, _keyPath, renewed);
            LogRenewed(_logger, renewed.Subject, reason, renewed.NotAfter.ToUniversalTime(), _certificatePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full or read-only disk must not stop the server: it serves the new certificate
            // from memory, and a restart issues another one.
            LogNotWritten(_logger, renewed.Subject, _certificatePath, e);
        }
    }

    private string? ReissueReason(X509Certificate2 certificate, DateTimeOffset now)
    {
        if (LeafCertificates.ReissueReason(_authority, certificate, now, _renewBefore, CertificateAuthority.Usages.ServerAuth) is { } reason)
        {
            return reason;
        }

        return _names.Missing(certificate) is { } missing ? $"it lacks the name {missing}" : null;
    }

    private X509Certificate2 Issue() => _authority.IssueServing(CommonName, _names.DnsNames, _names.Ips, _validity, _clock);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "Serving certificate {Subject} renewed without a restart ({Reason}), valid until {NotAfter:u}; written to {Path}")]
    private static partial void LogRenewed(ILogger logger, string subject, string reason, DateTime notAfter, string path);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Error, Message = "Serving certificate {Subject} must be renewed ({Reason}) but cannot be")]
    private static partial void LogNotRenewed(ILogger logger, string subject, string reason, Exception exception);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "Serving certificate {Subject} renewed but not written to {Path}; it is served from memory until the next renewal or restart")]
    private static partial void LogNotWritten(ILogger logger, string subject, string path, Exception exception);
}
