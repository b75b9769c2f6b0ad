using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// NetworkPolicies: a valid pod selector, policy types Ingress or Egress, ports with a protocol and a number or name (an
/// endPort only after a numeric port, not below it), peers that are selectors or an ipBlock with a CIDR (upstream
/// ValidateNetworkPolicySpec).
/// </summary>
internal sealed class NetworkPolicyStrategy : ResourceStrategy
{
    public NetworkPolicyStrategy()
        : base(BuiltInKinds.NetworkPolicy)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        foreach (var rules in (ReadOnlySpan<string>)["ingress", "egress"])
        {
            foreach (var (_, rule) in JsonFields.Items(JsonFields.Arr(spec, rules)))
            {
                foreach (var (_, port) in JsonFields.Items(JsonFields.Arr(rule, "ports")))
                {
                    JsonFields.DefaultString(port, "protocol", "TCP");
                }
            }
        }

        // SetDefaults_NetworkPolicy: policyTypes follow from the rules present.
        if (JsonFields.Arr(spec, "policyTypes") is null or { Count: 0 })
        {
            var types = new JsonArray("Ingress");
            if (JsonFields.Arr(spec, "egress") is { Count: > 0 })
            {
                types.Add("Egress");
            }

            spec["policyTypes"] = types;
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec") ?? [];
        LabelSelectors.Validate(spec["podSelector"], "spec.podSelector", causes);
        foreach (var (rules, peers) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            foreach (var (i, rule) in JsonFields.Items(JsonFields.Arr(spec, rules)))
            {
                var path = JsonFields.Index("spec." + rules, i);
                foreach (var (j, port) in JsonFields.Items(JsonFields.Arr(rule, "ports")))
                {
                    ValidatePort(port, JsonFields.Index(path + ".ports", j), causes);
                }

                foreach (var (j, peer) in JsonFields.Items(JsonFields.Arr(rule, peers)))
                {
                    ValidatePeer(peer, JsonFields.Index(path + "." + peers, j), causes);
                }
            }
        }

        var policyTypes = JsonFields.Arr(spec, "policyTypes") ?? [];
        for (var i = 0; i < policyTypes.Count; i++)
        {
            if (JsonFields.AsString(policyTypes[i]) is not ("Ingress" or "Egress"))
            {
                causes.NotSupported(JsonFields.Index("spec.policyTypes", i), JsonFields.AsString(policyTypes[i]) ?? "", "Ingress", "Egress");
            }
        }
    }

    private static void ValidatePort(JsonObject port, string path, Causes causes)
    {
        causes.OptionalOneOf(port, "protocol", path + ".protocol", "SCTP", "TCP", "UDP");
        var number = JsonFields.Int(port, "port");
        if (number is { } n)
        {
            causes.InvalidEach(path + ".port", n.ToString(System.Globalization.CultureInfo.InvariantCulture), NameRules.PortNumber(n));
        }
        else if (JsonFields.Str(port, "port") is { } name)
        {
            causes.InvalidEach(path + ".port", name, NameRules.PortName(name));
        }

        if (JsonFields.Int(port, "endPort") is { } end)
        {
            if (number is null)
            {
                causes.Required(path + ".port", "must be specified when endPort is specified");
            }
            else if (end < number)
            {
                causes.Invalid(path + ".endPort", end, "must be greater than or equal to `port`");
            }
        }
    }

    private static void ValidatePeer(JsonObject peer, string path, Causes causes)
    {
        var selectors = peer["podSelector"] is not null || peer["namespaceSelector"] is not null;
        if (peer["ipBlock"] is JsonObject block)
        {
            if (selectors)
            {
                causes.Forbidden(path, "may not specify both podSelector/namespaceSelector and ipBlock");
            }

            var cidr = JsonFields.Str(block, "cidr") ?? "";
            if (cidr.Length == 0)
            {
                causes.Required(path + ".ipBlock.cidr");
            }
            else if (!System.Net.IPNetwork.TryParse(cidr, out _))
            {
                causes.Invalid(path + ".ipBlock.cidr", cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
            }
        }
        else if (!selectors)
        {
            causes.Required(path, "must specify a peer");
        }

        LabelSelectors.Validate(peer["podSelector"], path + ".podSelector", causes);
        LabelSelectors.Validate(peer["namespaceSelector"], path + ".namespaceSelector", causes);
    }
}

/// <summary>EndpointSlices: an address type that never changes, endpoints with one to a hundred addresses of that type, named ports (upstream ValidateEndpointSlice).</summary>
internal sealed class EndpointSliceStrategy : ResourceStrategy
{
    public EndpointSliceStrategy()
        : base(BuiltInKinds.EndpointSlice)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        foreach (var (_, port) in JsonFields.Items(JsonFields.Arr(obj, "ports")))
        {
            JsonFields.DefaultString(port, "protocol", "TCP");
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var addressType = JsonFields.Str(obj, "addressType") ?? "";
        if (addressType.Length == 0)
        {
            causes.Required("addressType");
        }
        else if (addressType is not ("IPv4" or "IPv6" or "FQDN"))
        {
            causes.NotSupported("addressType", addressType, "FQDN", "IPv4", "IPv6");
        }

        foreach (var (i, endpoint) in JsonFields.Items(JsonFields.Arr(obj, "endpoints")))
        {
            var path = JsonFields.Index("endpoints", i);
            var addresses = JsonFields.Arr(endpoint, "addresses") ?? [];
            if (addresses.Count is 0 or > 100)
            {
                causes.Invalid(path + ".addresses", addresses.Count, "must contain at least 1 address and no more than 100");
            }

            for (var j = 0; j < addresses.Count; j++)
            {
                var address = JsonFields.AsString(addresses[j]) ?? "";
                // NameRules.IsIp, not IPAddress.TryParse alone, which takes "10" or "10.1" for IPv4 addresses.
                var valid = addressType switch
                {
                    "IPv4" => NameRules.IsIp(address) && !address.Contains(':', StringComparison.Ordinal),
                    "IPv6" => NameRules.IsIp(address) && address.Contains(':', StringComparison.Ordinal),
                    _ => Validation.NameValidation.IsDns1123Subdomain(address).Count == 0,
                };
                if (!valid)
                {
                    causes.Invalid(JsonFields.Index(path + ".addresses", j), address, "must be a valid " + addressType + " address");
                }
            }
        }

        foreach (var (i, port) in JsonFields.Items(JsonFields.Arr(obj, "ports")))
        {
            var path = JsonFields.Index("ports", i);
            if (JsonFields.Str(port, "name") is { Length: > 0 } name)
            {
                causes.InvalidEach(path + ".name", name, NameRules.Dns1123Label(name));
            }

            causes.OptionalOneOf(port, "protocol", path + ".protocol", "SCTP", "TCP", "UDP");
            if (JsonFields.Int(port, "port") is { } number)
            {
                causes.InvalidEach(path + ".port", number.ToString(System.Globalization.CultureInfo.InvariantCulture), NameRules.PortNumber(number));
            }
        }
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes) =>
        causes.ImmutableField("addressType", updated["addressType"], old["addressType"]);
}
