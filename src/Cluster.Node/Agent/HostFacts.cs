using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>
/// What the node reports about its host, read from the host itself: CPUs, memory and disk for capacity, kernel and OS
/// for nodeInfo, its address, and the pressure conditions with the kubelet's default eviction thresholds
/// (memory.available &lt; 100Mi, nodefs.available &lt; 10%, pid.available &lt; 10%).
/// </summary>
public sealed record HostFacts(
    int Cpus,
    long MemoryBytes,
    long MemoryAvailableBytes,
    long DiskBytes,
    long DiskAvailableBytes,
    long PidMax,
    long Processes,
    string Kernel,
    string OsImage,
    string Address,
    string MachineId,
    string BootId)
{
    public const int MaxPods = 110;
    private const long MemoryThreshold = 100L * 1024 * 1024;

    /// <summary>Reads the facts of this machine; <paramref name="dataDirectory"/> is on the disk reported as ephemeral storage.</summary>
    public static HostFacts Read(string dataDirectory)
    {
        var memory = MemInfo();
        var drive = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(dataDirectory)) ?? "/");
        return new HostFacts(
            Environment.ProcessorCount,
            memory.GetValueOrDefault("MemTotal") * 1024,
            memory.GetValueOrDefault("MemAvailable") * 1024,
            drive.TotalSize,
            drive.AvailableFreeSpace,
            long.TryParse(ReadOr("/proc/sys/kernel/pid_max", "32768"), NumberStyles.None, CultureInfo.InvariantCulture, out var pidMax) ? pidMax : 32768,
            Directory.EnumerateDirectories("/proc").Count(d => char.IsAsciiDigit(Path.GetFileName(d)[0])),
            ReadOr("/proc/sys/kernel/osrelease", Environment.OSVersion.Version.ToString()),
            OsRelease(),
            PrimaryAddress(),
            ReadOr("/etc/machine-id", ""),
            ReadOr("/proc/sys/kernel/random/boot_id", ""));
    }

    /// <summary>The facts a simulated node reports: a 4-CPU, 16 GiB machine with a 100 GiB disk, never under pressure.</summary>
    public static HostFacts Simulated(string address) =>
        new(4, 16L << 30, 12L << 30, 100L << 30, 80L << 30, 4_194_304, 100, "simulated", "Simulated Linux", address, "", "");

    public bool MemoryPressure => MemoryAvailableBytes < MemoryThreshold;

    public bool DiskPressure => DiskBytes > 0 && DiskAvailableBytes * 10 < DiskBytes;

    public bool PidPressure => PidMax > 0 && (PidMax - Processes) * 10 < PidMax;

    /// <summary>capacity and allocatable (the same: nothing is reserved for the system here).</summary>
    public Dictionary<string, ResourceQuantity> Capacity() => new(StringComparer.Ordinal)
    {
        ["cpu"] = new ResourceQuantity(Cpus.ToString(CultureInfo.InvariantCulture)),
        ["memory"] = new ResourceQuantity((MemoryBytes / 1024).ToString(CultureInfo.InvariantCulture) + "Ki"),
        ["ephemeral-storage"] = new ResourceQuantity((DiskBytes / 1024).ToString(CultureInfo.InvariantCulture) + "Ki"),
        ["pods"] = new ResourceQuantity(MaxPods.ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>/proc/meminfo's figures in KiB by name (MemTotal, MemAvailable, ...).</summary>
    public static Dictionary<string, long> MemInfo()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo") : [])
        {
            var parts = line.Split(':', 2);
            if (parts.Length == 2 && long.TryParse(parts[1].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                values[parts[0]] = kib;
            }
        }

        return values;
    }

    private static string OsRelease()
    {
        foreach (var line in File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release") : [])
        {
            if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            {
                return line["PRETTY_NAME=".Length..].Trim('"');
            }
        }

        return "Linux";
    }

    /// <summary>The first IPv4 address of an up, non-loopback interface that is not a container bridge; loopback otherwise.</summary>
    private static string PrimaryAddress()
    {
        var candidates = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback
                && !n.Name.StartsWith("docker", StringComparison.Ordinal) && !n.Name.StartsWith("veth", StringComparison.Ordinal) && !n.Name.StartsWith("br-", StringComparison.Ordinal))
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            .Select(a => a.Address.ToString());
        return candidates.FirstOrDefault() ?? "127.0.0.1";
    }

    private static string ReadOr(string path, string fallback)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : fallback;
        }
        catch (IOException)
        {
            return fallback;
        }
        catch (UnauthorizedAccessException)
        {
            return fallback;
        }
    }
}
