using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Api.Resources;

/// <summary>pods/{name}/log: the request is checked here (container, options) as upstream's LogLocation does; the pod's node streams the log.</summary>
public sealed partial class ResourceHandlers
{
    private async Task LogAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var request = context.Request;
        var (pod, container) = await PodContainerAsync(context, path, ct).ConfigureAwait(false);
        var since = ApiQuery.Long(request, "sinceSeconds") is { } seconds
            ? seconds > 0 ? clock.GetUtcNow().AddSeconds(-seconds) : throw ApiException.Invalid(BuiltInKinds.Pod, path.Name!, [StatusCause.Invalid("sinceSeconds", seconds.ToString(CultureInfo.InvariantCulture), "must be greater than 0")])
            : ApiQuery.Get(request, "sinceTime") is { Length: > 0 } time
                ? DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : throw ApiException.BadRequest($"sinceTime: invalid time \"{time}\"")
                : (DateTimeOffset?)null;
        var tail = ApiQuery.Long(request, "tailLines");
        if (tail < 0)
        {
            throw ApiException.Invalid(BuiltInKinds.Pod, path.Name!, [StatusCause.Invalid("tailLines", tail.Value.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to 0")]);
        }

        var options = new PodLogOptions(container, ApiQuery.Flag(request, "follow"), ApiQuery.Flag(request, "previous"), ApiQuery.Flag(request, "timestamps"), tail, since, ApiQuery.Long(request, "limitBytes"));
        if (await ForwardedAsync(context, pod, ct).ConfigureAwait(false))
        {
            return;
        }

        var logs = context.RequestServices.GetService<IPodLogs>() ?? throw ApiException.Unavailable("this server has no node agent to read container logs from");

        // The first bytes decide the answer: a refusal before them is a Status, after them the stream just ends.
        var body = new FirstWriteStream(context.Response);
        await logs.WriteAsync(pod.Cached.Json, container, options, body, ct).ConfigureAwait(false);
        await body.StartAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The pod and the container a log, exec or attach request names (the only one when it names none), as upstream's streamLocation checks them.</summary>
    private async Task<(StreamTarget Pod, string Container)> PodContainerAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var cached = await registry.GetAsync(BuiltInKinds.Pod, Namespace(path), path.Name!, null, ct).ConfigureAwait(false);
        var pod = ObjectState.Parse(cached.Json);
        var containers = Names(pod["spec"]?["containers"]);
        var init = Names(pod["spec"]?["initContainers"]);
        var container = ApiQuery.Get(context.Request, "container");
        if (string.IsNullOrEmpty(container))
        {
            if (containers.Count != 1)
            {
                var choices = "[" + string.Join(" ", containers) + "]" + (init.Count > 0 ? " or one of the init containers: [" + string.Join(" ", init) + "]" : "");
                throw ApiException.BadRequest($"a container name must be specified for pod {path.Name}, choose one of: {choices}");
            }

            container = containers[0];
        }
        else if (!containers.Contains(container) && !init.Contains(container))
        {
            throw ApiException.BadRequest($"container {container} is not valid for pod {path.Name}");
        }

        return (StreamTarget.Of(cached, pod, path), container);
    }

    /// <summary>A pod a log or stream request reaches: as stored, parsed once, and the node it is bound to.</summary>
    private sealed record StreamTarget(CachedObject Cached, JsonObject Pod, string NodeName)
    {
        /// <summary>Refuses a pod that is not bound to a node yet (400, as upstream).</summary>
        public static StreamTarget Of(CachedObject cached, JsonObject pod, ApiPath path) =>
            ObjectMeta.GetString(pod["spec"], "nodeName") is { Length: > 0 } node
                ? new StreamTarget(cached, pod, node)
                : throw ApiException.BadRequest($"pod {path.Name} does not have a host assigned");
    }

    private static List<string> Names(JsonNode? list) =>
        list is JsonArray array ? [.. array.Select(c => ObjectMeta.GetString(c, "name") ?? "")] : [];

    /// <summary>The response body, started (200, text/plain) on the first write, so errors before any output can still be a Status.</summary>
    private sealed class FirstWriteStream(HttpResponse response) : Stream
    {
        private bool _started;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public async Task StartAsync(CancellationToken ct)
        {
            if (!_started)
            {
                _started = true;
                response.StatusCode = 200;
                response.ContentType = "text/plain";
                await response.StartAsync(ct).ConfigureAwait(false);
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
            await response.Body.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("writes are asynchronous");

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
