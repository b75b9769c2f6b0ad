using System.Collections.Concurrent;
using System.Text;
using Cluster.Core.Registry.Strategies;
using k8s.Models;

namespace Cluster.Node.Agent.Runtime;

/// <summary>
/// Containers that do not exist (as kwok's nodes run none): they move through the same states as Docker's after a
/// configurable delay, each pod gets an address of its own, and they report a small synthetic usage, so one process
/// can host thousands of node agents for tests and scale benchmarks. A container runs until it is stopped; one whose
/// command is <c>exit N</c> (sh -c "exit N") ends at once with that code. Its usage is 1 millicore and 10 MiB, or
/// what the pod's annotations <see cref="CpuUsageAnnotation"/> and <see cref="MemoryUsageAnnotation"/> say when it
/// starts (synthetic load for the autoscaler's tests).
/// </summary>
public sealed class SimulatedRuntime(TimeSpan startDelay, TimeProvider clock) : IContainerRuntime
{
    private static int s_addresses;
    // Sized for the few containers of a simulated node (the default would take a lock and 31 buckets per node).
    private readonly ConcurrentDictionary<string, RuntimeContainer> _containers = new(concurrencyLevel: 1, capacity: 4, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long CpuMilli, long MemoryBytes)> _usage = new(concurrencyLevel: 1, capacity: 4, StringComparer.Ordinal);

    /// <summary>A quantity of CPU ("250m") each of the pod's simulated containers uses while it runs.</summary>
    public const string CpuUsageAnnotation = "simulated.cluster.io/cpu-usage";

    /// <summary>A quantity of memory ("64Mi") each of the pod's simulated containers has as its working set.</summary>
    public const string MemoryUsageAnnotation = "simulated.cluster.io/memory-usage";

    /// <summary>Each node gets a store of its own: no node sees another's containers.</summary>
    public IContainerRuntime OwnedBy(string owner) => new SimulatedRuntime(startDelay, clock);

    public Task<string> VersionAsync(CancellationToken ct) => Task.FromResult("simulated://1.0");

    public Task<IReadOnlyList<RuntimeContainer>> ListPodContainersAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RuntimeContainer>>([.. _containers.Values]);

    public async Task<RuntimeContainer> RunSandboxAsync(V1Pod pod, int attempt, PodDns? dns, CancellationToken ct)
    {
        await Delay(ct).ConfigureAwait(false);
        var n = Interlocked.Increment(ref s_addresses);
        var ip = $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
        return Add(pod, PodNaming.SandboxName, attempt, null, pod.Spec.HostNetwork == true ? null : ip, exitCode: null);
    }

    public async Task<RuntimeContainer> StartContainerAsync(V1Pod pod, RuntimeContainer sandbox, ContainerRequest request, CancellationToken ct)
    {
        await Delay(ct).ConfigureAwait(false);
        var command = string.Join(" ", (request.Container.Command ?? []).Concat(request.Container.Args ?? []));
        var exit = command.StartsWith("sh -c exit ", StringComparison.Ordinal) && long.TryParse(command["sh -c exit ".Length..], out var code) ? code : (long?)null;
        var container = Add(pod, request.Container.Name, request.RestartCount, sandbox.Id, null, exit, request.Container.Image);
        _usage[container.Id] = (Annotated(pod, CpuUsageAnnotation, q => q.MilliValue) ?? 1, Annotated(pod, MemoryUsageAnnotation, q => q.Value) ?? 10L * 1024 * 1024);
        return container;
    }

    public Task WriteLogsAsync(string id, ContainerLogOptions options, Stream output, CancellationToken ct) =>
        _containers.TryGetValue(id, out var c)
            ? output.WriteAsync(Encoding.UTF8.GetBytes($"simulated container {c.Name} of pod {c.PodNamespace}/{c.PodName}\n"), ct).AsTask()
            : Task.CompletedTask;

    public Task<(long ExitCode, string Output)> ExecAsync(string id, IList<string> command, TimeSpan timeout, CancellationToken ct) =>
        Task.FromResult((0L, ""));

    /// <summary>A running container has used its CPU rate since it started (1 millicore is 10⁶ ns of CPU time a second).</summary>
    public Task<(ulong CpuNanos, long WorkingSetBytes)> UsageAsync(string id, CancellationToken ct) =>
        Task.FromResult(_containers.TryGetValue(id, out var c) && c.StartedAt is { } started && _usage.TryGetValue(id, out var usage)
            ? ((ulong)((clock.GetUtcNow() - started).TotalSeconds * usage.CpuMilli * 1_000_000), usage.MemoryBytes)
            : (0UL, 0L));

    private static long? Annotated(V1Pod pod, string annotation, Func<Quantity, long> value) =>
        pod.Metadata.Annotations?.TryGetValue(annotation, out var text) == true && Quantity.TryParse(text, out var quantity) && quantity.Sign >= 0 ? value(quantity) : null;

    public Task StopAsync(string id, TimeSpan grace, CancellationToken ct)
    {
        if (_containers.TryGetValue(id, out var c) && c.State == ContainerRunState.Running)
        {
            _containers[id] = c with { State = ContainerRunState.Exited, ExitCode = 0, FinishedAt = clock.GetUtcNow() };
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string id, CancellationToken ct)
    {
        _containers.TryRemove(id, out _);
        _usage.TryRemove(id, out _);
        return Task.CompletedTask;
    }

    public Task<long> ExecStreamAsync(string id, IList<string> command, bool tty, Cluster.Api.Streaming.ContainerIo io, CancellationToken ct) =>
        throw new NotSupportedException("simulated containers have no processes to join");

    public Task AttachAsync(string id, bool tty, Cluster.Api.Streaming.ContainerIo io, CancellationToken ct) =>
        throw new NotSupportedException("simulated containers have no processes to join");

    public Task<long> ProcessIdAsync(string id, CancellationToken ct) =>
        throw new NotSupportedException("simulated containers have no processes to join");

    public Task<IReadOnlyList<RuntimeImage>> ListImagesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<RuntimeImage>>([]);

    public Task<IReadOnlySet<string>> ImagesInUseAsync(CancellationToken ct) => Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

    public Task<(long Capacity, long Available)> ImageFilesystemAsync(CancellationToken ct) => Task.FromResult((0L, 0L));

    public Task<bool> RemoveImageAsync(string id, CancellationToken ct) => Task.FromResult(false);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task Delay(CancellationToken ct) => startDelay > TimeSpan.Zero ? Task.Delay(startDelay, clock, ct) : Task.CompletedTask;

    private RuntimeContainer Add(V1Pod pod, string name, int attempt, string? sandboxId, string? ip, long? exitCode, string image = "simulated/pause")
    {
        var now = clock.GetUtcNow();
        var container = new RuntimeContainer(
            Guid.NewGuid().ToString("N"), pod.Metadata.Uid, pod.Metadata.Name, pod.Metadata.NamespaceProperty, name, attempt,
            exitCode is null ? ContainerRunState.Running : ContainerRunState.Exited, exitCode ?? 0, false, null, now, now, exitCode is null ? null : now,
            image, "sha256:simulated", ip, sandboxId);
        _containers[container.Id] = container;
        return container;
    }
}
