using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Http;

/// <summary>Warnings as upstream's API server sends them, <c>Warning: 299 - "text"</c>, which kubectl prints as <c>Warning: text</c>.</summary>
public static class WarningHeaders
{
    public static void Add(HttpResponse response, string text) => response.Headers.Append("Warning", "299 - \"" + Quoted(text) + "\"");

    /// <summary>
    /// The text inside the quotes: backslash and quote escaped, and anything a header cannot carry (control
    /// characters, non-ASCII, say a field name a client sent) as <c>\uXXXX</c>, so a warning never fails the request.
    /// </summary>
    private static string Quoted(string text)
    {
        var quoted = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '"')
            {
                quoted.Append('\\').Append(c);
            }
            else if (c is < ' ' or > '~')
            {
                quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                quoted.Append(c);
            }
        }

        return quoted.ToString();
    }
}
