using System.Text.Json.Nodes;
using Cluster.Api.OpenApi;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Schemas;

namespace Cluster.Api.Tests.OpenApi;

public sealed class OpenApiDocumentsTests
{
    private static readonly OpenApiDocuments Documents = OpenApiDocuments.BuiltIn;

    [Fact]
    public void Root_ListsEveryGroupVersionWithItsHashedUrl()
    {
        var paths = JsonNode.Parse(Documents.Root)!["paths"]!.AsObject();

        Assert.Equal(["api/v1", "apis/apps/v1", "apis/autoscaling/v1", "apis/autoscaling/v2", "apis/batch/v1", "apis/coordination.k8s.io/v1", "apis/discovery.k8s.io/v1", "apis/events.k8s.io/v1", "apis/networking.k8s.io/v1", "apis/policy/v1", "apis/rbac.authorization.k8s.io/v1", "apis/scheduling.k8s.io/v1", "apis/storage.k8s.io/v1"], paths.Select(p => p.Key));
        foreach (var (path, entry) in paths)
        {
            Assert.True(Documents.TryGet(path, out _, out var hash));
            Assert.Matches("^[0-9A-F]{32}$", hash);
            Assert.Equal("/openapi/v3/" + path + "?hash=" + hash, (string?)entry!["serverRelativeURL"]);
        }
    }

    [Theory]
    [InlineData("apis/apps/v1")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/openapi/v3/apis/apps/v1")]
    [InlineData("apis/apps/v1/")]
    public void TryGet_PathForms_FindTheDocument(string path)
    {
        Assert.True(Documents.TryGet(path, out var json, out _));
        Assert.NotNull(JsonNode.Parse(json)!["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]);
    }

    [Theory]
    [InlineData("apis/apps/v2")]
    [InlineData("apis/example.io/v1")]
    [InlineData("")]
    public void TryGet_UnknownPath_IsFalse(string path)
    {
        Assert.False(Documents.TryGet(path, out var json, out var hash));
        Assert.Empty(json);
        Assert.Equal("", hash);
    }

    /// <summary>What cli-runtime's queryParamVerifierV3 does: a PATCH with the kind's GVK declaring fieldValidation.</summary>
    [Fact]
    public void Documents_EveryKind_HasThePatchOperationKubectlLooksFor()
    {
        foreach (var kind in BuiltInKinds.All)
        {
            var document = Document(kind.GroupVersionPath);

            var patch = document["paths"]!.AsObject()
                .Select(p => p.Value!["patch"])
                .FirstOrDefault(op => op is not null && GvkIs(op["x-kubernetes-group-version-kind"], kind.Group, kind.Version, kind.Kind));

            Assert.NotNull(patch);
            Assert.Contains("fieldValidation", patch["parameters"]!.AsArray().Select(p => (string?)p!["name"]));
            Assert.Equal(
                ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"],
                patch["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
        }
    }

    [Fact]
    public void Documents_ItemPath_HasTheVerbsAndParametersOfTheRealServer()
    {
        var item = Document("/apis/apps/v1")["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!;

        Assert.Equal(["get", "put", "patch", "delete", "parameters"], item.AsObject().Select(p => p.Key));
        Assert.Equal(["name", "namespace", "pretty"], Names(item["parameters"]));
        Assert.Equal(["dryRun", "fieldManager", "fieldValidation", "force"], Names(item["patch"]!["parameters"]));
        Assert.Equal(["dryRun", "fieldManager", "fieldValidation"], Names(item["put"]!["parameters"]));
        Assert.Equal("patchAppsV1NamespacedDeployment", (string?)item["patch"]!["operationId"]);
        Assert.Equal("#/components/schemas/io.k8s.api.apps.v1.Deployment", (string?)item["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
    }

    [Fact]
    public void Documents_ScaleSubresource_UsesTheAutoscalingScaleKind()
    {
        var document = Document("/apis/apps/v1");
        var patch = document["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]!["patch"]!;

        Assert.True(GvkIs(patch["x-kubernetes-group-version-kind"], "autoscaling", "v1", "Scale"));
        Assert.NotNull(document["components"]!["schemas"]!["io.k8s.api.autoscaling.v1.Scale"]);
    }

    [Fact]
    public void Documents_ClusterScopedKind_HasNoNamespaceParameter()
    {
        var paths = Document("/api/v1")["paths"]!;

        Assert.Equal(["name", "pretty"], Names(paths["/api/v1/nodes/{name}"]!["parameters"]));
        Assert.Equal("listCoreV1Node", (string?)paths["/api/v1/nodes"]!["get"]!["operationId"]);
        Assert.Equal("listCoreV1PodForAllNamespaces", (string?)paths["/api/v1/pods"]!["get"]!["operationId"]);
        Assert.Equal("deleteCoreV1CollectionNamespacedPod", (string?)paths["/api/v1/namespaces/{namespace}/pods"]!["delete"]!["operationId"]);
    }

    [Theory]
    [InlineData("/api/v1")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/apis/batch/v1")]
    [InlineData("/apis/coordination.k8s.io/v1")]
    public void Documents_EveryReference_Resolves(string groupVersion)
    {
        var document = Document(groupVersion);
        var schemas = document["components"]!["schemas"]!.AsObject();

        var refs = References(document).ToArray();

        Assert.NotEmpty(refs);
        Assert.All(refs, r => Assert.True(schemas.ContainsKey(r["#/components/schemas/".Length..]), r));
    }

    /// <summary>kubectl explain and apply find a kind's schema by x-kubernetes-group-version-kind among components.</summary>
    [Fact]
    public void Documents_EveryKind_HasASchemaCarryingItsGvk()
    {
        foreach (var kind in BuiltInKinds.All)
        {
            var schemas = Document(kind.GroupVersionPath)["components"]!["schemas"]!.AsObject();

            var matches = schemas.Where(s => s.Value!["x-kubernetes-group-version-kind"] is JsonArray gvks && gvks.Any(g => GvkIs(g, kind.Group, kind.Version, kind.Kind))).ToArray();

            var match = Assert.Single(matches);
            Assert.NotNull(match.Value!["properties"]!["metadata"]);
        }
    }

    [Theory]
    [InlineData("io.k8s.api.core.v1.PodSpec", "containers", "merge", "name", "name")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "volumes", "merge,retainKeys", "name", "name")]
    [InlineData("io.k8s.api.core.v1.Container", "env", "merge", "name", "name")]
    [InlineData("io.k8s.api.core.v1.Container", "ports", "merge", "containerPort", "containerPort,protocol")]
    [InlineData("io.k8s.api.core.v1.Container", "volumeMounts", "merge", "mountPath", "mountPath")]
    [InlineData("io.k8s.api.apps.v1.DeploymentStatus", "conditions", "merge", "type", "type")]
    [InlineData("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "ownerReferences", "merge", "uid", "uid")]
    public void Documents_Lists_CarryPatchAndListExtensions(string definition, string property, string strategy, string mergeKey, string mapKeys)
    {
        var schema = Document("/apis/apps/v1")["components"]!["schemas"]![definition]!["properties"]![property]!;

        Assert.Equal("array", (string?)schema["type"]);
        Assert.Equal(strategy, (string?)schema["x-kubernetes-patch-strategy"]);
        Assert.Equal(mergeKey, (string?)schema["x-kubernetes-patch-merge-key"]);
        Assert.Equal("map", (string?)schema["x-kubernetes-list-type"]);
        Assert.Equal(mapKeys, string.Join(',', schema["x-kubernetes-list-map-keys"]!.AsArray().Select(k => (string?)k)));
    }

    /// <summary>Walks the schema as apimachinery's PatchMetaFromOpenAPIV3 does (allOf[0], then $ref), down to a merge key.</summary>
    [Theory]
    [InlineData("/apis/apps/v1", "Deployment", "spec.template.spec.containers[].env", "name")]
    [InlineData("/apis/apps/v1", "Deployment", "spec.template.spec.containers[].ports", "containerPort")]
    [InlineData("/apis/batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec.volumes", "name")]
    [InlineData("/api/v1", "Pod", "status.conditions", "type")]
    [InlineData("/api/v1", "Service", "spec.ports", "port")]
    public void Documents_StrategicMergeLookup_ReachesTheMergeKey(string groupVersion, string kind, string path, string mergeKey)
    {
        var document = Document(groupVersion);
        var schemas = document["components"]!["schemas"]!.AsObject();
        JsonNode current = schemas.Single(s => (string?)s.Value!["x-kubernetes-group-version-kind"]?[0]?["kind"] == kind).Value!;
        var segments = path.Split('.');
        JsonNode? property = null;
        for (var i = 0; i < segments.Length; i++)
        {
            property = current["properties"]![segments[i].TrimEnd('[', ']')]!;
            if (i < segments.Length - 1)
            {
                current = Resolve(schemas, segments[i].EndsWith("[]", StringComparison.Ordinal) ? property["items"]! : property);
            }
        }

        Assert.Equal(mergeKey, (string?)property!["x-kubernetes-patch-merge-key"]);
    }

    [Fact]
    public void Documents_SameInput_SameBytesAndHash_OtherVersion_OtherHash()
    {
        var again = new OpenApiDocuments(KindCatalog.BuiltIn, SchemaCatalog.BuiltIn);
        var other = new OpenApiDocuments(KindCatalog.BuiltIn, SchemaCatalog.BuiltIn, "v1.32.1");

        Assert.True(Documents.TryGet("api/v1", out var json, out var hash));
        Assert.True(again.TryGet("api/v1", out var json2, out var hash2));
        Assert.True(other.TryGet("api/v1", out _, out var hash3));
        Assert.Equal(json, json2);
        Assert.Equal(hash, hash2);
        Assert.NotEqual(hash, hash3);
        Assert.Equal(Documents.Root, again.Root);
    }

    [Fact]
    public void Documents_KindWithoutSchema_GetsAPermissiveSchemaAndItsPatchOperation()
    {
        var widget = new ResourceKind("example.io", "v1", "Widget", "widgets", Namespaced: true);
        var documents = new OpenApiDocuments(new KindCatalog([.. BuiltInKinds.All, widget]), SchemaCatalog.BuiltIn);

        Assert.True(documents.TryGet("apis/example.io/v1", out var json, out _));
        var document = JsonNode.Parse(json)!;
        var schema = document["components"]!["schemas"]!["io.example.v1.Widget"]!;
        Assert.True((bool?)schema["x-kubernetes-preserve-unknown-fields"]);
        Assert.True(GvkIs(schema["x-kubernetes-group-version-kind"]![0], "example.io", "v1", "Widget"));
        Assert.NotNull(document["paths"]!["/apis/example.io/v1/namespaces/{namespace}/widgets/{name}"]!["patch"]);
        Assert.All(References(document), r => Assert.NotNull(document["components"]!["schemas"]![r["#/components/schemas/".Length..]]));
    }

    private static JsonNode Document(string groupVersionPath)
    {
        Assert.True(Documents.TryGet(groupVersionPath, out var json, out _));
        var document = JsonNode.Parse(json)!;
        Assert.Equal("3.0.0", (string?)document["openapi"]);
        return document;
    }

    private static JsonNode Resolve(JsonObject schemas, JsonNode schema)
    {
        var target = schema["allOf"]?[0] ?? schema;
        return target["$ref"] is { } reference ? schemas[((string)reference!)["#/components/schemas/".Length..]]! : target;
    }

    private static bool GvkIs(JsonNode? gvk, string group, string version, string kind) =>
        (string?)gvk?["group"] == group && (string?)gvk["version"] == version && (string?)gvk["kind"] == kind;

    private static string[] Names(JsonNode? parameters) => [.. parameters!.AsArray().Select(p => (string)p!["name"]!)];

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "$ref" ? [(string)p.Value!] : References(p.Value)),
        JsonArray a => a.SelectMany(References),
        _ => [],
    };
}
