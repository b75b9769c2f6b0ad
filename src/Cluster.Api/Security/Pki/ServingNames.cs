using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Cluster.Core.Configuration;

namespace Cluster.Api.Security.Pki;

/// <summary>The DNS names and IP addresses the serving certificate carries as SANs.</summary>
internal sealed partial class ServingNames
{
    /// <summary>
    /// Names every serving certificate carries: loopback for kubectl on the node, the host name, and
    /// the kubernetes Service's names, which in-cluster clients (client-go's rest.InClusterConfig) dial.
    /// </summary>
    private static readonly string[] BuiltIn =
    [
        "localhost", "127.0.0.1", "::1",
        "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
    ];

    private ServingNames(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> ips)
    {
        DnsNames = dnsNames;
        Ips = ips;
    }

    public IReadOnlyList<string> DnsNames { get; }

    public IReadOnlyList<IPAddress> Ips { get; }

    /// <summary>
    /// The built-in names, the host name, <paramref name="names"/> and <paramref name="extraSans"/>: IP
    /// literals (also "[::1]") as IP SANs, the rest as DNS names, without duplicates. A malformed
    /// extra SAN is a <see cref="SettingsException"/>: it would otherwise fail deep in the certificate builder.
    /// </summary>
    public static ServingNames Build(IEnumerable<string> names, IEnumerable<string> extraSans)
    {
        var dns = new List<string>();
        var ips = new List<IPAddress>();
        // A host name that is no DNS name (rare, but Windows allows some) is left out rather than stopping the node.
        var host = Environment.MachineName.ToLowerInvariant();
        var wanted = BuiltIn.Concat(DnsName().IsMatch(host) ? [host] : []).Concat(names).Select(n => (Name: n, Setting: false))
            .Concat(extraSans.Select(n => (Name: n, Setting: true)));
        foreach (var (raw, setting) in wanted)
        {
            var name = raw.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (IPAddress.TryParse(name.Trim('[', ']'), out var ip))
            {
                // The wildcard a server binds is no address a client dials; as a SAN it would match nothing.
                if (!ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any) && !ips.Contains(ip))
                {
                    ips.Add(ip);
                }
            }
            else if (!DnsName().IsMatch(name))
            {
                throw setting
                    ? SettingsException.Invalid("api.tls.extra-sans", raw, "each entry must be a DNS name or an IP address")
                    : new ArgumentException($"'{raw}' is neither a DNS name nor an IP address", nameof(names));
            }
            else if (!dns.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                dns.Add(name.ToLowerInvariant());
            }
        }

        return new ServingNames(dns, ips);
    }

    /// <summary>The first wanted name <paramref name="certificate"/> does not carry as a SAN, or null.</summary>
    public string? Missing(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.17");
        var sans = extension is null ? null : new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
        var dns = (sans?.EnumerateDnsNames() ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ips = (sans?.EnumerateIPAddresses() ?? []).ToHashSet();
        return DnsNames.FirstOrDefault(n => !dns.Contains(n)) ?? Ips.FirstOrDefault(ip => !ips.Contains(ip))?.ToString();
    }

    /// <summary>Dot-separated labels of letters, digits, '-' and '_' (host names have them), optionally behind a "*." wildcard.</summary>
    [GeneratedRegex(@"^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$")]
    private static partial Regex DnsName();
}
