using System.Text.Json.Nodes;
using Cluster.Core.Registry.Patching;

namespace Cluster.Core.Tests.Registry.Patching;

public sealed class ManagedFieldsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(1);

    private const string Pod = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","uid":"u1","resourceVersion":"5","creationTimestamp":"2025-01-01T00:00:00Z","labels":{"app":"web"}},
         "spec":{"containers":[{"name":"app","image":"nginx","resources":{}}]}}
        """;

    private static JsonArray Managed(JsonObject obj) => (JsonArray)obj["metadata"]!["managedFields"]!;

    [Fact]
    public void RecordUpdate_Create_OwnsEverySetFieldExceptSystemMetadata()
    {
        var result = ManagedFields.RecordUpdate(null, Json.Object(Pod), "kubectl-create", "v1", T0);

        var entry = Assert.Single(Managed(result));
        Assert.Equal(
            """{"manager":"kubectl-create","operation":"Update","apiVersion":"v1","time":"2025-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{},"f:resources":{}}}}}}""",
            Json.Text(entry));
    }

    [Fact]
    public void RecordUpdate_ChangedField_MovesFromTheOtherManager()
    {
        var created = ManagedFields.RecordUpdate(null, Json.Object(Pod), "kubectl-create", "v1", T0);
        var updated = (JsonObject)created.DeepClone();
        updated["metadata"]!["labels"]!["app"] = "web2";
        updated["metadata"]!["labels"]!["tier"] = "fe";

        var result = ManagedFields.RecordUpdate(created, updated, "kubectl-label", "v1", T1);

        var managers = Managed(result);
        Assert.Equal(["kubectl-create", "kubectl-label"], managers.Select(m => (string)m!["manager"]!));
        Json.Equal("""{"f:metadata":{"f:labels":{}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{},"f:resources":{}}}}}""", managers[0]!["fieldsV1"]);
        Json.Equal("""{"f:metadata":{"f:labels":{"f:app":{},"f:tier":{}}}}""", managers[1]!["fieldsV1"]);
        Assert.Equal("2025-01-01T00:01:00Z", (string)managers[1]!["time"]!);
    }

    [Fact]
    public void RecordUpdate_ManagerLeftOwningNothing_IsDropped()
    {
        var created = ManagedFields.RecordUpdate(null, Json.Object("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"immutable":false}"""), "first", "v1", T0);
        var updated = (JsonObject)created.DeepClone();
        updated["immutable"] = true;

        var result = ManagedFields.RecordUpdate(created, updated, "second", "v1", T1);

        var entry = Assert.Single(Managed(result));
        Assert.Equal("second", (string)entry!["manager"]!);
    }

    [Fact]
    public void RecordUpdate_NoChange_LeavesManagedFieldsAsTheyWere()
    {
        var created = ManagedFields.RecordUpdate(null, Json.Object(Pod), "kubectl-create", "v1", T0);

        var result = ManagedFields.RecordUpdate(created, (JsonObject)created.DeepClone(), "other", "v1", T1);

        Json.Equal(created.ToJsonString(), result);
    }

    [Fact]
    public void RecordUpdate_RemovedField_LeavesEveryOwner()
    {
        var created = ManagedFields.RecordUpdate(null, Json.Object(Pod), "kubectl-create", "v1", T0);
        var updated = (JsonObject)created.DeepClone();
        ((JsonObject)updated["metadata"]!).Remove("labels");

        var result = ManagedFields.RecordUpdate(created, updated, "kubectl-edit", "v1", T1);

        var entry = Assert.Single(Managed(result));
        Assert.Null(entry!["fieldsV1"]!["f:metadata"]);
    }

    [Fact]
    public void RecordUpdate_WriteCarryingItsOwnManagedFields_StartsFromThem()
    {
        var created = ManagedFields.RecordUpdate(null, Json.Object(Pod), "kubectl-create", "v1", T0);
        var updated = (JsonObject)created.DeepClone();
        Managed(updated)[0]!["manager"] = "renamed";

        var result = ManagedFields.RecordUpdate(created, updated, "other", "v1", T1);

        Assert.Equal("renamed", (string)Assert.Single(Managed(result))!["manager"]!);
    }

    [Fact]
    public void RecordUpdate_LeavesInputsUntouched()
    {
        var old = Json.Object(Pod);
        var updated = Json.Object(Pod);
        updated["spec"]!["containers"]![0]!["image"] = "nginx:2";

        ManagedFields.RecordUpdate(old, updated, "m", "v1", T0);

        Json.Equal(Pod, old);
        Assert.Null(updated["metadata"]!["managedFields"]);
    }

    [Fact]
    public void RecordUpdate_StatusWriterAgain_KeepsOthersAndGrowsItsOwnEntry()
    {
        var created = ManagedFields.RecordUpdate(null, Json.Object(Pod), "creator", "v1", T0);
        var first = (JsonObject)created.DeepClone();
        first["status"] = new JsonObject { ["phase"] = "Pending" };
        var pending = ManagedFields.RecordUpdate(created, first, "agent", "v1", T0, "status");
        var second = (JsonObject)pending.DeepClone();
        second["status"]!["phase"] = "Running";
        second["status"]!["podIP"] = "10.0.0.2";

        var result = ManagedFields.RecordUpdate(pending, second, "agent", "v1", T1, "status");

        var managers = Managed(result);
        Assert.Equal(2, managers.Count);
        Assert.Equal(Json.Text(Managed(created)[0]!), Json.Text(managers[0]!));
        Json.Equal("""{"f:status":{"f:phase":{},"f:podIP":{}}}""", managers[1]!["fieldsV1"]);
        Assert.Equal("2025-01-01T00:01:00Z", (string)managers[1]!["time"]!);
        Assert.Equal("status", (string)managers[1]!["subresource"]!);
    }

    [Fact]
    public void RecordUpdate_WriteCarryingOnlyEmptyEntries_ClearsTheOldOnes()
    {
        var created = ManagedFields.RecordUpdate(null, Json.Object(Pod), "creator", "v1", T0);
        var updated = (JsonObject)created.DeepClone();
        updated["metadata"]!["managedFields"] = JsonNode.Parse("""[{"manager":"x","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{}}]""");
        updated["metadata"]!["labels"]!["tier"] = "fe";

        var result = ManagedFields.RecordUpdate(created, updated, "labeller", "v1", T1);

        var entry = Assert.Single(Managed(result));
        Assert.Equal("labeller", (string)entry!["manager"]!);
    }
}
