using Cluster.Controllers.Framework;
using Cluster.Controllers.Scheduling;

namespace Cluster.Controllers.Hosting;

/// <summary>
/// What the controller-manager and scheduler singletons answer when asked, through their proxies from any member, by
/// the management endpoints: where they run and each control loop's queue depth and reconcile (or scheduling) figures.
/// </summary>
public static class ControlPlaneStatus
{
    public sealed record Get
    {
        public static Get Instance { get; } = new();
    }

    /// <param name="Member">The Akka address of the member hosting the controller manager.</param>
    /// <param name="Started">False while it still waits for the registry and its informers.</param>
    /// <param name="Controllers">An array on the wire (the answer may cross to another member, and the JSON serializer
    /// names the runtime type of a collection).</param>
    public sealed record ControllerManager(string Member, bool Started, IReadOnlyList<ControllerStats> Controllers);

    /// <param name="Stats">Null until the scheduler has started.</param>
    public sealed record Scheduler(string Member, bool Started, SchedulerStats? Stats);
}
