using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Tests.Registry.Validation;

public class MetadataUpdateValidationTests
{
    private const string OldMeta = """
        {"name":"web","namespace":"default","uid":"u-1","resourceVersion":"7","creationTimestamp":"2024-01-01T00:00:00Z","labels":{"app":"web"}}
        """;

    private static JsonObject Obj(string metadataJson) => new() { ["metadata"] = JsonNode.Parse(metadataJson) };

    private static string[] Describe(IEnumerable<StatusCause> causes) => causes.Select(FieldErrors.Format).ToArray();

    [Fact]
    public void ValidateUpdate_SameIdentity_NoCauses()
    {
        var updated = Obj(OldMeta);
        updated["metadata"]!["labels"] = new JsonObject { ["app"] = "web", ["tier"] = "front" };

        Assert.Empty(MetadataValidation.ValidateUpdate(updated, Obj(OldMeta), BuiltInKinds.Pod));
    }

    [Fact]
    public void ValidateUpdate_ChangedIdentity_FieldIsImmutable()
    {
        var updated = Obj("""
            {"name":"web2","namespace":"other","uid":"u-2","creationTimestamp":"2025-01-01T00:00:00Z","deletionTimestamp":"2025-01-02T00:00:00Z"}
            """);

        Assert.Equal(
            [
                "metadata.name: Invalid value: \"web2\": field is immutable",
                "metadata.namespace: Invalid value: \"other\": field is immutable",
                "metadata.uid: Invalid value: \"u-2\": field is immutable",
                "metadata.creationTimestamp: Invalid value: \"2025-01-01T00:00:00Z\": field is immutable",
                "metadata.deletionTimestamp: Invalid value: \"2025-01-02T00:00:00Z\": field is immutable",
            ],
            Describe(MetadataValidation.ValidateUpdate(updated, Obj(OldMeta), BuiltInKinds.Pod)));
    }

    [Fact]
    public void ValidateUpdate_DroppedTimestamp_ImmutableWithNull()
    {
        var cause = Assert.Single(MetadataValidation.ValidateUpdate(Obj("""{"name":"web","namespace":"default","uid":"u-1"}"""), Obj(OldMeta), BuiltInKinds.Pod));

        Assert.Equal("metadata.creationTimestamp: Invalid value: null: field is immutable", FieldErrors.Format(cause));
    }

    [Fact]
    public void PrepareForUpdate_MissingSystemFields_CarriedOverSoUpdateIsValid()
    {
        var old = Obj(OldMeta);
        old["metadata"]!["deletionTimestamp"] = "2024-02-01T00:00:00Z";
        old["metadata"]!["deletionGracePeriodSeconds"] = 30;
        var updated = Obj("""{"name":"web","namespace":"default","creationTimestamp":"1999-01-01T00:00:00Z"}""");

        MetadataValidation.PrepareForUpdate(updated, old);

        Assert.Empty(MetadataValidation.ValidateUpdate(updated, old, BuiltInKinds.Pod));
        Assert.Equal("u-1", ObjectMeta.Uid(updated));
        Assert.Equal("2024-01-01T00:00:00Z", ObjectMeta.GetString(updated["metadata"], "creationTimestamp"));
        Assert.Equal("2024-02-01T00:00:00Z", ObjectMeta.DeletionTimestamp(updated));
    }

    [Fact]
    public void PrepareForUpdate_DifferentUid_Kept()
    {
        var updated = Obj("""{"name":"web","namespace":"default","uid":"other"}""");

        MetadataValidation.PrepareForUpdate(updated, Obj(OldMeta));

        Assert.Equal(["metadata.uid: Invalid value: \"other\": field is immutable"], Describe(MetadataValidation.ValidateUpdate(updated, Obj(OldMeta), BuiltInKinds.Pod)));
    }

    [Fact]
    public void ValidateUpdate_NewFinalizerWhileDeleting_Forbidden()
    {
        var old = Obj("""{"name":"web","namespace":"default","deletionTimestamp":"2024-02-01T00:00:00Z","finalizers":["a.io/x"]}""");
        var updated = Obj("""{"name":"web","namespace":"default","deletionTimestamp":"2024-02-01T00:00:00Z","finalizers":["a.io/x","c.io/z","b.io/y"]}""");

        Assert.Equal(
            ["metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"b.io/y\", \"c.io/z\"}"],
            Describe(MetadataValidation.ValidateUpdate(updated, old, BuiltInKinds.Pod)));
    }

    [Fact]
    public void ValidateUpdate_RemovedFinalizerWhileDeleting_Allowed()
    {
        var old = Obj("""{"name":"web","namespace":"default","deletionTimestamp":"2024-02-01T00:00:00Z","finalizers":["a.io/x"]}""");
        var updated = Obj("""{"name":"web","namespace":"default","deletionTimestamp":"2024-02-01T00:00:00Z"}""");

        Assert.Empty(MetadataValidation.ValidateUpdate(updated, old, BuiltInKinds.Pod));
    }

    [Fact]
    public void ValidateUpdate_BadLabels_Reported()
    {
        var updated = Obj(OldMeta);
        updated["metadata"]!["labels"] = new JsonObject { ["app"] = "-web" };

        var cause = Assert.Single(MetadataValidation.ValidateUpdate(updated, Obj(OldMeta), BuiltInKinds.Pod));
        Assert.Equal("metadata.labels", cause.Field);
        Assert.StartsWith("Invalid value: \"-web\": a valid label", cause.Message);
    }
}
