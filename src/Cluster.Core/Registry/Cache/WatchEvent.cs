namespace Cluster.Core.Registry.Cache;

/// <summary>The types of watch events (the strings of the wire format).</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}

/// <summary>A change of one object at <see cref="ResourceVersion"/>; <see cref="Previous"/> is the version before (null when added).</summary>
public sealed record WatchEvent(WatchEventType Type, CachedObject Object, CachedObject? Previous, long ResourceVersion);
