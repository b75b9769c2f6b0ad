using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cluster.Core.Registry.Services;

/// <summary>
/// The IPv4 range Service cluster IPs come from (kube-apiserver's --service-cluster-ip-range). As upstream, the
/// network and broadcast addresses are never handed out, and the first usable address belongs to the
/// <c>kubernetes</c> Service.
/// </summary>
public sealed record ServiceIPRange(uint Network, int PrefixLength)
{
    public static ServiceIPRange Default { get; } = Parse("10.96.0.0/12");

    /// <summary>How many addresses the range holds, the network and broadcast addresses included.</summary>
    public long Size => 1L << (32 - PrefixLength);

    /// <summary>The first usable address (the <c>kubernetes</c> Service's).</summary>
    public string First => Format(Network + 1);

    /// <summary>Usable addresses: all but the network and broadcast ones (a /31 or /32 has none of those).</summary>
    public long Usable => PrefixLength >= 31 ? Size : Size - 2;

    /// <summary>The usable address at <paramref name="index"/> (0: <see cref="First"/>).</summary>
    public string At(long index) => Format((uint)(Network + (PrefixLength >= 31 ? 0 : 1) + index));

    public bool Contains(string ip) =>
        TryParseV4(ip, out var value) && (value & Mask) == Network && (PrefixLength >= 31 || (value != Network && value != Network + (uint)(Size - 1)));

    public override string ToString() => Format(Network) + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    /// <summary>"10.96.0.0/12"; throws <see cref="FormatException"/> for anything but an IPv4 CIDR.</summary>
    public static ServiceIPRange Parse(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !TryParseV4(cidr[..slash], out var address)
            || !int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 1 or > 32)
        {
            throw new FormatException("must be an IPv4 CIDR such as 10.96.0.0/12 (IPv6 service ranges are not supported)");
        }

        var mask = MaskOf(prefix);
        return new ServiceIPRange(address & mask, prefix);
    }

    private uint Mask => MaskOf(PrefixLength);

    private static uint MaskOf(int prefix) => prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);

    private static bool TryParseV4(string text, out uint value)
    {
        value = 0;
        if (!Strategies.NameRules.IsIp(text) || !IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes());
        return true;
    }

    private static string Format(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }
}

/// <summary>The node-port range (kube-apiserver's --service-node-port-range), "30000-32767", both ends included.</summary>
public sealed record NodePortRange(int Base, int Last)
{
    public static NodePortRange Default { get; } = new(30000, 32767);

    public int Size => Last - Base + 1;

    public bool Contains(long port) => port >= Base && port <= Last;

    public override string ToString() => Base.ToString(CultureInfo.InvariantCulture) + "-" + Last.ToString(CultureInfo.InvariantCulture);

    /// <summary>"30000-32767"; throws <see cref="FormatException"/> otherwise.</summary>
    public static NodePortRange Parse(string range)
    {
        var dash = range.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0
            || !int.TryParse(range[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(range[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || first < 1 || last > 65535 || last < first)
        {
            throw new FormatException("must be a port range such as 30000-32767 within 1-65535");
        }

        return new NodePortRange(first, last);
    }
}
