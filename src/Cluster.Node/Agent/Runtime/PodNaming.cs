using k8s.Models;

namespace Cluster.Node.Agent.Runtime;

/// <summary>
/// dockershim's container names and labels (cri-dockerd core/naming.go and the kubelet's labels): a name makes creation
/// idempotent (a second create of the same attempt is a conflict, not a second container) and the labels let the agent
/// find and adopt a pod's containers after a restart.
/// </summary>
public static class PodNaming
{
    public const string SandboxName = "POD";
    public const string PodNameLabel = "io.kubernetes.pod.name";
    public const string PodNamespaceLabel = "io.kubernetes.pod.namespace";
    public const string PodUidLabel = "io.kubernetes.pod.uid";
    public const string ContainerNameLabel = "io.kubernetes.container.name";
    public const string TypeLabel = "io.kubernetes.docker.type";
    public const string SandboxIdLabel = "io.kubernetes.sandbox.id";
    public const string RestartCountLabel = "io.kubernetes.container.restartCount";
    public const string GracePeriodLabel = "io.kubernetes.pod.terminationGracePeriod";
    public const string ContainerTypeLabel = "io.kubernetes.container.type";

    /// <summary>The uid of the Node object whose agent made the container (not a kubelet label: several nodes may share one dockerd here).</summary>
    public const string NodeUidLabel = "io.cluster.node.uid";

    /// <summary><c>k8s_POD_&lt;pod&gt;_&lt;namespace&gt;_&lt;uid&gt;_&lt;attempt&gt;</c> or <c>k8s_&lt;container&gt;_&lt;pod&gt;_&lt;namespace&gt;_&lt;uid&gt;_&lt;restarts&gt;</c>.</summary>
    public static string ContainerName(V1Pod pod, string container, int attempt) =>
        string.Join('_', "k8s", container, pod.Metadata.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Uid, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The labels of one of the pod's containers: the pod's own labels, then its identity.</summary>
    public static Dictionary<string, string> Labels(V1Pod pod, string container, int attempt, string? sandboxId, bool init, string nodeUid)
    {
        var labels = new Dictionary<string, string>(pod.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [PodNameLabel] = pod.Metadata.Name,
            [PodNamespaceLabel] = pod.Metadata.NamespaceProperty,
            [PodUidLabel] = pod.Metadata.Uid,
            [ContainerNameLabel] = container,
            [TypeLabel] = container == SandboxName ? "podsandbox" : "container",
            [RestartCountLabel] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [GracePeriodLabel] = (pod.Spec.TerminationGracePeriodSeconds ?? 30).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [NodeUidLabel] = nodeUid,
        };
        if (sandboxId is not null)
        {
            labels[SandboxIdLabel] = sandboxId;
            labels[ContainerTypeLabel] = init ? "init" : "container";
        }

        return labels;
    }
}
