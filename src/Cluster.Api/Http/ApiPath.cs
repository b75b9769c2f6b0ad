using Cluster.Core.Registry;

namespace Cluster.Api.Http;

/// <summary>
/// A parsed resource URL: <c>/api/v1/[namespaces/{ns}/]{plural}[/{name}[/{sub}]]</c> or the same
/// under <c>/apis/{group}/{version}</c>. <c>/api/v1/namespaces/{ns}/pods</c> is a namespaced
/// list, <c>/api/v1/namespaces/{name}/status</c> a subresource of a namespace.
/// </summary>
public sealed record ApiPath(ResourceKind Kind, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Parses the segments after the group version; null when no served kind matches.</summary>
    public static ApiPath? Parse(KindCatalog kinds, string group, string version, ReadOnlySpan<string> segments)
    {
        if (segments.Length == 0)
        {
            return null;
        }

        if (segments[0] == "namespaces" && segments.Length >= 3 && kinds.ByResource(group, version, segments[2]) is { Namespaced: true } namespaced)
        {
            return segments.Length > 5 ? null : new ApiPath(namespaced, segments[1], At(segments, 3), At(segments, 4));
        }

        var kind = kinds.ByResource(group, version, segments[0]);
        if (kind is null || segments.Length > 3)
        {
            return null;
        }

        return new ApiPath(kind, null, At(segments, 1), At(segments, 2));
    }

    private static string? At(ReadOnlySpan<string> segments, int index) => index < segments.Length ? segments[index] : null;
}
