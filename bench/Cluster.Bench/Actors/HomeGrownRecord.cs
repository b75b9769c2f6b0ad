namespace Cluster.Bench.Actors;

/// <summary>
/// The home-grown actor runtime's figures from its last run before the move to Akka.NET (on this
/// kind of machine, with the same ping-pong window). That runtime is gone, so these are a record
/// to read Akka's figures against, not measurements of this program.
/// </summary>
internal static class HomeGrownRecord
{
    public const string Label = "home-grown runtime, last run before the move";

    /// <summary>Tell throughput by ping-pong pairs, messages per second.</summary>
    public static readonly IReadOnlyDictionary<int, double> TellPerSecond = new Dictionary<int, double>
    {
        [1] = 16.5e6,
        [8] = 23.1e6,
        [64] = 26.0e6,
    };

    /// <summary>Actors spawned per second, recorded as a range over its runs.</summary>
    public const double SpawnsPerSecondLow = 0.7e6;

    public const double SpawnsPerSecondHigh = 0.9e6;
}
