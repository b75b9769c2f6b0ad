using System.Text.Json.Nodes;
using Cluster.Controllers.Hosting;

namespace Cluster.Node.Management;

/// <summary>The JSON shapes of <c>/cluster/controllers</c> and <c>/cluster/scheduler</c>: where each singleton runs and its figures.</summary>
internal static class ControlPlaneViews
{
    public static JsonObject Controllers(ControlPlaneStatus.ControllerManager status) => new()
    {
        ["member"] = status.Member,
        ["started"] = status.Started,
        ["controllers"] = new JsonArray([.. status.Controllers.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["queueDepth"] = c.QueueDepth,
            ["waiting"] = c.Waiting,
            ["reconciles"] = c.Reconciles,
            ["failures"] = c.Failures,
            ["meanLatencyMs"] = Math.Round(c.Reconciles == 0 ? 0 : c.TotalLatency.TotalMilliseconds / c.Reconciles, 3),
            ["maxLatencyMs"] = Math.Round(c.MaxLatency.TotalMilliseconds, 3),
        })]),
    };

    public static JsonObject Scheduler(ControlPlaneStatus.Scheduler status)
    {
        var view = new JsonObject { ["member"] = status.Member, ["started"] = status.Started };
        if (status.Stats is { } stats)
        {
            view["scheduled"] = stats.Scheduled;
            view["unschedulableAttempts"] = stats.Unschedulable;
            view["bindFailures"] = stats.BindFailures;
            view["pending"] = stats.Pending;
            view["nodes"] = stats.NodeCount;
            view["cycles"] = stats.Cycles;
            view["meanCycleMs"] = Math.Round(stats.MeanCycle.TotalMilliseconds, 3);
            view["meanBindMs"] = Math.Round(stats.MeanBind.TotalMilliseconds, 3);
            view["maxBindMs"] = Math.Round(stats.MaxBindTime.TotalMilliseconds, 3);
        }

        return view;
    }
}
