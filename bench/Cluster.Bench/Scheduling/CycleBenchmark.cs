using System.Diagnostics;
using System.Globalization;
using Cluster.Controllers.Scheduling;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Core.Registry.Selectors;
using k8s.Models;

namespace Cluster.Bench.Scheduling;

/// <summary>
/// The scheduling cycle alone, in process: the default profile deciding for M pods over N nodes, each pod assumed
/// on its node as the scheduler does, no API and no persistence. Separates the algorithm's cost from the bindings'.
/// With <c>spread</c> the pods are one controller's replicas (labelled app=web, selected by it), so PodTopologySpread's
/// system default constraints (hostname and zone, ScheduleAnyway) count them on every cycle, as in a Deployment's rollout.
/// </summary>
public static class CycleBenchmark
{
    public static void Run(int nodes, int pods, bool spread = false)
    {
        var cache = new SchedulerCache();
        for (var i = 0; i < nodes; i++)
        {
            var name = "n" + i.ToString(CultureInfo.InvariantCulture);
            var allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("4"), ["memory"] = new("32Gi"), ["pods"] = new("110") };
            cache.SetNode(new V1Node
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
                Status = new V1NodeStatus { Allocatable = allocatable, Capacity = allocatable },
            });
        }

        var selector = LabelSelector.Parse("app=web");
        var algorithm = new SchedulingAlgorithm(DefaultProfile.Create(spread ? _ => selector : null), new Random(1));
        var labels = spread ? new Dictionary<string, string> { ["app"] = "web" } : null;
        var infos = Enumerable.Range(0, pods).Select(i => PodInfo.From(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p" + i.ToString(CultureInfo.InvariantCulture), NamespaceProperty = "default", Uid = "u" + i.ToString(CultureInfo.InvariantCulture), Labels = labels },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "app", Image = "x", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("500Mi") } } }],
            },
        })).ToList();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        foreach (var pod in infos)
        {
            var result = algorithm.Schedule(pod, cache);
            cache.Assume(pod.AssumedOn(result.Node ?? throw new InvalidOperationException(result.Error!.Message)));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine($" cycles only{(spread ? ", spread as one controller's replicas" : "")}: {pods:N0} pods over {nodes:N0} nodes decided in {seconds:0.00} s: {pods / seconds:N0} pods/s, {seconds * 1e6 / pods:N0} µs and {bytes / pods / 1024.0:N1} KB allocated per cycle");
    }
}
