using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Agent;

/// <summary>Image garbage collection on the agent's timer: one round at a time, off the actor's thread.</summary>
public sealed partial class NodeAgentActor
{
    private ImageGarbageCollector? _imageGc;
    private bool _collectingImages;

    private void StartImageCollection()
    {
        if (_collectingImages || _agent is not { } agent)
        {
            return;
        }

        _collectingImages = true;
        _imageGc ??= new ImageGarbageCollector(agent.Settings);
        var gc = _imageGc;
        var logger = _logger;
        var node = _settings.Name;
        var stopping = _stopping.Token;
        Task.Run(async () =>
        {
            var runtime = agent.Runtime;
            var images = await runtime.ListImagesAsync(stopping).ConfigureAwait(false);
            var inUse = await runtime.ImagesInUseAsync(stopping).ConfigureAwait(false);
            var (capacity, available) = await runtime.ImageFilesystemAsync(stopping).ConfigureAwait(false);
            var removed = 0;
            foreach (var image in gc.Plan(images, inUse, capacity, available, agent.Clock.GetUtcNow()))
            {
                if (await runtime.RemoveImageAsync(image.Id, stopping).ConfigureAwait(false))
                {
                    removed++;
                    LogImageRemoved(logger, node, (image.References.Count > 0 ? image.References[0] : image.Id), image.Size);
                }
            }

            return removed;
        }, stopping).PipeTo(Self, success: n => new ImagesCollected(n), failure: e =>
        {
            LogFailed(logger, e, node, "image garbage collection");
            return new ImagesCollected(0);
        });
    }

    [LoggerMessage(EventId = 2208, Level = LogLevel.Information, Message = "Node {Node} removed unused image {Image} ({Bytes} bytes)")]
    private static partial void LogImageRemoved(ILogger logger, string node, string image, long bytes);

    private sealed record CollectImages
    {
        public static readonly CollectImages Instance = new();
    }

    private sealed record ImagesCollected(int Removed);
}
