using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Schemas;

namespace Cluster.Api.OpenApi;

/// <summary>
/// The <c>paths</c> of a group-version document, shaped like the real API server's: list, create
/// and deletecollection on the collection; get, replace, patch and delete on the item; get,
/// replace and patch on /status and /scale. kubectl looks for the PATCH operation carrying the
/// kind's x-kubernetes-group-version-kind and a <c>fieldValidation</c> parameter.
/// </summary>
internal static class OpenApiPaths
{
    private static readonly string[] ListParameters =
        ["allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"];

    private static readonly string[] WriteParameters = ["dryRun", "fieldManager", "fieldValidation"];
    private static readonly string[] PatchParameters = ["dryRun", "fieldManager", "fieldValidation", "force"];
    private static readonly string[] DeleteParameters = ["dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "orphanDependents", "propagationPolicy"];

    private static readonly string[] DeleteCollectionParameters =
        ["continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "labelSelector", "limit", "orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds"];

    private static readonly string[] ObjectMediaTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

    private static readonly string[] ListMediaTypes =
        ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"];

    private static readonly string[] PatchMediaTypes =
        ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];

    private const string Status = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
    private const string DeleteOptions = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
    private const string Patch = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    private const string Scale = "io.k8s.api.autoscaling.v1.Scale";

    /// <summary>Adds every path of <paramref name="kind"/> to <paramref name="paths"/>.</summary>
    public static void Add(SortedDictionary<string, JsonObject> paths, ResourceKind kind, string definition)
    {
        var op = new Operations(kind, definition);
        var collection = kind.GroupVersionPath + (kind.Namespaced ? "/namespaces/{namespace}/" : "/") + kind.Plural;
        var item = collection + "/{name}";
        var scope = kind.Namespaced ? ["namespace", "pretty"] : new[] { "pretty" };

        paths[collection] = PathItem(scope,
            ("get", op.List(scoped: true, "")),
            ("post", op.Write("create", "post", "create a " + kind.Kind, "", definition, ("200", "OK"), ("201", "Created"), ("202", "Accepted"))),
            ("delete", op.DeleteCollection()));
        paths[item] = PathItem(["name", .. scope],
            ("get", op.Read("", definition)),
            ("put", op.Write("replace", "put", "replace the specified " + kind.Kind, "", definition, ("200", "OK"), ("201", "Created"))),
            ("patch", op.Patch("", definition)),
            ("delete", op.Delete()));
        if (kind.Namespaced)
        {
            paths[kind.GroupVersionPath + "/" + kind.Plural] = PathItem(["pretty"], ("get", op.List(scoped: false, "ForAllNamespaces")));
        }

        if (kind.HasSubresource("status"))
        {
            paths[item + "/status"] = PathItem(["name", .. scope],
                ("get", op.Read("Status", definition)),
                ("put", op.Write("replace", "put", "replace status of the specified " + kind.Kind, "Status", definition, ("200", "OK"), ("201", "Created"))),
                ("patch", op.Patch("Status", definition)));
        }

        if (kind.HasSubresource("scale"))
        {
            var scale = new Operations(kind, Scale, new GroupVersionKind("autoscaling", "v1", "Scale"));
            paths[item + "/scale"] = PathItem(["name", .. scope],
                ("get", scale.Read("Scale", Scale)),
                ("put", scale.Write("replace", "put", "replace scale of the specified " + kind.Kind, "Scale", Scale, ("200", "OK"), ("201", "Created"))),
                ("patch", scale.Patch("Scale", Scale)));
        }

        if (kind.HasSubresource("finalize"))
        {
            paths[item + "/finalize"] = PathItem(["name", .. scope],
                ("put", op.Write("replace", "put", "replace finalize of the specified " + kind.Kind, "Finalize", definition, ("200", "OK"), ("201", "Created"))));
        }
    }

    private static JsonObject PathItem(IEnumerable<string> pathParameters, params (string Method, JsonObject Operation)[] operations)
    {
        var item = new JsonObject();
        foreach (var (method, operation) in operations)
        {
            item[method] = operation;
        }

        item["parameters"] = new JsonArray([.. pathParameters.Select(p => (JsonNode)PathParameter(p))]);
        return item;
    }

    private static JsonObject PathParameter(string name) => name == "pretty"
        ? OpenApiParameters.Query(name)
        : new JsonObject
        {
            ["name"] = name,
            ["in"] = "path",
            ["description"] = name == "name" ? "name of the object" : "object name and auth scope, such as for teams and projects",
            ["required"] = true,
            ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
        };

    private static JsonObject Content(IEnumerable<string> mediaTypes, string definition)
    {
        var content = new JsonObject();
        foreach (var mediaType in mediaTypes)
        {
            content[mediaType] = new JsonObject { ["schema"] = OpenApiSchemas.Ref(definition) };
        }

        return content;
    }

    private static JsonObject Responses(IEnumerable<string> mediaTypes, string definition, params (string Code, string Description)[] codes)
    {
        var responses = new JsonObject();
        foreach (var (code, description) in codes)
        {
            responses[code] = new JsonObject { ["description"] = description, ["content"] = Content(mediaTypes, definition) };
        }

        responses["401"] = new JsonObject { ["description"] = "Unauthorized" };
        return responses;
    }

    /// <summary>Builds the operations of one kind (or of its scale subresource, whose GVK differs).</summary>
    private sealed class Operations(ResourceKind kind, string definition, GroupVersionKind? gvk = null)
    {
        private readonly GroupVersionKind _gvk = gvk ?? new GroupVersionKind(kind.Group, kind.Version, kind.Kind);

        private string Tag => (kind.Group.Length == 0 ? "core" : kind.Group.Replace(".k8s.io", "", StringComparison.Ordinal).Replace('.', '_')) + "_" + kind.Version;

        private string GroupVersionId =>
            string.Concat((kind.Group.Length == 0 ? "core" : kind.Group.Replace(".k8s.io", "", StringComparison.Ordinal)).Split('.').Select(Capitalize)) + Capitalize(kind.Version);

        public JsonObject List(bool scoped, string suffix) =>
            Operation("list", "list or watch objects of kind " + kind.Kind, "list", scoped, suffix, ListParameters,
                responses: Responses(ListMediaTypes, definition + "List", ("200", "OK")));

        public JsonObject Read(string subresource, string schema) =>
            Operation("read", Describe("read", subresource), "get", true, subresource, [], responses: Responses(ObjectMediaTypes, schema, ("200", "OK")));

        public JsonObject Write(string verb, string action, string description, string subresource, string schema, params (string, string)[] codes) =>
            Operation(verb, description, action, true, subresource, WriteParameters,
                new JsonObject { ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = OpenApiSchemas.Ref(schema) } }, ["required"] = true },
                Responses(ObjectMediaTypes, schema, codes));

        public JsonObject Patch(string subresource, string schema) =>
            Operation("patch", Describe("partially update", subresource), "patch", true, subresource, PatchParameters,
                new JsonObject { ["content"] = Content(PatchMediaTypes, OpenApiPaths.Patch), ["required"] = true },
                Responses(ObjectMediaTypes, schema, ("200", "OK"), ("201", "Created")));

        public JsonObject Delete() =>
            Operation("delete", "delete a " + kind.Kind, "delete", true, "", DeleteParameters,
                new JsonObject { ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = OpenApiSchemas.Ref(DeleteOptions) } } },
                Responses(ObjectMediaTypes, Status, ("200", "OK"), ("202", "Accepted")));

        public JsonObject DeleteCollection() =>
            Operation("deleteCollection", "delete collection of " + kind.Kind, "deletecollection", true, "", DeleteCollectionParameters,
                new JsonObject { ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = OpenApiSchemas.Ref(DeleteOptions) } } },
                Responses(ObjectMediaTypes, Status, ("200", "OK")));

        private string Describe(string verb, string subresource) =>
            subresource.Length == 0 ? verb + " the specified" : verb + " " + subresource.ToLowerInvariant() + " of the specified";

        /// <param name="verb">The operationId verb; deletecollection is "delete" + "Collection" before the scope, as upstream names it.</param>
        /// <param name="scoped">False for the all-namespaces list, whose operationId lacks "Namespaced".</param>
        private JsonObject Operation(string verb, string description, string action, bool scoped, string suffix, string[] parameters,
            JsonObject? requestBody = null, JsonObject? responses = null)
        {
            var scope = kind.Namespaced && scoped ? "Namespaced" : "";
            var operationId = verb == "deleteCollection"
                ? "delete" + GroupVersionId + "Collection" + scope + kind.Kind
                : verb + GroupVersionId + scope + kind.Kind + suffix;
            if (description.EndsWith("the specified", StringComparison.Ordinal))
            {
                description += " " + kind.Kind;
            }

            var operation = new JsonObject
            {
                ["tags"] = new JsonArray(Tag),
                ["description"] = description,
                ["operationId"] = operationId,
                ["parameters"] = new JsonArray([.. parameters.Select(p => (JsonNode)OpenApiParameters.Query(p))]),
            };
            if (requestBody is not null)
            {
                operation["requestBody"] = requestBody;
            }

            operation["responses"] = responses ?? new JsonObject();
            operation["x-kubernetes-action"] = action;
            operation["x-kubernetes-group-version-kind"] = OpenApiSchemas.GvkObject(_gvk);
            return operation;
        }

        private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    }
}
