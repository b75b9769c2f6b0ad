using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Core.Registry.Strategies;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Core.Tests.Registry.Objects;

public sealed class ObjectRulesSpec
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private int _uids;

    private ObjectRules Rules(ResourceKind kind) => new(kind, StrategyCatalog.For(kind), _clock, () => "uid-" + ++_uids);

    private static JsonObject ConfigMap(string name, string? rv = null, params string[] finalizers)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = "default" };
        if (rv is not null)
        {
            metadata["resourceVersion"] = rv;
        }

        if (finalizers.Length > 0)
        {
            metadata["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray());
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata, ["data"] = new JsonObject { ["a"] = "1" } };
    }

    private static JsonObject Stored(Decision decision, long ordering) =>
        ObjectState.Empty.Apply(decision.Event!, ordering).Current!;

    [Fact]
    public void Create_Absent_SetsUidTimestampAndIgnoresClientSystemFields()
    {
        var incoming = ConfigMap("a", rv: "99");
        incoming["metadata"]!["uid"] = "client-chosen";

        var decision = Rules(BuiltInKinds.ConfigMap).Create(null, incoming, WriteOptions.Default);

        Assert.True(decision.Created);
        var obj = Stored(decision, 7);
        Assert.Equal("uid-1", ObjectMeta.Uid(obj));
        Assert.Equal("2026-01-02T03:04:05Z", obj["metadata"]!["creationTimestamp"]!.GetValue<string>());
        Assert.Equal("7", ObjectMeta.ResourceVersion(obj));
        Assert.Equal("99", ObjectMeta.ResourceVersion(incoming));
    }

    [Fact]
    public void CreateAndUpdate_EmptyMetadataCollections_AreLeftOutAsGoOmitsThem()
    {
        var rules = Rules(BuiltInKinds.ConfigMap);
        var incoming = ConfigMap("a");
        incoming["metadata"]!["annotations"] = new JsonObject();
        incoming["metadata"]!["labels"] = new JsonObject();
        incoming["metadata"]!["finalizers"] = new JsonArray();

        var current = Stored(rules.Create(null, incoming, WriteOptions.Default), 1);
        var again = ConfigMap("a", rv: "1");
        again["metadata"]!["annotations"] = new JsonObject();
        var update = rules.Update(current, again, null, WriteOptions.Default);

        Assert.Equal(["creationTimestamp", "name", "namespace", "resourceVersion", "uid"], current["metadata"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Null(update.Event);
    }

    [Fact]
    public void Create_Existing_IsAlreadyExists()
    {
        var rules = Rules(BuiltInKinds.ConfigMap);
        var current = Stored(rules.Create(null, ConfigMap("a"), WriteOptions.Default), 1);

        var error = Assert.Throws<ApiException>(() => rules.Create(current, ConfigMap("a"), WriteOptions.Default));

        Assert.Equal(409, error.Code);
        Assert.Equal("AlreadyExists", error.Reason);
    }

    [Fact]
    public void Update_StaleResourceVersion_IsConflict_AndSameContentIsNoWrite()
    {
        var rules = Rules(BuiltInKinds.ConfigMap);
        var current = Stored(rules.Create(null, ConfigMap("a"), WriteOptions.Default), 5);

        Assert.Equal("Conflict", Assert.Throws<ApiException>(() => rules.Update(current, ConfigMap("a", rv: "4"), null, WriteOptions.Default)).Reason);
        var same = rules.Update(current, ConfigMap("a", rv: "5"), null, WriteOptions.Default);
        Assert.Null(same.Event);
        Assert.Same(current, same.Reply);
    }

    [Fact]
    public void Delete_WithFinalizers_MarksThenLastFinalizerRemovalDeletes()
    {
        var rules = Rules(BuiltInKinds.ConfigMap);
        var current = Stored(rules.Create(null, ConfigMap("a", null, "x/hold"), WriteOptions.Default), 1);

        var marked = rules.Delete(current, "a", DeleteOptions.Default);

        Assert.IsType<ObjectEvents.Stored>(marked.Event);
        Assert.False(marked.Removed);
        var terminating = Stored(marked, 2);
        Assert.NotNull(ObjectMeta.DeletionTimestamp(terminating));
        var release = MergePatchOf("""{"metadata":{"finalizers":[]}}""");
        var removed = rules.Patch(terminating, PatchType.Merge, release, null, WriteOptions.Default);
        Assert.IsType<ObjectEvents.Deleted>(removed.Event);
        Assert.True(removed.Removed);
    }

    [Fact]
    public void Delete_UidPreconditionMismatch_IsConflict()
    {
        var rules = Rules(BuiltInKinds.ConfigMap);
        var current = Stored(rules.Create(null, ConfigMap("a"), WriteOptions.Default), 1);

        var error = Assert.Throws<ApiException>(() => rules.Delete(current, "a", new DeleteOptions(PreconditionUid: "other")));

        Assert.Equal(409, error.Code);
        Assert.Contains("Precondition failed: UID in precondition: other", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_AssignedPod_IsConflict()
    {
        var rules = Rules(BuiltInKinds.Pod);
        var pod = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""")!.AsObject();
        var current = Stored(rules.Create(null, pod, WriteOptions.Default), 1);
        var bound = Stored(rules.Bind(current, "node-1"), 2);

        Assert.Equal("node-1", bound["spec"]!["nodeName"]!.GetValue<string>());
        Assert.Equal("Conflict", Assert.Throws<ApiException>(() => rules.Bind(bound, "node-2")).Reason);
    }

    [Fact]
    public void Bind_PodWithItsCreatorsFields_ManagedFieldsUntouched()
    {
        var rules = Rules(BuiltInKinds.Pod);
        var pod = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""")!.AsObject();
        var current = Stored(rules.Create(null, pod, new WriteOptions(FieldManager: "kube-controller-manager")), 1);
        var bound = Stored(rules.Bind(current, "node-1"), 2);

        // As upstream's binding, which writes the pod to storage past the field manager: no scheduler entry.
        Assert.Equal(current["metadata"]!["managedFields"]!.ToJsonString(), bound["metadata"]!["managedFields"]!.ToJsonString());
        Assert.Equal("True", bound["status"]!["conditions"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void UpdateStatus_PodStoredWithASpecTodaysRulesRefuse_StatusStillWritten()
    {
        var rules = Rules(BuiltInKinds.Pod);
        var pod = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""")!.AsObject();
        var current = Stored(rules.Create(null, pod, WriteOptions.Default), 1);
        // As if stored under older, laxer rules: the main resource refuses the spec now.
        current["spec"]!["containers"]![0]!["name"] = "Not_A_Label";
        var spec = Assert.Throws<ApiException>(() => rules.Update(current, (JsonObject)current.DeepClone(), null, WriteOptions.Default));
        Assert.Equal("Invalid", spec.Reason);

        // The status subresource keeps the stored spec and, as upstream's ValidatePodStatusUpdate, does not judge it.
        var update = (JsonObject)current.DeepClone();
        update["status"] = new JsonObject { ["phase"] = "Running" };
        var written = Stored(rules.Update(current, update, "status", WriteOptions.Default), 2);

        Assert.Equal("Running", written["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("Not_A_Label", written["spec"]!["containers"]![0]!["name"]!.GetValue<string>());
    }

    private static JsonNode MergePatchOf(string json) => JsonNode.Parse(json)!;
}
