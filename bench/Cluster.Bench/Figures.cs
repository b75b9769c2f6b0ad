using System.Globalization;

namespace Cluster.Bench;

/// <summary>How the benchmarks print numbers: invariant culture, thousands separated.</summary>
internal static class Figures
{
    public static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Millions(double value) => (value / 1e6).ToString("F1", CultureInfo.InvariantCulture);

    public static string Milliseconds(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + " ms";
}
