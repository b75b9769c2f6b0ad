using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Cluster.Node.Proxy;

/// <summary>Where this node's pods get their addresses: the Docker bridge's subnet.</summary>
public static class PodNetwork
{
    /// <summary>Docker's default bridge when its interface cannot be seen.</summary>
    public const string DefaultDockerCidr = "172.17.0.0/16";

    /// <summary>The subnet of the <c>docker0</c> interface, as a CIDR; Docker's default when there is none.</summary>
    public static string DockerBridgeCidr(string bridge = "docker0")
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .FirstOrDefault(i => i.Name == bridge)?
            .GetIPProperties().UnicastAddresses
            .FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork);
        return address is null ? DefaultDockerCidr : new IPNetwork(Masked(address.Address, address.PrefixLength), address.PrefixLength).ToString();
    }

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
