using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Cluster.Api.OpenApi;

/// <summary>The query parameters of the API's operations, with upstream's types and (shortened) descriptions.</summary>
internal static class OpenApiParameters
{
    private static readonly FrozenDictionary<string, (string Type, string Description)> Known = new Dictionary<string, (string, string)>
    {
        ["allowWatchBookmarks"] = ("boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\". Servers that do not implement bookmarks may ignore this flag."),
        ["continue"] = ("string", "The continue option should be set when retrieving more results from the server."),
        ["dryRun"] = ("string", "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed"),
        ["fieldManager"] = ("string", "fieldManager is a name associated with the actor or entity that is making these changes."),
        ["fieldSelector"] = ("string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
        ["fieldValidation"] = ("string", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered."),
        ["force"] = ("boolean", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests."),
        ["gracePeriodSeconds"] = ("integer", "The duration in seconds before the object should be deleted. The value zero indicates delete immediately."),
        ["ignoreStoreReadErrorWithClusterBreakingPotential"] = ("boolean", "if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error."),
        ["labelSelector"] = ("string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
        ["limit"] = ("integer", "limit is a maximum number of responses to return for a list call."),
        ["orphanDependents"] = ("boolean", "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7."),
        ["pretty"] = ("string", "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget)."),
        ["propagationPolicy"] = ("string", "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
        ["resourceVersion"] = ("string", "resourceVersion sets a constraint on what resource versions a request may be served from."),
        ["resourceVersionMatch"] = ("string", "resourceVersionMatch determines how resourceVersion is applied to list calls."),
        ["sendInitialEvents"] = ("boolean", "`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection."),
        ["timeoutSeconds"] = ("integer", "Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity."),
        ["watch"] = ("boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>A fresh parameter object (a JSON node can have only one parent).</summary>
    public static JsonObject Query(string name)
    {
        var (type, description) = Known[name];
        return new JsonObject
        {
            ["name"] = name,
            ["in"] = "query",
            ["description"] = description,
            ["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true },
        };
    }
}
