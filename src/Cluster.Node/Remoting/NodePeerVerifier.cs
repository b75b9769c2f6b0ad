using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Cluster.Api.Security.Pki;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Remoting;

/// <summary>
/// Decides, in the TLS handshake of the cluster transport, whether the other end is a member: its certificate must
/// chain to the cluster CA (not the machine's trust store: the CA is the cluster's own), be in date, allow both
/// client and server authentication and name a node (CN=system:node:NAME, O=system:nodes). Akka asks it on both
/// sides: for the member it dials and, with mutual authentication, for the member that dials in, after the TLS
/// handshake has proved that the peer holds the certificate's key. The host name is not compared: any member
/// may dial any other by the address gossip gave it, and every node certificate grants the same membership.
/// </summary>
public sealed partial class NodePeerVerifier(CertificateAuthority authority, TimeProvider clock, ILogger logger)
{
    /// <summary>Akka's <c>CertificateValidationCallback</c>: the standard checks' <paramref name="errors"/> are ignored, they judge by the machine's trust store.</summary>
    public bool Validate(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, Akka.Event.ILoggingAdapter log)
    {
        if (RejectionReason(certificate) is not { } reason)
        {
            return true;
        }

        LogPeerRejected(logger, remotePeer, reason);
        return false;
    }

    /// <summary>Why <paramref name="certificate"/> does not make its holder a member; null when it does.</summary>
    public string? RejectionReason(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return "no certificate presented";
        }

        if (!authority.Verify(certificate, clock.GetUtcNow(), CertificateAuthority.Usages.ClientAuth, out var reason))
        {
            return reason;
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>();
        if (!usages.Any(u => u.Value == CertificateAuthority.Usages.ServerAuth))
        {
            return "certificate is not for server authentication";
        }

        var (user, groups) = CertificateAuthority.ClientSubject(certificate);
        var prefix = CertificateAuthority.NodeUserPrefix;
        return user.StartsWith(prefix, StringComparison.Ordinal) && user.Length > prefix.Length && groups.Contains(CertificateAuthority.NodesGroup)
            ? null
            : $"certificate {certificate.Subject} is no node certificate (CN={prefix}NAME, O={CertificateAuthority.NodesGroup})";
    }

    [LoggerMessage(EventId = 9202, Level = LogLevel.Warning, Message = "Cluster transport connection with {Peer} refused: {Reason}")]
    private static partial void LogPeerRejected(ILogger logger, string peer, string reason);
}
