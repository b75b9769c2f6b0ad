using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace Cluster.Node.Dns;

/// <summary>
/// Answers names in the cluster domain as the Kubernetes DNS specification (1.1.0) has them: <c>svc.ns.svc.DOMAIN</c>
/// (the cluster IP; each ready endpoint for a headless Service; a CNAME for ExternalName), <c>host.svc.ns.svc.DOMAIN</c>
/// for a headless Service's endpoints, SRV <c>_port._proto.svc.ns.svc.DOMAIN</c> for named ports,
/// <c>a-b-c-d.ns.pod.DOMAIN</c>, PTR for cluster and endpoint IPs, NXDOMAIN for any other name in the domain. Names
/// outside the domain are not its to answer (null: the server forwards them).
/// </summary>
public sealed class ClusterDnsResolver(ServiceDirectory services, string domain)
{
    /// <summary>The records' time to live: short, as CoreDNS's, since endpoints come and go.</summary>
    public const int Ttl = 5;

    private readonly string _suffix = "." + domain.Trim('.').ToLowerInvariant();

    /// <summary>The response to <paramref name="query"/>, or null when its question is not in the cluster's zones.</summary>
    public DnsMessage? Answer(DnsMessage query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Questions.Count != 1)
        {
            return Failure(query, ReturnCode.FormatError);
        }

        var question = query.Questions[0];
        var name = question.Name.ToString().TrimEnd('.').ToLowerInvariant();
        var response = query.CreateResponseInstance();
        response.IsRecursionAllowed = true;
        if (name.EndsWith(".in-addr.arpa", StringComparison.Ordinal) || name.EndsWith(".ip6.arpa", StringComparison.Ordinal))
        {
            return Reverse(response, question, name);
        }

        if (name + "." != _suffix[1..] + "." && !name.EndsWith(_suffix, StringComparison.Ordinal))
        {
            return null;
        }

        response.IsAuthoritiveAnswer = true;
        var labels = name == _suffix[1..] ? [] : name[..^_suffix.Length].Split('.');
        var found = labels switch
        {
            [] or ["svc"] or [_, "svc"] or ["pod"] or [_, "pod"] => true,
            ["dns-version"] => Add(response, question, RecordType.Txt, new TxtRecord(question.Name, Ttl, "1.1.0")),
            [var service, var ns, "svc"] => ServiceRecords(response, question, ns, service),
            [var port, var protocol, var service, var ns, "svc"] when port.StartsWith('_') && protocol.StartsWith('_') =>
                SrvRecords(response, question, ns, service, port[1..], protocol[1..]),
            [var host, var service, var ns, "svc"] => EndpointRecords(response, question, ns, service, host),
            [var dashed, _, "pod"] => PodRecords(response, question, dashed),
            _ => false,
        };
        response.ReturnCode = found ? ReturnCode.NoError : ReturnCode.NxDomain;
        return response;
    }

    private bool ServiceRecords(DnsMessage response, DnsQuestion question, string ns, string name)
    {
        if (services.Find(ns, name) is not { } service)
        {
            return false;
        }

        if (service.ExternalName is { Length: > 0 } external)
        {
            // Any type: the CNAME is the answer, and the client follows it.
            response.AnswerRecords.Add(new CNameRecord(question.Name, Ttl, DomainName.Parse(external)));
            return true;
        }

        var addresses = service.Headless ? service.Endpoints.Select(e => e.Address).Distinct() : service.ClusterIps;
        foreach (var address in addresses)
        {
            AddAddress(response, question, question.Name, address);
        }

        return true;
    }

    private bool SrvRecords(DnsMessage response, DnsQuestion question, string ns, string name, string port, string protocol)
    {
        if (services.Find(ns, name) is not { ExternalName: null } service)
        {
            return false;
        }

        var serviceName = DomainName.Parse($"{name}.{ns}.svc{_suffix}");
        var matches = false;
        if (!service.Headless)
        {
            foreach (var p in service.Ports.Where(p => Named(p, port, protocol)))
            {
                matches = true;
                Add(response, question, RecordType.Srv, new SrvRecord(question.Name, Ttl, 0, 100, (ushort)p.Port, serviceName));
            }

            if (matches && question.RecordType is RecordType.Srv or RecordType.Any)
            {
                foreach (var ip in service.ClusterIps)
                {
                    response.AdditionalRecords.Add(AddressRecord(serviceName, ip));
                }
            }

            return matches;
        }

        foreach (var endpoint in service.Endpoints)
        {
            foreach (var p in endpoint.Ports.Where(p => Named(p, port, protocol)))
            {
                matches = true;
                var target = DomainName.Parse($"{HostOf(endpoint)}.{name}.{ns}.svc{_suffix}");
                Add(response, question, RecordType.Srv, new SrvRecord(question.Name, Ttl, 0, 100, (ushort)p.Port, target));
                if (question.RecordType is RecordType.Srv or RecordType.Any)
                {
                    response.AdditionalRecords.Add(AddressRecord(target, endpoint.Address));
                }
            }
        }

        return matches;
    }

    private bool EndpointRecords(DnsMessage response, DnsQuestion question, string ns, string name, string host)
    {
        if (services.Find(ns, name) is not { Headless: true } service)
        {
            return false;
        }

        var found = false;
        foreach (var endpoint in service.Endpoints.Where(e => HostOf(e) == host))
        {
            found = true;
            AddAddress(response, question, question.Name, endpoint.Address);
        }

        return found;
    }

    private static bool PodRecords(DnsMessage response, DnsQuestion question, string dashed)
    {
        var text = dashed.Contains("--", StringComparison.Ordinal) ? dashed.Replace('-', ':') : dashed.Replace('-', '.');
        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        AddAddress(response, question, question.Name, address);
        return true;
    }

    private DnsMessage? Reverse(DnsMessage response, DnsQuestion question, string name)
    {
        if (ReverseAddress(name) is not { } address || services.ReverseName(address) is not { } target)
        {
            return null;
        }

        response.IsAuthoritiveAnswer = true;
        Add(response, question, RecordType.Ptr, new PtrRecord(question.Name, Ttl, DomainName.Parse(target)));
        response.ReturnCode = ReturnCode.NoError;
        return response;
    }

    private static IPAddress? ReverseAddress(string name)
    {
        if (name.EndsWith(".in-addr.arpa", StringComparison.Ordinal))
        {
            var octets = name[..^".in-addr.arpa".Length].Split('.');
            return octets.Length == 4 && IPAddress.TryParse(string.Join('.', octets.Reverse()), out var v4) ? v4 : null;
        }

        var nibbles = name[..^".ip6.arpa".Length].Split('.');
        if (nibbles.Length != 32)
        {
            return null;
        }

        var hex = string.Concat(nibbles.Reverse());
        var groups = Enumerable.Range(0, 8).Select(i => hex.Substring(i * 4, 4));
        return IPAddress.TryParse(string.Join(':', groups), out var v6) ? v6 : null;
    }

    /// <summary>An endpoint's name under its Service: its hostname, else its address with dashes (as CoreDNS names it).</summary>
    private static string HostOf(ServiceEndpoint endpoint) =>
        endpoint.Hostname is { Length: > 0 } host ? host.ToLowerInvariant()
        : endpoint.Address.AddressFamily == AddressFamily.InterNetwork ? endpoint.Address.ToString().Replace('.', '-')
        : endpoint.Address.ToString().Replace(':', '-');

    private static bool Named(NamedPort port, string name, string protocol) =>
        port.Name.Length > 0 && port.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && port.Protocol.Equals(protocol, StringComparison.OrdinalIgnoreCase);

    private static void AddAddress(DnsMessage response, DnsQuestion question, DomainName name, IPAddress address) =>
        Add(response, question, address.AddressFamily == AddressFamily.InterNetwork ? RecordType.A : RecordType.Aaaa, AddressRecord(name, address));

    private static DnsRecordBase AddressRecord(DomainName name, IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? new ARecord(name, Ttl, address) : new AaaaRecord(name, Ttl, address);

    /// <summary>Adds the record when the question asks for its type (or any); the name exists either way.</summary>
    private static bool Add(DnsMessage response, DnsQuestion question, RecordType type, DnsRecordBase record)
    {
        if (question.RecordType != type && question.RecordType != RecordType.Any)
        {
            return true;
        }

        response.AnswerRecords.Add(record);
        return true;
    }

    private static DnsMessage Failure(DnsMessage query, ReturnCode code)
    {
        var response = query.CreateResponseInstance();
        response.ReturnCode = code;
        return response;
    }
}
