using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Schemas;

namespace Cluster.Api.OpenApi;

/// <summary>
/// The OpenAPI v3 documents kubectl reads (kubectl-surface.md §1.5), built once as UTF-8 JSON:
/// the root <c>/openapi/v3</c> listing each group version with a hashed URL, and one document per
/// group version with its paths (one PATCH per kind declaring <c>fieldValidation</c>, so kubectl
/// leaves validation to the server) and real <c>components.schemas</c> (so <c>kubectl explain</c>
/// works and client-side apply computes strategic merge patches from the published merge keys).
/// </summary>
public sealed class OpenApiDocuments
{
    private static readonly Lazy<OpenApiDocuments> BuiltInDocuments = new(() => new OpenApiDocuments(KindCatalog.BuiltIn, SchemaCatalog.BuiltIn));

    private static readonly string[] MetaDefinitions =
    [
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
    ];

    private readonly FrozenDictionary<string, (byte[] Json, string Hash)> _byPath;

    /// <param name="version">The info.version of each document: the server's gitVersion.</param>
    public OpenApiDocuments(KindCatalog kinds, SchemaCatalog schemas, string version = "v1.32.0")
    {
        var documents = new SortedDictionary<string, (byte[] Json, string Hash)>(StringComparer.Ordinal);
        foreach (var groupVersion in kinds.Served.GroupBy(k => k.GroupVersionPath.TrimStart('/')))
        {
            var json = GroupVersionDocument(groupVersion.ToArray(), schemas, version);
            documents[groupVersion.Key] = (json, Hash(json));
        }

        _byPath = documents.ToFrozenDictionary(StringComparer.Ordinal);
        GroupVersionPaths = [.. documents.Keys];
        var paths = new JsonObject();
        foreach (var (path, (_, hash)) in documents)
        {
            paths[path] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + path + "?hash=" + hash };
        }

        Root = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["paths"] = paths });
    }

    /// <summary>The documents of the built-in kinds, built on first use.</summary>
    public static OpenApiDocuments BuiltIn => BuiltInDocuments.Value;

    /// <summary>The body of <c>GET /openapi/v3</c>.</summary>
    public byte[] Root { get; }

    /// <summary>The group-version paths served, e.g. "api/v1", "apis/apps/v1".</summary>
    public IReadOnlyList<string> GroupVersionPaths { get; }

    /// <summary>
    /// The document of a group version by its path under <c>/openapi/v3/</c> ("apis/apps/v1"; a
    /// leading slash or the "openapi/v3/" prefix are accepted), with the hash its URL carries.
    /// </summary>
    public bool TryGet(string gvPath, out byte[] json, out string hash)
    {
        var path = gvPath.TrimStart('/');
        if (path.StartsWith("openapi/v3/", StringComparison.Ordinal))
        {
            path = path["openapi/v3/".Length..];
        }

        if (_byPath.TryGetValue(path.TrimEnd('/'), out var document))
        {
            (json, hash) = document;
            return true;
        }

        (json, hash) = ([], "");
        return false;
    }

    private static byte[] GroupVersionDocument(IReadOnlyList<ResourceKind> kinds, SchemaCatalog schemas, string version)
    {
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var kind in kinds)
        {
            OpenApiPaths.Add(paths, kind, OpenApiSchemas.DefinitionName(schemas, kind));
        }

        var roots = new List<ObjectSchema>();
        foreach (var kind in kinds)
        {
            if (schemas.ForKind(kind) is { } schema)
            {
                roots.Add(schema);
                roots.AddRange(schemas.ForGvk(schema.Gvk! with { Kind = kind.Kind + "List" }) is { } list ? [list] : []);
            }
        }

        roots.AddRange(MetaDefinitions.Select(schemas.Find).OfType<ObjectSchema>());
        if (kinds.Any(k => k.HasSubresource("scale")) && schemas.Find("io.k8s.api.autoscaling.v1.Scale") is { } scale)
        {
            roots.Add(scale);
        }

        var schemaless = kinds.Where(k => schemas.ForKind(k) is null).ToArray();
        if (schemaless.Length > 0)
        {
            roots.AddRange(new[] { OpenApiSchemas.ObjectMeta, OpenApiSchemas.ListMeta }.Select(schemas.Find).OfType<ObjectSchema>());
        }

        var pathObject = new JsonObject();
        foreach (var (path, item) in paths)
        {
            pathObject[path] = item;
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = version },
            ["paths"] = pathObject,
            ["components"] = new JsonObject { ["schemas"] = OpenApiSchemas.Components(schemas, roots, schemaless) },
        };
        return JsonSerializer.SerializeToUtf8Bytes(document);
    }

    /// <summary>Uppercase hex of the first 16 bytes of the SHA-256: changes whenever the document does.</summary>
    private static string Hash(byte[] json) => Convert.ToHexString(SHA256.HashData(json).AsSpan(0, 16));
}
