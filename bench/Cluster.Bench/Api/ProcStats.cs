using System.Globalization;

namespace Cluster.Bench.Api;

/// <summary>Memory and CPU time of a Linux process from /proc, and this process's open-file limit.</summary>
public static class ProcStats
{
    /// <summary>VmRSS and VmHWM (peak RSS) in bytes; zeros when /proc is unreadable.</summary>
    public static (long Rss, long Peak) Memory(int pid)
    {
        long rss = 0, peak = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line) * 1024;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return (rss, peak);
    }

    /// <summary>Resets the process's VmHWM to its current RSS (Linux clear_refs 5); false when not allowed.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>User plus system CPU time the process has used.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            return Seconds(CpuTicks(File.ReadAllText($"/proc/{pid}/stat")));
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>
    /// CPU time used so far by the process's threads named <paramref name="threadNamePrefix"/> (for example the
    /// runtime's ".NET Tiered Compilation" worker, whose thread name the kernel keeps as ".NET Tiered Com").
    /// </summary>
    public static TimeSpan ThreadCpuTime(int pid, string threadNamePrefix)
    {
        long ticks = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(threadNamePrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    ticks += CpuTicks(File.ReadAllText(Path.Combine(task, "stat")));
                }
                catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
                {
                    // The thread ended between the listing and the read.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return Seconds(ticks);
    }

    /// <summary>utime plus stime of a /proc stat line: fields 14 and 15, counted after the parenthesised command name.</summary>
    private static long CpuTicks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux

    /// <summary>
    /// This process's soft open-file limit, or -1 when unknown. The .NET runtime raises the soft limit to the hard
    /// one at start-up, on its own and in the node, so this is what both get.
    /// </summary>
    public static long OpenFileLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return soft is null ? -1 : soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return -1;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
}
