using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Selectors;

namespace Cluster.Core.Registry;

/// <summary>What a list or watch selects (query parameters of the request).</summary>
/// <param name="Limit">Items per page (0: all).</param>
/// <param name="Continue">The token of the previous page.</param>
/// <param name="ResourceVersion">"" or null: the latest, consistent; "0": whatever the cache has; otherwise a version (watch: start after it).</param>
public sealed record ListOptions(
    LabelSelector? Labels = null,
    FieldSelector? Fields = null,
    int Limit = 0,
    string? Continue = null,
    string? ResourceVersion = null)
{
    public static ListOptions Everything { get; } = new();
}

/// <summary>One page of a list: the items, the version they are consistent at, and the token for the next page.</summary>
public sealed record ListResult(IReadOnlyList<CachedObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);
