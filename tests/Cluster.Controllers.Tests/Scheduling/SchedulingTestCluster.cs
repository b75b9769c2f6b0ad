using Cluster.Controllers.Scheduling;
using Cluster.Controllers.Scheduling.Framework;
using k8s.Models;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>Builders for the scheduler's tests: typed nodes and pods with only what a case needs.</summary>
internal static class SchedulingTestCluster
{
    public static V1Node Node(string name, string cpu = "4", string memory = "8Gi", int pods = 110, Dictionary<string, string>? labels = null, IList<V1Taint>? taints = null, bool unschedulable = false)
    {
        var allocatable = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(cpu),
            ["memory"] = new(memory),
            ["pods"] = new(pods.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ["ephemeral-storage"] = new("100Gi"),
        };
        return new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
            Spec = new V1NodeSpec { Taints = taints, Unschedulable = unschedulable ? true : null },
            Status = new V1NodeStatus { Allocatable = allocatable, Capacity = allocatable },
        };
    }

    public static V1Pod Pod(string name, string? cpu = null, string? memory = null, string? node = null, int? priority = null, int? hostPort = null, string ns = "default")
    {
        var requests = new Dictionary<string, ResourceQuantity>();
        if (cpu is not null)
        {
            requests["cpu"] = new ResourceQuantity(cpu);
        }

        if (memory is not null)
        {
            requests["memory"] = new ResourceQuantity(memory);
        }

        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = "uid-" + name, Labels = new Dictionary<string, string> { ["app"] = name } },
            Spec = new V1PodSpec
            {
                NodeName = node,
                Priority = priority,
                Containers =
                [
                    new V1Container
                    {
                        Name = "c",
                        Image = "busybox",
                        Resources = requests.Count > 0 ? new V1ResourceRequirements { Requests = requests } : null,
                        Ports = hostPort is { } port ? [new V1ContainerPort { ContainerPort = port, HostPort = port }] : null,
                    },
                ],
            },
        };
    }

    /// <summary>A node with the given pods bound to it.</summary>
    public static NodeInfo NodeInfo(V1Node node, params V1Pod[] pods)
    {
        var info = new NodeInfo(node.Metadata.Name);
        info.SetNode(node);
        foreach (var pod in pods)
        {
            info.AddPod(PodInfo.From(pod).AssumedOn(node.Metadata.Name));
        }

        return info;
    }

    /// <summary>A cache holding the nodes and their bound pods, as a cycle sees it.</summary>
    public static SchedulerCache Cache(params (V1Node Node, V1Pod[] Pods)[] nodes)
    {
        var cache = new SchedulerCache();
        foreach (var (node, pods) in nodes)
        {
            cache.SetNode(node);
            foreach (var pod in pods)
            {
                cache.SetBoundPod(PodInfo.From(pod).AssumedOn(node.Metadata.Name));
            }
        }

        return cache;
    }
}
