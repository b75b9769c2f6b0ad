using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>The Node and its heartbeat Lease as the kubelet writes them (kubelet_node_status.go, nodelease).</summary>
public static class NodeObjects
{
    public const string LeaseNamespace = "kube-node-lease";
    public const int LeaseDurationSeconds = 40;
    public const string KubeletVersion = "v1.32.0";

    /// <summary>The kubelet's port, which daemonEndpoints reports (this agent serves through the API instead).</summary>
    private const int KubeletPort = 10250;

    public static V1Node Node(string name, HostFacts host, string runtimeVersion, DateTimeOffset now, V1NodeStatus? previous) => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string>
            {
                ["kubernetes.io/hostname"] = name,
                ["kubernetes.io/os"] = "linux",
                ["kubernetes.io/arch"] = "amd64",
                ["beta.kubernetes.io/os"] = "linux",
                ["beta.kubernetes.io/arch"] = "amd64",
            },
        },
        Status = Status(name, host, runtimeVersion, now, previous),
    };

    public static V1NodeStatus Status(string name, HostFacts host, string runtimeVersion, DateTimeOffset now, V1NodeStatus? previous)
    {
        var runtimeReady = runtimeVersion.Length > 0;
        return new V1NodeStatus
        {
            Capacity = host.Capacity(),
            Allocatable = host.Capacity(),
            Conditions =
            [
                Condition(previous, "MemoryPressure", host.MemoryPressure, host.MemoryPressure ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
                    host.MemoryPressure ? "kubelet has insufficient memory available" : "kubelet has sufficient memory available", now),
                Condition(previous, "DiskPressure", host.DiskPressure, host.DiskPressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
                    host.DiskPressure ? "kubelet has disk pressure" : "kubelet has no disk pressure", now),
                Condition(previous, "PIDPressure", host.PidPressure, host.PidPressure ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
                    host.PidPressure ? "kubelet has insufficient PID available" : "kubelet has sufficient PID available", now),
                Condition(previous, "Ready", runtimeReady, runtimeReady ? "KubeletReady" : "KubeletNotReady",
                    runtimeReady ? "kubelet is posting ready status" : "container runtime is down: no container runtime was found (agent.runtime)", now),
            ],
            Addresses = [new V1NodeAddress { Address = host.Address, Type = "InternalIP" }, new V1NodeAddress { Address = name, Type = "Hostname" }],
            DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = KubeletPort } },
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = "amd64",
                BootID = host.BootId,
                ContainerRuntimeVersion = runtimeReady ? runtimeVersion : "none",
                KernelVersion = host.Kernel,
                KubeProxyVersion = KubeletVersion,
                KubeletVersion = KubeletVersion,
                MachineID = host.MachineId,
                OperatingSystem = "linux",
                OsImage = host.OsImage,
                SystemUUID = host.MachineId,
            },
        };
    }

    /// <summary>The node's Lease; its renewTime (a MicroTime) is set by the writer.</summary>
    public static V1Lease Lease(V1Node node) => new()
    {
        ApiVersion = "coordination.k8s.io/v1",
        Kind = "Lease",
        Metadata = new V1ObjectMeta
        {
            Name = node.Metadata.Name,
            NamespaceProperty = LeaseNamespace,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = node.Metadata.Name, Uid = node.Metadata.Uid }],
        },
        Spec = new V1LeaseSpec { HolderIdentity = node.Metadata.Name, LeaseDurationSeconds = LeaseDurationSeconds },
    };

    /// <summary>A typed object as the JSON tree the registry takes.</summary>
    public static JsonObject Json(object obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    /// <summary>Whether two statuses differ in more than their heartbeat times (the kubelet writes node status only then, or every few minutes).</summary>
    public static bool Changed(V1NodeStatus? a, V1NodeStatus b)
    {
        if (a is null)
        {
            return true;
        }

        static string Shape(V1NodeStatus s) => KubernetesJson.Serialize(s with { Conditions = s.Conditions?.Select(c => c with { LastHeartbeatTime = null, LastTransitionTime = null }).ToList() });
        return Shape(a) != Shape(b);
    }

    private static V1NodeCondition Condition(V1NodeStatus? previous, string type, bool value, string reason, string message, DateTimeOffset now)
    {
        var status = value ? "True" : "False";
        var old = previous?.Conditions?.FirstOrDefault(c => c.Type == type);
        var since = old?.Status == status && old.LastTransitionTime is { } t ? t : PodStatusBuilder.Seconds(now);
        return new V1NodeCondition { Status = status, Type = type, LastHeartbeatTime = PodStatusBuilder.Seconds(now), LastTransitionTime = since, Message = message, Reason = reason };
    }
}
