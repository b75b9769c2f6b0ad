using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cluster.Api.Limits;

/// <summary>
/// The request target as the client sent it. Kestrel decodes %2E and removes dot segments before routing, so
/// <c>/api/v1/namespaces/%2e%2e/pods</c> would quietly become a list of every namespace's pods: such a URL names
/// nothing a client can mean, and is refused instead.
/// </summary>
internal static class RawPath
{
    public static bool HasDotSegment(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw : raw[..query];

        // The common case costs one scan: no dot after a slash, no encoded dot.
        if (!path.Contains("/.", StringComparison.Ordinal) && !path.Contains("%2e", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var segment in path.Split('/'))
        {
            var decoded = segment.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(segment) : segment;
            if (decoded is "." or "..")
            {
                return true;
            }
        }

        return false;
    }
}
