using k8s.Models;

namespace Cluster.Node.Agent.Runtime;

/// <summary>A container to create for a pod: the Kubernetes container with everything resolved that needs the API (environment values, volume directories as Docker binds).</summary>
/// <param name="PullCredentials">Registry credentials for the image from the pod's imagePullSecrets, tried in turn when the image must be pulled.</param>
public sealed record ContainerRequest(V1Container Container, IReadOnlyList<string> Env, int RestartCount, bool Init, IList<string>? Binds = null, IReadOnlyList<RegistryCredential>? PullCredentials = null);

/// <summary>One registry login from an image pull secret.</summary>
public sealed record RegistryCredential(string Server, string? Username, string? Password, string? IdentityToken);

/// <summary>
/// What the node agent needs of a container runtime (the part of the CRI it uses): sandboxes and containers named and
/// labelled as <see cref="PodNaming"/> says, found again by those labels.
/// </summary>
public interface IContainerRuntime : IAsyncDisposable
{
    /// <summary>
    /// This runtime limited to the containers of one node (its Node object's uid): several nodes may share one dockerd
    /// (tests, simulated clusters), and none may adopt or remove another's containers.
    /// </summary>
    IContainerRuntime OwnedBy(string owner);

    /// <summary>"docker://20.10.24", as nodeInfo.containerRuntimeVersion shows it.</summary>
    Task<string> VersionAsync(CancellationToken ct);

    /// <summary>Every container (sandboxes included) that belongs to a pod, running or not.</summary>
    Task<IReadOnlyList<RuntimeContainer>> ListPodContainersAsync(CancellationToken ct);

    /// <summary>Creates and starts the pod's infra container, with <paramref name="dns"/> as its resolv.conf (null: the host's); answers it with its IP.</summary>
    Task<RuntimeContainer> RunSandboxAsync(V1Pod pod, int attempt, PodDns? dns, CancellationToken ct);

    /// <summary>Creates and starts one container in the sandbox's namespaces.</summary>
    Task<RuntimeContainer> StartContainerAsync(V1Pod pod, RuntimeContainer sandbox, ContainerRequest request, CancellationToken ct);

    /// <summary>Copies a container's output (stdout and stderr, in order) to <paramref name="output"/>; follows it while it runs when asked.</summary>
    Task WriteLogsAsync(string id, ContainerLogOptions options, Stream output, CancellationToken ct);

    /// <summary>Runs a command in a running container (exec probes); answers its exit code and output, or throws TimeoutException after <paramref name="timeout"/>.</summary>
    Task<(long ExitCode, string Output)> ExecAsync(string id, IList<string> command, TimeSpan timeout, CancellationToken ct);

    /// <summary>Runs a command in a running container joined to a client's streams (kubectl exec); answers its exit code.</summary>
    Task<long> ExecStreamAsync(string id, IList<string> command, bool tty, Cluster.Api.Streaming.ContainerIo io, CancellationToken ct);

    /// <summary>Joins a client's streams to a running container's main process (kubectl attach) until it ends or the client leaves.</summary>
    Task AttachAsync(string id, bool tty, Cluster.Api.Streaming.ContainerIo io, CancellationToken ct);

    /// <summary>The host process id of a running container (the infra container's holds the pod's network namespace).</summary>
    Task<long> ProcessIdAsync(string id, CancellationToken ct);

    /// <summary>A running container's CPU time used so far (nanoseconds) and its memory working set (bytes: usage less inactive file pages), as cAdvisor counts it.</summary>
    Task<(ulong CpuNanos, long WorkingSetBytes)> UsageAsync(string id, CancellationToken ct);

    /// <summary>The images present, with their references and sizes.</summary>
    Task<IReadOnlyList<RuntimeImage>> ListImagesAsync(CancellationToken ct);

    /// <summary>The ids of the images any container uses, running or not (those cannot be removed).</summary>
    Task<IReadOnlySet<string>> ImagesInUseAsync(CancellationToken ct);

    /// <summary>The size of the filesystem images are stored on, and what is free on it (bytes).</summary>
    Task<(long Capacity, long Available)> ImageFilesystemAsync(CancellationToken ct);

    /// <summary>Removes an image and its references. False when it is in use or already gone.</summary>
    Task<bool> RemoveImageAsync(string id, CancellationToken ct);

    /// <summary>Stops a container: SIGTERM, then SIGKILL after the grace period. A container already gone is fine.</summary>
    Task StopAsync(string id, TimeSpan grace, CancellationToken ct);

    /// <summary>Removes a stopped container. A container already gone is fine.</summary>
    Task RemoveAsync(string id, CancellationToken ct);
}

/// <summary>An image in the runtime's store.</summary>
public sealed record RuntimeImage(string Id, IReadOnlyList<string> References, long Size);

/// <summary>Which part of a container's log to read: the last lines, the lines since a time, with Docker's RFC 3339 timestamps, up to a byte limit.</summary>
public sealed record ContainerLogOptions(bool Follow, bool Timestamps, long? TailLines, DateTimeOffset? Since, long? LimitBytes);

/// <summary>A failure the pod's status shows as a waiting reason (ErrImagePull, CreateContainerError, RunContainerError ...).</summary>
public sealed class ContainerStartException(string reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Reason { get; } = reason;
}
