namespace Cluster.Core.Sharding;

/// <summary>A message for the entity <see cref="EntityId"/>, wherever it lives (Akka's ShardingEnvelope).</summary>
public sealed record ShardingEnvelope(string EntityId, object Message);

/// <summary>How a region places and keeps entities.</summary>
/// <param name="NumberOfShards">Entities are grouped into this many shards (the unit that moves between nodes); keep it fixed for a cluster's lifetime.</param>
/// <param name="PassivateIdleAfter">An entity idle this long is stopped and recovered on its next message; zero keeps entities forever.</param>
public sealed record ShardRegionSettings(int NumberOfShards, TimeSpan PassivateIdleAfter)
{
    public static ShardRegionSettings Default { get; } = new(100, TimeSpan.FromMinutes(2));

    /// <summary>Throws naming the bad setting.</summary>
    public void Validate()
    {
        if (NumberOfShards < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NumberOfShards), NumberOfShards, "sharding.number-of-shards must be at least 1");
        }

        if (PassivateIdleAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PassivateIdleAfter), PassivateIdleAfter, "sharding.passivate-idle-after must not be negative");
        }
    }
}

/// <summary>Placement: the shard an entity belongs to, stable across processes and restarts.</summary>
public static class ShardPlacement
{
    /// <summary>FNV-1a over the id's UTF-16 code units, modulo the number of shards (string.GetHashCode is randomized per process).</summary>
    public static int ShardOf(string entityId, int numberOfShards)
    {
        var hash = 2166136261u;
        foreach (var c in entityId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)numberOfShards);
    }

    /// <summary>An actor name for an entity id: characters actor names do not allow become ~XX (hex).</summary>
    public static string ActorName(string entityId)
    {
        var builder = new System.Text.StringBuilder(entityId.Length + 8);
        foreach (var c in entityId)
        {
            if (char.IsAsciiLetterOrDigit(c) || (c is '-' or '_' or '.' && builder.Length > 0))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('~').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
