namespace Cluster.Bench;

/// <summary>
/// The machine's load average, printed with the figures: the benchmarks share the machine with
/// whatever else runs on it, and a reader can only trust a figure knowing whether it ran alone.
/// </summary>
internal static class MachineLoad
{
    public static string Describe()
    {
        const string LoadAverage = "/proc/loadavg";
        if (!File.Exists(LoadAverage))
        {
            return $"load average not available; {Environment.ProcessorCount} cores";
        }

        var parts = File.ReadAllText(LoadAverage).Split(' ');
        return $"load average {parts[0]} (1 min), {parts[1]} (5 min) on {Environment.ProcessorCount} cores";
    }
}
