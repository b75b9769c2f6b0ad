using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using k8s.Models;
using Quantity = Cluster.Core.Registry.Strategies.Quantity;

namespace Cluster.Node.Agent.Runtime;

/// <summary>
/// Pods as Docker containers, mapped as dockershim mapped them (../shared/design/docker-runtime.md §2): an infra
/// container per pod holds the network, IPC and UTS namespaces; app containers join it; Docker never restarts anything
/// (each restart is a new container named with the restart count); nothing gets a negative OomScoreAdj (this host's
/// daemon cannot lower it). Images are used when present and pulled otherwise, never the infra image.
/// </summary>
public sealed partial class DockerRuntime(DockerClient client, string infraImage, string nodeUid = "") : IContainerRuntime
{
    private static readonly TimeSpan ShortCall = TimeSpan.FromSeconds(30);

    /// <summary>What inspect said of each container, with the list state it said it in.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string State, RuntimeContainer Container)> _inspected = new(StringComparer.Ordinal);

    /// <summary>A client for the endpoint, or null when dockerd does not answer there.</summary>
    public static async Task<DockerRuntime?> ConnectAsync(string endpoint, string infraImage, CancellationToken ct)
    {
        var client = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
        try
        {
            using var deadline = Deadline(ct);
            await client.System.PingAsync(deadline.Token).ConfigureAwait(false);
            return new DockerRuntime(client, infraImage);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException && !ct.IsCancellationRequested)
        {
            client.Dispose();
            return null;
        }
    }

    public IContainerRuntime OwnedBy(string owner) => new DockerRuntime(client, infraImage, owner);

    public async Task<string> VersionAsync(CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        var version = await client.System.GetVersionAsync(deadline.Token).ConfigureAwait(false);
        return "docker://" + version.Version;
    }

    public async Task<IReadOnlyList<RuntimeContainer>> ListPodContainersAsync(CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        var listed = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [PodNaming.NodeUidLabel + "=" + nodeUid] = true } },
        }, deadline.Token).ConfigureAwait(false);
        var containers = new List<RuntimeContainer>(listed.Count);
        foreach (var summary in listed)
        {
            // Docker never restarts these containers: while a container's state is the same, so is what inspect said.
            if (_inspected.TryGetValue(summary.ID, out var known) && known.State == summary.State)
            {
                containers.Add(known.Container);
            }
            else if (await InspectAsync(summary.ID, deadline.Token).ConfigureAwait(false) is { } container)
            {
                _inspected[summary.ID] = (summary.State, container);
                containers.Add(container);
            }
        }

        foreach (var gone in _inspected.Keys.Except(listed.Select(c => c.ID)).ToList())
        {
            _inspected.TryRemove(gone, out _);
        }

        return containers;
    }

    public async Task<RuntimeContainer> RunSandboxAsync(V1Pod pod, int attempt, PodDns? dns, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        if (!await ImagePresentAsync(infraImage, deadline.Token).ConfigureAwait(false))
        {
            throw new ContainerStartException("CreatePodSandboxError", $"the infra image {infraImage} is not present: run scripts/docker-setup.sh to build it");
        }

        var hostNetwork = pod.Spec.HostNetwork == true;
        var parameters = new CreateContainerParameters
        {
            Name = PodNaming.ContainerName(pod, PodNaming.SandboxName, attempt),
            Image = infraImage,
            Hostname = hostNetwork ? null : pod.Spec.Hostname ?? pod.Metadata.Name,
            Labels = PodNaming.Labels(pod, PodNaming.SandboxName, attempt, sandboxId: null, init: false, nodeUid),
            HostConfig = new HostConfig
            {
                IpcMode = "shareable",
                NetworkMode = hostNetwork ? "host" : "default",
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
                CPUShares = 2,

                // The app containers join this container's network namespace and so share its resolv.conf. Docker
                // refuses these flags with the host's network: that resolv.conf is written below instead.
                DNS = hostNetwork ? null : dns?.Nameservers.ToList(),
                DNSSearch = hostNetwork ? null : dns?.Searches.ToList(),
                DNSOptions = hostNetwork ? null : dns?.Options.ToList(),
            },
        };
        var id = await CreateAsync(parameters, deadline.Token).ConfigureAwait(false);
        await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), deadline.Token).ConfigureAwait(false);

        // After the start: starting is when Docker copies the host's file in.
        if (hostNetwork && dns is not null)
        {
            await WriteResolvConfAsync(id, dns, deadline.Token).ConfigureAwait(false);
        }

        return await InspectAsync(id, deadline.Token).ConfigureAwait(false)
            ?? throw new ContainerStartException("CreatePodSandboxError", "the pod's infra container vanished right after it started");
    }

    /// <summary>
    /// A host-network sandbox's resolv.conf, rewritten as dockershim's rewriteResolvFile did: Docker gives every
    /// container its own copy of the host's file (the app containers share the sandbox's), so the pod's DNS policy
    /// changes that copy and nothing of the host.
    /// </summary>
    private async Task WriteResolvConfAsync(string id, PodDns dns, CancellationToken ct)
    {
        var inspected = await client.Containers.InspectContainerAsync(id, ct).ConfigureAwait(false);
        try
        {
            await File.WriteAllTextAsync(inspected.ResolvConfPath, dns.ResolvConf(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ContainerStartException("CreatePodSandboxError", $"cannot write the pod's resolv.conf ({inspected.ResolvConfPath}): {e.Message}", e);
        }
    }

    public async Task<RuntimeContainer> StartContainerAsync(V1Pod pod, RuntimeContainer sandbox, ContainerRequest request, CancellationToken ct)
    {
        var container = request.Container;
        await EnsureImageAsync(container, request.PullCredentials ?? [], ct).ConfigureAwait(false);
        using var deadline = Deadline(ct);
        var parameters = ContainerParameters(pod, sandbox, request);
        var id = await CreateAsync(parameters, deadline.Token).ConfigureAwait(false);
        try
        {
            await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), deadline.Token).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            // The container exists, exited (exit code 127 for a missing executable): its status tells the rest.
            throw new ContainerStartException("RunContainerError", Message(e), e);
        }

        return await InspectAsync(id, deadline.Token).ConfigureAwait(false)
            ?? throw new ContainerStartException("RunContainerError", "the container vanished right after it started");
    }

    public async Task WriteLogsAsync(string id, ContainerLogOptions options, Stream output, CancellationToken ct)
    {
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Follow = options.Follow,
            Timestamps = options.Timestamps,
            Tail = options.TailLines is { } tail ? tail.ToString(CultureInfo.InvariantCulture) : "all",
            Since = options.Since is { } since ? (since.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture) : null,
        };
        using var stream = await client.Containers.GetContainerLogsAsync(id, tty: false, parameters, ct).ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        var left = options.LimitBytes ?? long.MaxValue;
        while (left > 0)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
            if (read.EOF)
            {
                return;
            }

            var count = (int)Math.Min(read.Count, left);
            await output.WriteAsync(buffer.AsMemory(0, count), ct).ConfigureAwait(false);
            left -= count;
        }
    }

    public async Task<(long ExitCode, string Output)> ExecAsync(string id, IList<string> command, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var exec = await client.Exec.ExecCreateContainerAsync(id, new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true }, deadline.Token).ConfigureAwait(false);
            using var stream = await client.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false, deadline.Token).ConfigureAwait(false);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(deadline.Token).ConfigureAwait(false);
            var result = await client.Exec.InspectContainerExecAsync(exec.ID, deadline.Token).ConfigureAwait(false);
            return (result.ExitCode, stdout + stderr);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // As the brief warns, the command itself may go on running: the probe has failed all the same.
            throw new TimeoutException($"command timed out after {timeout.TotalSeconds:0.###}s");
        }
    }

    public async Task<(ulong CpuNanos, long WorkingSetBytes)> UsageAsync(string id, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        ContainerStatsResponse? stats = null;
        await client.Containers.GetContainerStatsAsync(id, new ContainerStatsParameters { Stream = false, OneShot = true }, new Reported<ContainerStatsResponse>(s => stats = s), deadline.Token).ConfigureAwait(false);
        if (stats is null)
        {
            return (0, 0);
        }

        var memory = stats.MemoryStats;
        var inactive = memory?.Stats is { } detail && (detail.TryGetValue("total_inactive_file", out var v1) || detail.TryGetValue("inactive_file", out v1)) ? v1 : 0;
        var usage = memory?.Usage ?? 0;
        return (stats.CPUStats?.CPUUsage?.TotalUsage ?? 0, (long)(usage > inactive ? usage - inactive : usage));
    }

    public async Task StopAsync(string id, TimeSpan grace, CancellationToken ct)
    {
        // Stop blocks for up to the grace period: the deadline must outlast it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(grace + ShortCall);
        try
        {
            await client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(0, grace.TotalSeconds) }, deadline.Token).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    public async Task RemoveAsync(string id, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        try
        {
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, deadline.Token).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    /// <summary>Closes the client (an owned view shares its creator's client: only the creator disposes it).</summary>
    public ValueTask DisposeAsync()
    {
        if (nodeUid.Length == 0)
        {
            client.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private CreateContainerParameters ContainerParameters(V1Pod pod, RuntimeContainer sandbox, ContainerRequest request)
    {
        var container = request.Container;
        var security = container.SecurityContext;
        if (security?.Privileged == true)
        {
            throw new ContainerStartException("CreateContainerConfigError", "privileged containers are not allowed on this node");
        }

        var limits = container.Resources?.Limits;
        var requests = container.Resources?.Requests;
        var memory = Amount(limits, "memory")?.Value;
        var cpuLimit = Amount(limits, "cpu")?.MilliValue;
        var cpuRequest = Amount(requests, "cpu")?.MilliValue ?? cpuLimit;
        var user = security?.RunAsUser ?? pod.Spec.SecurityContext?.RunAsUser;
        var group = security?.RunAsGroup ?? pod.Spec.SecurityContext?.RunAsGroup;
        var sandboxMode = "container:" + sandbox.Id;
        return new CreateContainerParameters
        {
            Name = PodNaming.ContainerName(pod, container.Name, request.RestartCount),
            Image = container.Image,
            Entrypoint = container.Command is { Count: > 0 } command ? [.. command] : null,
            Cmd = container.Args is { Count: > 0 } args ? [.. args] : null,
            Env = [.. request.Env],
            WorkingDir = container.WorkingDir,
            Tty = container.Tty == true,
            OpenStdin = container.Stdin == true,
            StdinOnce = container.StdinOnce == true,
            User = user is null ? null : group is null ? user.Value.ToString(CultureInfo.InvariantCulture) : user.Value.ToString(CultureInfo.InvariantCulture) + ":" + group.Value.ToString(CultureInfo.InvariantCulture),
            Labels = PodNaming.Labels(pod, container.Name, request.RestartCount, sandbox.Id, request.Init, nodeUid),
            Healthcheck = new HealthConfig { Test = ["NONE"] },
            HostConfig = new HostConfig
            {
                NetworkMode = sandboxMode,
                IpcMode = sandboxMode,
                PidMode = pod.Spec.ShareProcessNamespace == true ? sandboxMode : null,
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
                Memory = memory ?? 0,
                MemorySwap = memory ?? 0,

                // As dockershim: requests weigh CPU time (shares), limits cap it (quota per 100 ms period).
                CPUShares = cpuRequest is { } shares ? Math.Max(2, shares * 1024 / 1000) : 2,
                CPUPeriod = cpuLimit is null ? 0 : 100_000,
                CPUQuota = cpuLimit is { } quota ? Math.Max(1000, quota * 100) : 0,
                ReadonlyRootfs = security?.ReadOnlyRootFilesystem == true,
                Binds = request.Binds is { Count: > 0 } binds ? binds : null,
            },
        };
    }

    private static Quantity? Amount(IDictionary<string, ResourceQuantity>? resources, string name) =>
        resources is not null && resources.TryGetValue(name, out var value) && Quantity.TryParse(value.ToString(), out var parsed) ? parsed : null;

    private async Task EnsureImageAsync(V1Container container, IReadOnlyList<RegistryCredential> credentials, CancellationToken ct)
    {
        var image = container.Image ?? "";
        if (image.Length == 0)
        {
            throw new ContainerStartException("InvalidImageName", "the container has no image");
        }

        using (var deadline = Deadline(ct))
        {
            if (await ImagePresentAsync(image, deadline.Token).ConfigureAwait(false) && container.ImagePullPolicy != "Always")
            {
                return;
            }
        }

        if (container.ImagePullPolicy == "Never")
        {
            throw new ContainerStartException("ErrImageNeverPull", $"Container image \"{image}\" is not present with pull policy of Never");
        }

        var (repository, tag) = SplitReference(image);
        string? error = null;

        // As the kubelet: each credential for the image's registry in turn, anonymously when there is none.
        var attempts = credentials.Count > 0 ? [.. credentials] : new List<RegistryCredential?> { null };
        foreach (var credential in attempts)
        {
            error = null;
            try
            {
                // A pull has no deadline of its own (large images take their time); errors can also come inside the stream.
                await client.Images.CreateImageAsync(
                    new ImagesCreateParameters { FromImage = repository, Tag = tag },
                    credential is null ? null : new AuthConfig { ServerAddress = credential.Server, Username = credential.Username, Password = credential.Password, IdentityToken = credential.IdentityToken },
                    new Reported<JSONMessage>(m => error ??= m.ErrorMessage ?? m.Error?.Message),
                    ct).ConfigureAwait(false);
            }
            catch (DockerApiException e)
            {
                error = Message(e);
            }

            if (error is null)
            {
                return;
            }
        }

        if (error is not null)
        {
            throw new ContainerStartException("ErrImagePull", $"failed to pull image \"{image}\": {error}");
        }
    }

    private async Task<bool> ImagePresentAsync(string image, CancellationToken ct)
    {
        try
        {
            await client.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Creates a container; a name conflict (a create that happened before a crash) removes the old one and tries again, as dockershim does.</summary>
    private async Task<string> CreateAsync(CreateContainerParameters parameters, CancellationToken ct)
    {
        try
        {
            return (await client.Containers.CreateContainerAsync(parameters, ct).ConfigureAwait(false)).ID;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            await RemoveAsync(parameters.Name, ct).ConfigureAwait(false);
            return (await client.Containers.CreateContainerAsync(parameters, ct).ConfigureAwait(false)).ID;
        }
        catch (DockerApiException e)
        {
            throw new ContainerStartException("CreateContainerError", Message(e), e);
        }
    }

    private async Task<RuntimeContainer?> InspectAsync(string id, CancellationToken ct)
    {
        ContainerInspectResponse inspect;
        try
        {
            inspect = await client.Containers.InspectContainerAsync(id, ct).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }

        var labels = inspect.Config?.Labels ?? new Dictionary<string, string>();
        string Label(string key) => labels.TryGetValue(key, out var value) ? value : "";
        var state = inspect.State;
        var finished = Time(state?.FinishedAt);
        var runState = state?.Running == true ? ContainerRunState.Running
            : finished is not null || state?.ExitCode is not (null or 0) ? ContainerRunState.Exited
            : ContainerRunState.Created;
        var ip = inspect.NetworkSettings?.IPAddress is { Length: > 0 } address ? address
            : inspect.NetworkSettings?.Networks?.Values.Select(n => n.IPAddress).FirstOrDefault(a => !string.IsNullOrEmpty(a));
        return new RuntimeContainer(
            inspect.ID,
            Label(PodNaming.PodUidLabel),
            Label(PodNaming.PodNameLabel),
            Label(PodNaming.PodNamespaceLabel),
            Label(PodNaming.ContainerNameLabel),
            int.TryParse(Label(PodNaming.RestartCountLabel), NumberStyles.None, CultureInfo.InvariantCulture, out var attempt) ? attempt : 0,
            runState,
            state?.ExitCode ?? 0,
            state?.OOMKilled == true,
            string.IsNullOrEmpty(state?.Error) ? null : state.Error,
            new DateTimeOffset(inspect.Created.ToUniversalTime(), TimeSpan.Zero),
            Time(state?.StartedAt),
            finished,
            inspect.Config?.Image ?? "",
            inspect.Image ?? "",
            ip,
            labels.TryGetValue(PodNaming.SandboxIdLabel, out var sandbox) ? sandbox : null);
    }

    /// <summary>Docker's RFC 3339 time with up to nine fractional digits; its zero time (0001-01-01) is null.</summary>
    internal static DateTimeOffset? Time(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.StartsWith("0001-01-01", StringComparison.Ordinal))
        {
            return null;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            text = text[..Math.Min(end, dot + 8)] + text[end..];
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : null;
    }

    private static (string Repository, string Tag) SplitReference(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return (image[..at], image[(at + 1)..]);
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    /// <summary>Docker's error message: the body's "message" when it is JSON, the raw body otherwise.</summary>
    private static string Message(DockerApiException e)
    {
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(e.ResponseBody ?? "") is System.Text.Json.Nodes.JsonObject body && body["message"] is System.Text.Json.Nodes.JsonValue m)
            {
                return m.GetValue<string>();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return string.IsNullOrEmpty(e.ResponseBody) ? e.Message : e.ResponseBody.Trim();
    }

    private static CancellationTokenSource Deadline(CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        source.CancelAfter(ShortCall);
        return source;
    }

    /// <summary>Progress reported on the reporting thread (Progress&lt;T&gt; posts it later, after the call may have returned).</summary>
    private sealed class Reported<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
