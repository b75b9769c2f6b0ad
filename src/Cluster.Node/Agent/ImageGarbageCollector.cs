using Cluster.Node.Agent.Runtime;

namespace Cluster.Node.Agent;

/// <summary>
/// Which unused images to remove, as the kubelet's image GC decides: an image no container uses, not pinned (the infra
/// image always is), first seen at least the minimum age ago, is removed when unused longer than the maximum age, and,
/// when the image filesystem is fuller than the high threshold, least recently used first until the low threshold would
/// be reached. It remembers when it first saw each image and when one was last in use (in memory, as the kubelet does).
/// </summary>
public sealed class ImageGarbageCollector(AgentSettings settings)
{
    private readonly Dictionary<string, (DateTimeOffset FirstSeen, DateTimeOffset LastUsed)> _seen = new(StringComparer.Ordinal);

    public IReadOnlyList<RuntimeImage> Plan(IReadOnlyList<RuntimeImage> images, IReadOnlySet<string> inUse, long capacity, long available, DateTimeOffset now)
    {
        foreach (var gone in _seen.Keys.Except(images.Select(i => i.Id)).ToList())
        {
            _seen.Remove(gone);
        }

        foreach (var image in images)
        {
            var record = _seen.TryGetValue(image.Id, out var known) ? known : (FirstSeen: now, LastUsed: now);
            _seen[image.Id] = inUse.Contains(image.Id) ? record with { LastUsed = now } : record;
        }

        var candidates = images
            .Where(i => !inUse.Contains(i.Id) && !Pinned(i) && now - _seen[i.Id].FirstSeen >= settings.ImageMinimumGcAge)
            .OrderBy(i => _seen[i.Id].LastUsed)
            .ThenBy(i => _seen[i.Id].FirstSeen)
            .ToList();
        var victims = settings.ImageMaximumGcAge > TimeSpan.Zero
            ? candidates.Where(i => now - _seen[i.Id].LastUsed > settings.ImageMaximumGcAge).ToList()
            : [];

        var used = capacity - available;
        if (capacity > 0 && used * 100 >= settings.ImageGcHighThresholdPercent * capacity)
        {
            var toFree = used - (capacity * settings.ImageGcLowThresholdPercent / 100) - victims.Sum(i => i.Size);
            foreach (var image in candidates.Except(victims))
            {
                if (toFree <= 0)
                {
                    break;
                }

                victims.Add(image);
                toFree -= image.Size;
            }
        }

        return victims;
    }

    private bool Pinned(RuntimeImage image) =>
        settings.ImageGcPinned.Append(settings.InfraImage).Any(pin => pin == image.Id || image.References.Contains(WithTag(pin)));

    /// <summary>A reference without a tag or digest means :latest, as Docker reads it.</summary>
    private static string WithTag(string reference) =>
        reference.Contains('@', StringComparison.Ordinal) || reference.LastIndexOf(':') > reference.LastIndexOf('/') ? reference : reference + ":latest";
}
