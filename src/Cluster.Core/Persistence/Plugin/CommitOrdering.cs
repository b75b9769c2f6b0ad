using System.Runtime.CompilerServices;

namespace Cluster.Core.Persistence.Plugin;

/// <summary>
/// The channel through which the journal plugin tells a persistent actor the commit ordering (the
/// journal's global position, which the registry uses as resourceVersion) of each of its events.
/// Akka hands a persist handler the very event object the actor persisted, and a recovery handler
/// the object the journal deserialized; the plugin stamps that object with its ordering before
/// it reports the write stored (or before it replays the event), so inside a <c>Persist</c> or
/// <c>Recover</c> handler <see cref="Of"/> answers for the event at hand. The table holds its keys
/// weakly: an event forgotten by the actor takes its stamp with it.
/// </summary>
/// <remarks>
/// Persist a fresh object per event: one object persisted twice keeps the later ordering. Events
/// rewritten by an event adapter are stamped as the journal saw them, not as the actor sent them.
/// </remarks>
public static class CommitOrdering
{
    /// <summary>
    /// An event that keeps its own ordering: stamped in a field, no table entry. The table's
    /// weak entries are GC dependent handles, which every collection scans; at thousands of
    /// writes per second that cost shows, so hot event types implement this.
    /// </summary>
    public interface IStamped
    {
        /// <summary>Set by the journal plugin; 0 until then.</summary>
        long CommitOrdering { get; set; }
    }

    private static readonly ConditionalWeakTable<object, StrongBox<long>> Stamps = new();

    /// <summary>The ordering the journal gave <paramref name="event"/>; throws when it has none (not persisted or replayed by this plugin).</summary>
    public static long Of(object @event) =>
        TryGet(@event, out var ordering)
            ? ordering
            : throw new InvalidOperationException($"The event {@event?.GetType().Name} carries no commit ordering: it was not stored or replayed by the cluster-sql journal plugin.");

    public static bool TryGet(object @event, out long ordering)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (@event is IStamped { CommitOrdering: > 0 } stamped)
        {
            ordering = stamped.CommitOrdering;
            return true;
        }

        if (Stamps.TryGetValue(@event, out var box))
        {
            ordering = box.Value;
            return true;
        }

        ordering = 0;
        return false;
    }

    internal static void Stamp(object @event, long ordering)
    {
        if (@event is IStamped stamped)
        {
            stamped.CommitOrdering = ordering;
        }
        else
        {
            Stamps.AddOrUpdate(@event, new StrongBox<long>(ordering));
        }
    }
}
