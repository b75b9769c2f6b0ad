using k8s.Models;

namespace Cluster.Node.Agent.Runtime;

/// <summary>The runtime of a node that runs no pods (no container runtime was found, or agent.runtime = none): it has no containers and starts none.</summary>
public sealed class NoRuntime : IContainerRuntime
{
    public static readonly NoRuntime Instance = new();

    public IContainerRuntime OwnedBy(string owner) => this;

    public Task<string> VersionAsync(CancellationToken ct) => Task.FromResult("");

    public Task<IReadOnlyList<RuntimeContainer>> ListPodContainersAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<RuntimeContainer>>([]);

    public Task<RuntimeContainer> RunSandboxAsync(V1Pod pod, int attempt, PodDns? dns, CancellationToken ct) =>
        throw new ContainerStartException("CreatePodSandboxError", "this node has no container runtime");

    public Task<RuntimeContainer> StartContainerAsync(V1Pod pod, RuntimeContainer sandbox, ContainerRequest request, CancellationToken ct) =>
        throw new ContainerStartException("RunContainerError", "this node has no container runtime");

    public Task WriteLogsAsync(string id, ContainerLogOptions options, Stream output, CancellationToken ct) => Task.CompletedTask;

    public Task<(long ExitCode, string Output)> ExecAsync(string id, IList<string> command, TimeSpan timeout, CancellationToken ct) =>
        throw new InvalidOperationException("this node has no container runtime");

    public Task<(ulong CpuNanos, long WorkingSetBytes)> UsageAsync(string id, CancellationToken ct) => Task.FromResult((0UL, 0L));

    public Task StopAsync(string id, TimeSpan grace, CancellationToken ct) => Task.CompletedTask;

    public Task RemoveAsync(string id, CancellationToken ct) => Task.CompletedTask;

    public Task<long> ExecStreamAsync(string id, IList<string> command, bool tty, Cluster.Api.Streaming.ContainerIo io, CancellationToken ct) =>
        throw new NotSupportedException("this node has no container runtime");

    public Task AttachAsync(string id, bool tty, Cluster.Api.Streaming.ContainerIo io, CancellationToken ct) =>
        throw new NotSupportedException("this node has no container runtime");

    public Task<long> ProcessIdAsync(string id, CancellationToken ct) =>
        throw new NotSupportedException("this node has no container runtime");

    public Task<IReadOnlyList<RuntimeImage>> ListImagesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<RuntimeImage>>([]);

    public Task<IReadOnlySet<string>> ImagesInUseAsync(CancellationToken ct) => Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

    public Task<(long Capacity, long Available)> ImageFilesystemAsync(CancellationToken ct) => Task.FromResult((0L, 0L));

    public Task<bool> RemoveImageAsync(string id, CancellationToken ct) => Task.FromResult(false);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
