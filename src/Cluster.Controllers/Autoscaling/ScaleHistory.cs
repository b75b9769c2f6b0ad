namespace Cluster.Controllers.Autoscaling;

/// <summary>
/// What the controller remembers of one autoscaler between syncs (upstream's recommendations, scaleUpEvents and
/// scaleDownEvents): the recent recommendations the stabilization window picks from, and the recent scale changes
/// the behavior's policies limit per period. Kept in memory only, as upstream: a new controller starts afresh.
/// </summary>
public sealed class ScaleHistory
{
    internal List<Recommendation> Recommendations { get; } = [];

    internal List<ScaleEvent> ScaleUps { get; } = [];

    internal List<ScaleEvent> ScaleDowns { get; } = [];

    internal readonly record struct Recommendation(int Replicas, DateTimeOffset At);

    /// <summary>A change of <see cref="Change"/> replicas (always positive); an outdated one is older than every policy's period and its slot is reused.</summary>
    internal readonly record struct ScaleEvent(int Change, DateTimeOffset At, bool Outdated);
}
