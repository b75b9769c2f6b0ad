namespace Cluster.Node.Agent.Runtime;

/// <summary>Where a container is in its life, as the runtime reports it (dockershim's status conversion).</summary>
public enum ContainerRunState
{
    Created,
    Running,
    Exited,
}

/// <summary>
/// One container of a pod as the runtime sees it, identified by the labels the agent gave it, so the agent can rebuild
/// its picture of every pod from the runtime alone after a restart.
/// </summary>
/// <param name="Name">The container's name in the pod; <see cref="PodNaming.SandboxName"/> for the infra container.</param>
/// <param name="Attempt">The restart count of an app container, the attempt of a sandbox.</param>
public sealed record RuntimeContainer(
    string Id,
    string PodUid,
    string PodName,
    string PodNamespace,
    string Name,
    int Attempt,
    ContainerRunState State,
    long ExitCode,
    bool OomKilled,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string Image,
    string ImageId,
    string? IpAddress,
    string? SandboxId = null)
{
    public bool IsSandbox => Name == PodNaming.SandboxName;

    /// <summary>"docker://&lt;id&gt;", the form of containerStatuses[].containerID.</summary>
    public string ContainerId => "docker://" + Id;
}
