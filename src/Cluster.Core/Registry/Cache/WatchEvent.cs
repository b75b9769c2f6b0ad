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
public sealed record WatchEvent(WatchEventType Type, CachedObject Object, CachedObject? Previous, long ResourceVersion)
{
    private byte[]? _frame;

    /// <summary>
    /// The wire line <c>{"type":"…","object":…}\n</c> for this event's own type, built once and
    /// shared by every watcher that sends it unchanged (thousands of watchers, one serialization).
    /// </summary>
    public byte[] Frame(string type)
    {
        if (_frame is { } frame)
        {
            return frame;
        }

        var prefix = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"" + type + "\",\"object\":");
        frame = new byte[prefix.Length + Object.Json.Length + 2];
        prefix.CopyTo(frame, 0);
        Object.Json.CopyTo(frame, prefix.Length);
        frame[^2] = (byte)'}';
        frame[^1] = (byte)'\n';
        return _frame = frame;
    }
}
