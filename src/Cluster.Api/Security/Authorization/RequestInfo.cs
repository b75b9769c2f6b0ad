using FieldSelectorParser = Cluster.Core.Registry.Selectors.FieldSelector;
using Cluster.Core.Registry.Validation;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// What a request asks for, in the terms authorization reasons in (upstream's RequestInfoFactory): a resource request under
/// /api/VERSION/... or /apis/GROUP/VERSION/... with its Kubernetes verb, namespace, resource, subresource and name; any
/// other path (/version, /healthz, the discovery roots, /openapi/..., /cluster/...) is a non-resource request whose verb is
/// the lower-case HTTP method.
/// </summary>
public sealed record RequestInfo(bool IsResourceRequest, string Path, string Verb, string ApiGroup, string ApiVersion, string Namespace, string Resource, string Subresource, string Name)
{
    /// <summary>
    /// <paramref name="watchQuery"/>: the value of <c>?watch</c> (null when absent). <paramref name="fieldSelector"/>: the
    /// <c>?fieldSelector</c>; a list or watch pinned to <c>metadata.name=X</c> is authorized as a request for X (upstream
    /// does so, so that <c>kubectl get pod x --watch</c> passes a rule with resourceNames [x]); the verb stays list or watch.
    /// </summary>
    public static RequestInfo Parse(string method, string path, string? watchQuery, string? fieldSelector = null)
    {
        var nonResource = new RequestInfo(false, path, method.ToLowerInvariant(), "", "", "", "", "", "");
        var trimmed = path.Trim('/');
        var parts = trimmed.Length == 0 ? [] : trimmed.Split('/');
        if (parts.Length < 3 || parts[0] is not ("api" or "apis") || (parts[0] == "apis" && parts.Length < 4))
        {
            return nonResource;
        }

        var group = parts[0] == "apis" ? parts[1] : "";
        var at = parts[0] == "apis" ? 2 : 1;
        var version = parts[at++];
        var verb = MethodVerb(method);
        if (parts[at] is "watch" or "proxy")
        {
            if (parts.Length - at < 2)
            {
                // Upstream fails such a request ("unable to determine kind and namespace"); nothing here can match it.
                return nonResource with { IsResourceRequest = true, ApiGroup = group, ApiVersion = version };
            }

            verb = parts[at++];
        }

        var ns = "";
        if (parts[at] == "namespaces" && parts.Length - at > 1)
        {
            ns = parts[at + 1];

            // /namespaces/NS/status and /finalize are the namespace's own subresources, anything else is a resource in NS.
            if (parts.Length - at > 2 && parts[at + 2] is not ("status" or "finalize"))
            {
                at += 2;
            }
        }

        var rest = parts.AsSpan(at);
        var resource = rest[0];
        var name = rest.Length > 1 ? rest[1] : "";
        var subresource = rest.Length > 2 && verb != "proxy" ? rest[2] : "";
        if (name.Length == 0 && verb == "get")
        {
            verb = watchQuery is not null && watchQuery != "0" && !watchQuery.Equals("false", StringComparison.OrdinalIgnoreCase) ? "watch" : "list";
            name = NameFromFieldSelector(fieldSelector);
        }
        else if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new RequestInfo(true, path, verb, group, version, ns, resource, subresource, name)
        {
            FieldSelector = verb is "list" or "watch" ? fieldSelector ?? "" : "",
        };
    }

    /// <summary>A list's or watch's <c>?fieldSelector</c> as sent (empty otherwise): the Node authorizer lets a node list only its own pods.</summary>
    public string FieldSelector { get; init; } = "";

    /// <summary>Whether the list or watch is pinned to <paramref name="field"/>=<paramref name="value"/>.</summary>
    public bool SelectsExactly(string field, string value) =>
        FieldSelector.Length > 0
        && FieldSelectorParser.TryParse(FieldSelector, out var selector, out _)
        && selector.TryGetExactMatch(field, out var selected)
        && selected == value;

    // Exactly as sent: upstream maps only the canonical upper-case methods.
    private static string MethodVerb(string method) => method switch
    {
        "POST" => "create",
        "GET" or "HEAD" => "get",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => "",
    };

    private static string NameFromFieldSelector(string? fieldSelector) =>
        fieldSelector is { Length: > 0 }
        && FieldSelectorParser.TryParse(fieldSelector, out var selector, out _)
        && selector.TryGetExactMatch("metadata.name", out var name)
        && NameValidation.IsValidPathSegmentName(name, false).Count == 0
            ? name
            : "";
}
