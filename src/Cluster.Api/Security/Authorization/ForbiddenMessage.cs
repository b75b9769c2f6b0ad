using System.Globalization;
using System.Text;
using Cluster.Api.Security.Authentication;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// The message of a 403 for a denied request, word for word as upstream's (responsewriters.Forbidden wrapped in
/// apierrors.NewForbidden): clients and people match on it, e.g.
/// <c>pods "web" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "default"</c>.
/// </summary>
public static class ForbiddenMessage
{
    public static string For(UserInfo user, RequestInfo request, string reason)
    {
        var detail = Sanitize(Describe(user, request));
        if (reason.Length > 0)
        {
            detail += ": " + reason;
        }

        if (!request.IsResourceRequest || (request.Resource.Length == 0 && request.ApiGroup.Length == 0))
        {
            return "forbidden: " + detail;
        }

        var qualified = request.ApiGroup.Length == 0 ? request.Resource : request.Resource + "." + request.ApiGroup;
        return request.Name.Length == 0
            ? qualified + " is forbidden: " + detail
            : qualified + " " + Quote(request.Name) + " is forbidden: " + detail;
    }

    private static string Describe(UserInfo user, RequestInfo request)
    {
        var who = "User " + Quote(user.Name) + " cannot " + request.Verb;
        if (!request.IsResourceRequest)
        {
            return who + " path " + Quote(request.Path);
        }

        var resource = request.Subresource.Length == 0 ? request.Resource : request.Resource + "/" + request.Subresource;
        var what = who + " resource " + Quote(resource) + " in API group " + Quote(request.ApiGroup);
        return request.Namespace.Length == 0 ? what + " at the cluster scope" : what + " in the namespace " + Quote(request.Namespace);
    }

    /// <summary>Upstream keeps the message from reading as HTML wherever it is shown (quotes stay).</summary>
    private static string Sanitize(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Go's %q: names and paths come from the request, so quotes and control characters in them are escaped as Go does.</summary>
    internal static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                _ when char.IsControl(c) && c < 0x80 => quoted.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ when char.IsControl(c) => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }
}
