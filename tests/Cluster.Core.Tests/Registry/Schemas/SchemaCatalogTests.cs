using Cluster.Core.Registry;
using Cluster.Core.Registry.Schemas;

namespace Cluster.Core.Tests.Registry.Schemas;

public sealed class SchemaCatalogTests
{
    [Fact]
    public void BuiltIn_EveryServedKind_HasAKindSchemaAndAList()
    {
        foreach (var kind in BuiltInKinds.All)
        {
            var schema = SchemaCatalog.BuiltIn.ForKind(kind);

            Assert.NotNull(schema);
            Assert.Equal(new GroupVersionKind(kind.Group, kind.Version, kind.Kind), schema.Gvk);
            Assert.True(schema.TryGetProperty("apiVersion", out _) && schema.TryGetProperty("kind", out _) && schema.TryGetProperty("metadata", out _));
            Assert.NotNull(SchemaCatalog.BuiltIn.ForGvk(schema.Gvk! with { Kind = kind.Kind + "List" }));
        }
    }

    /// <summary>The merge keys and strategies of kubectl-surface.md §5.5 (upstream types.go tags).</summary>
    [Theory]
    [InlineData("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers", "merge", null)]
    [InlineData("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "ownerReferences", "merge", "uid")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "containers", "merge", "name")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "initContainers", "merge", "name")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "ephemeralContainers", "merge", "name")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "volumes", "merge,retainKeys", "name")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "imagePullSecrets", "merge", "name")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "schedulingGates", "merge", "name")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "resourceClaims", "merge,retainKeys", "name")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "hostAliases", "merge", "ip")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "topologySpreadConstraints", "merge", "topologyKey")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "tolerations", null, null)]
    [InlineData("io.k8s.api.core.v1.Container", "ports", "merge", "containerPort")]
    [InlineData("io.k8s.api.core.v1.Container", "env", "merge", "name")]
    [InlineData("io.k8s.api.core.v1.Container", "volumeMounts", "merge", "mountPath")]
    [InlineData("io.k8s.api.core.v1.Container", "volumeDevices", "merge", "devicePath")]
    [InlineData("io.k8s.api.core.v1.Container", "envFrom", null, null)]
    [InlineData("io.k8s.api.core.v1.Container", "args", null, null)]
    [InlineData("io.k8s.api.core.v1.ServiceSpec", "ports", "merge", "port")]
    [InlineData("io.k8s.api.core.v1.ServiceAccount", "secrets", "merge", "name")]
    [InlineData("io.k8s.api.core.v1.PodStatus", "conditions", "merge", "type")]
    [InlineData("io.k8s.api.core.v1.PodStatus", "podIPs", "merge", "ip")]
    [InlineData("io.k8s.api.core.v1.PodStatus", "hostIPs", "merge", "ip")]
    [InlineData("io.k8s.api.core.v1.NodeStatus", "conditions", "merge", "type")]
    [InlineData("io.k8s.api.core.v1.NodeStatus", "addresses", "merge", "type")]
    [InlineData("io.k8s.api.core.v1.NamespaceStatus", "conditions", "merge", "type")]
    [InlineData("io.k8s.api.apps.v1.DeploymentStatus", "conditions", "merge", "type")]
    [InlineData("io.k8s.api.apps.v1.ReplicaSetStatus", "conditions", "merge", "type")]
    [InlineData("io.k8s.api.apps.v1.DeploymentSpec", "strategy", "retainKeys", null)]
    [InlineData("io.k8s.api.batch.v1.JobStatus", "conditions", "merge", "type")]
    public void BuiltIn_PatchMetadata_MatchesUpstream(string definition, string property, string? strategy, string? mergeKey)
    {
        Assert.True(SchemaCatalog.BuiltIn.Find(definition)!.TryGetProperty(property, out var found));

        Assert.Equal((strategy, mergeKey), (found.PatchStrategy, found.PatchMergeKey));
    }

    [Theory]
    [InlineData("io.k8s.api.core.v1.Container", "ports", "containerPort,protocol")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "containers", "name")]
    [InlineData("io.k8s.api.core.v1.ServiceSpec", "ports", "port,protocol")]
    [InlineData("io.k8s.api.core.v1.PodSpec", "topologySpreadConstraints", "topologyKey,whenUnsatisfiable")]
    public void BuiltIn_MapLists_DeclareTheirKeys(string definition, string property, string keys)
    {
        Assert.True(SchemaCatalog.BuiltIn.Find(definition)!.TryGetProperty(property, out var found));

        Assert.Equal(ListType.Map, found.Schema.ListType);
        Assert.Equal(keys, string.Join(',', found.Schema.MapKeys));
    }

    [Fact]
    public void Constructor_UnresolvedReference_Throws()
    {
        var broken = new ObjectSchema("io.example.v1.A", "a", [new Property("b", new SchemaNode(FieldType.Array) { Items = new SchemaNode(FieldType.Object) { Ref = "io.example.v1.Missing" } })]);

        var error = Assert.Throws<InvalidOperationException>(() => new SchemaCatalog([broken]));

        Assert.Contains("io.example.v1.A -> io.example.v1.Missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Closure_OfDeployment_ReachesPodSpecAndMetaTypesOnly()
    {
        var closure = SchemaCatalog.BuiltIn.Closure([SchemaCatalog.BuiltIn.ForKind(BuiltInKinds.Deployment)!]).Select(d => d.Name).ToArray();

        Assert.Contains("io.k8s.api.core.v1.Container", closure);
        Assert.Contains("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry", closure);
        Assert.DoesNotContain("io.k8s.api.core.v1.Service", closure);
        Assert.Equal(closure.Order(StringComparer.Ordinal), closure);
    }

    [Fact]
    public void ObjectSchema_GoNames_FollowTheDefinitionName()
    {
        var spec = SchemaCatalog.BuiltIn.Find("io.k8s.api.apps.v1.DeploymentSpec")!;

        Assert.Equal(("DeploymentSpec", "v1.DeploymentSpec"), (spec.GoStruct, spec.GoType));
    }
}
