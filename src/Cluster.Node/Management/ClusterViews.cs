using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Cluster.Node.Management;

/// <summary>The JSON shapes of Akka Management's cluster endpoints.</summary>
internal static class ClusterViews
{
    public static JsonObject Members(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        var oldest = state.Members.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m, Akka.Cluster.Member.AgeOrdering).FirstOrDefault();
        var oldestPerRole = new JsonObject();
        foreach (var role in state.Members.SelectMany(m => m.Roles).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var first = state.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(role)).OrderBy(m => m, Akka.Cluster.Member.AgeOrdering).FirstOrDefault();
            oldestPerRole[role] = first?.Address.ToString();
        }

        return new JsonObject
        {
            ["selfNode"] = cluster.SelfAddress.ToString(),
            ["members"] = new JsonArray(state.Members.Select(m => (JsonNode)Member(m)).ToArray()),
            ["unreachable"] = new JsonArray(state.Unreachable.Select(m => (JsonNode)new JsonObject
            {
                ["node"] = m.Address.ToString(),
                ["observedBy"] = new JsonArray(cluster.State.Members
                    .Where(o => !state.Unreachable.Contains(o))
                    .Select(o => (JsonNode)JsonValue.Create(o.Address.ToString())).ToArray()),
            }).ToArray()),
            ["leader"] = state.Leader?.ToString(),
            ["oldest"] = oldest?.Address.ToString(),
            ["oldestPerRole"] = oldestPerRole,
        };
    }

    public static JsonObject Member(Member member) => new()
    {
        ["node"] = member.Address.ToString(),
        ["nodeUid"] = member.UniqueAddress.Uid.ToString(CultureInfo.InvariantCulture),
        ["status"] = member.Status.ToString(),
        ["roles"] = new JsonArray(member.Roles.Order(StringComparer.Ordinal).Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
    };

    /// <summary>Shards per member: <c>{"regions":[{"address":..., "shards":[{"shardId":..., "numEntities":...}]}]}</c>.</summary>
    public static JsonObject Shards(ClusterShardingStats stats) => new()
    {
        ["regions"] = new JsonArray(stats.Regions
            .OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)
            .Select(r => (JsonNode)new JsonObject
            {
                ["address"] = r.Key.ToString(),
                ["shards"] = new JsonArray(r.Value.Stats
                    .OrderBy(s => s.Key, StringComparer.Ordinal)
                    .Select(s => (JsonNode)new JsonObject { ["shardId"] = s.Key, ["numEntities"] = s.Value }).ToArray()),
            }).ToArray()),
    };

    /// <summary>A member named by its full address (akka.ssl.tcp://system@host:port, akka.tcp:// with plain remoting) or by host:port alone.</summary>
    public static bool Matches(Member member, string address)
    {
        var full = member.Address.ToString();
        return string.Equals(full, address, StringComparison.Ordinal)
            || string.Equals($"{member.Address.Host}:{member.Address.Port}", address, StringComparison.Ordinal);
    }
}
