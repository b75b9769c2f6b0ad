using k8s.Models;

namespace Cluster.Controllers.Events;

/// <summary>
/// What client-go's EventCorrelator does before an Event reaches the API, less the counting of exact repeats (the
/// recorder's own): similar Events (same source, object, type and reason; only the message differs) are combined once
/// ten of them come within ten minutes, and a source may burst 25 Events about one object, then one per five minutes.
/// Without it a controller creating 10,000 pods for one ReplicaSet wrote 10,000 "SuccessfulCreate" Events, each a
/// registry write as costly as the pod's own; upstream writes about 25. Pure: the caller passes the time.
/// </summary>
public sealed class EventCorrelator(int remembered)
{
    /// <summary>Upstream's defaultAggregateMaxEvents: distinct messages of one kind before they are combined.</summary>
    public const int AggregateMaxEvents = 10;

    /// <summary>Upstream's defaultSpamBurst: Events a source may send about one object at once.</summary>
    public const int SpamBurst = 25;

    /// <summary>Upstream's defaultAggregateIntervalInSeconds.</summary>
    public static readonly TimeSpan AggregateInterval = TimeSpan.FromSeconds(600);

    /// <summary>Upstream's defaultSpamQPS: one more Event about an object every five minutes.</summary>
    public const double SpamPerSecond = 1.0 / 300;

    /// <summary>The prefix of a combined Event's message (EventAggregatorByReasonMessageFunc).</summary>
    public const string CombinedPrefix = "(combined from similar events): ";

    private readonly Lru<Similar> _similar = new(remembered);
    private readonly Lru<Bucket> _spam = new(remembered);

    /// <summary>
    /// The Event to write for <paramref name="e"/> and the key its repeats are counted under: the Event itself, or
    /// once similar ones came too often, a combined Event that all later ones repeat.
    /// </summary>
    public (Corev1Event Event, string Key) Aggregate(Corev1Event e, DateTimeOffset now)
    {
        var similarKey = Join(e.Source.Component, e.Source.Host, e.InvolvedObject.Kind, e.InvolvedObject.NamespaceProperty, e.InvolvedObject.Name,
            e.InvolvedObject.Uid, e.InvolvedObject.ApiVersion, e.Type, e.Reason, e.ReportingComponent, e.ReportingInstance);
        var similar = _similar.Get(similarKey);
        if (similar is null || now - similar.Last > AggregateInterval)
        {
            similar = new Similar();
        }

        similar.Messages.Add(e.Message ?? "");
        similar.Last = now;
        _similar.Put(similarKey, similar);
        if (similar.Messages.Count < AggregateMaxEvents)
        {
            return (e, ExactKey(e));
        }

        // Upstream keeps the set from growing past the limit by dropping any one message.
        similar.Messages.Remove(similar.Messages.First());
        var combined = new Corev1Event
        {
            ApiVersion = e.ApiVersion,
            Kind = e.Kind,
            Metadata = e.Metadata,
            InvolvedObject = e.InvolvedObject,
            Type = e.Type,
            Reason = e.Reason,
            Message = CombinedPrefix + e.Message,
            Source = e.Source,
            ReportingComponent = e.ReportingComponent,
            ReportingInstance = e.ReportingInstance,
            FirstTimestamp = e.FirstTimestamp,
            LastTimestamp = e.LastTimestamp,
            Count = 1,
        };
        return (combined, similarKey);
    }

    /// <summary>True when the source has used up its Events about <paramref name="e"/>'s object (the Event is skipped).</summary>
    public bool IsSpam(Corev1Event e, DateTimeOffset now)
    {
        var key = Join(e.Source.Component, e.Source.Host, e.InvolvedObject.Kind, e.InvolvedObject.NamespaceProperty, e.InvolvedObject.Name,
            e.InvolvedObject.Uid, e.InvolvedObject.ApiVersion);
        var bucket = _spam.Get(key) ?? new Bucket { Tokens = SpamBurst, Last = now };
        bucket.Tokens = Math.Min(SpamBurst, bucket.Tokens + (Math.Max(0, (now - bucket.Last).TotalSeconds) * SpamPerSecond));
        bucket.Last = now;
        _spam.Put(key, bucket);
        if (bucket.Tokens < 1)
        {
            return true;
        }

        bucket.Tokens -= 1;
        return false;
    }

    /// <summary>The key of exact repeats (upstream's getEventKey).</summary>
    public static string ExactKey(Corev1Event e) =>
        Join(e.Source.Component, e.Source.Host, e.InvolvedObject.Kind, e.InvolvedObject.NamespaceProperty, e.InvolvedObject.Name,
            e.InvolvedObject.FieldPath, e.InvolvedObject.Uid, e.InvolvedObject.ApiVersion, e.Type, e.Reason, e.Message);

    private static string Join(params string?[] parts) => string.Join('\u0000', parts);

    private sealed class Similar
    {
        public HashSet<string> Messages { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset Last { get; set; }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset Last { get; set; }
    }
}
