namespace Cluster.Bench;

internal static class Percentiles
{
    /// <summary>The nearest-rank percentile of ascending <paramref name="sorted"/> samples (NaN when there are none).</summary>
    public static double Of(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
