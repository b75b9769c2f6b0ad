using System.Text.Json;
using Cluster.Bench.Api;

namespace Cluster.Bench.MultiNode;

/// <summary>
/// One member's view of the cluster, from its <c>GET /cluster/members</c>:
/// <c>{"members":[{"node":ADDRESS,"status":...}],"unreachable":[{"node":ADDRESS}]}</c>. A removed member is in neither list.
/// </summary>
internal sealed record MembersView(IReadOnlyDictionary<string, string> StatusByAddress, IReadOnlySet<string> Unreachable)
{
    public int Up => StatusByAddress.Values.Count(s => s == "Up");

    public static async Task<MembersView> GetAsync(ApiClient api, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        await using var stream = await api.Http.GetStreamAsync("/cluster/members", deadline.Token);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: deadline.Token);
        var root = json.RootElement;
        return new MembersView(
            root.GetProperty("members").EnumerateArray().ToDictionary(m => Node(m), m => m.GetProperty("status").GetString() ?? "", StringComparer.Ordinal),
            root.GetProperty("unreachable").EnumerateArray().Select(Node).ToHashSet(StringComparer.Ordinal));
    }

    public override string ToString() =>
        $"{Up} up, {Unreachable.Count} unreachable ({string.Join(", ", StatusByAddress.Select(kv => $"{kv.Key} {kv.Value}"))})";

    private static string Node(JsonElement member) => member.GetProperty("node").GetString() ?? "";
}
