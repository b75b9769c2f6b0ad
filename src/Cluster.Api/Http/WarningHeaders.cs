using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Http;

/// <summary>Warnings as upstream's API server sends them, <c>Warning: 299 - "text"</c>, which kubectl prints as <c>Warning: text</c>.</summary>
public static class WarningHeaders
{
    public static void Add(HttpResponse response, string text) =>
        response.Headers.Append("Warning", "299 - \"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
}
