using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Patching;

namespace Cluster.Core.Tests.Registry.Patching;

public sealed class ServerSideApplyTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(1);

    private static JsonObject Deployment(int replicas = 2, string image = "nginx:1.25", string labels = """{"app":"api"}""", string containers = "") => Json.Object("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","namespace":"default","labels":LABELS},
         "spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"api"}},
          "template":{"metadata":{"labels":{"app":"api"}},"spec":{"containers":[{"name":"app","image":"IMAGE"}CONTAINERS]}}}}
        """.Replace("LABELS", labels, StringComparison.Ordinal).Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("IMAGE", image, StringComparison.Ordinal).Replace("CONTAINERS", containers, StringComparison.Ordinal));

    private static ApplyOptions Kubectl(DateTimeOffset now, bool force = false) => new("kubectl", "apps/v1", now, force);

    private static JsonArray Managed(JsonObject obj) => (JsonArray)obj["metadata"]!["managedFields"]!;

    [Fact]
    public void Apply_Create_MergesConfigAndRecordsTheApplierFieldSet()
    {
        var result = ServerSideApply.Apply(null, Deployment(), Kubectl(T0));

        Assert.Equal(2, (int)result["spec"]!["replicas"]!);
        var entry = Assert.Single(Managed(result));
        Assert.Equal(
            """{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}""",
            Json.Text(entry));
    }

    [Fact]
    public void Apply_SameManagerChangesImage_UpdatesWithoutConflictAndRefreshesTime()
    {
        var live = ServerSideApply.Apply(null, Deployment(), Kubectl(T0));

        var result = ServerSideApply.Apply(live, Deployment(image: "nginx:1.26"), Kubectl(T1));

        Assert.Equal("nginx:1.26", (string)result["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!);
        Assert.Equal("2025-01-01T00:01:00Z", (string)Managed(result)[0]!["time"]!);
    }

    [Fact]
    public void Apply_IdenticalReapply_KeepsTheEntryTime()
    {
        var live = ServerSideApply.Apply(null, Deployment(), Kubectl(T0));

        var result = ServerSideApply.Apply(live, Deployment(), Kubectl(T1));

        Json.Equal(live.ToJsonString(), result);
    }

    [Fact]
    public void Apply_FieldsNoLongerApplied_AreRemoved()
    {
        var live = ServerSideApply.Apply(null, Deployment(labels: """{"app":"api","tier":"be"}""", containers: """,{"name":"sidecar","image":"busybox"}"""), Kubectl(T0));

        var result = ServerSideApply.Apply(live, Deployment(), Kubectl(T1));

        Json.Equal("""{"app":"api"}""", result["metadata"]!["labels"]);
        Json.Equal("""[{"name":"app","image":"nginx:1.25"}]""", result["spec"]!["template"]!["spec"]!["containers"]);
    }

    [Fact]
    public void Apply_FieldDroppedButOwnedByAnotherManager_Stays()
    {
        var created = ManagedFields.RecordUpdate(null, Deployment(labels: """{"app":"api","tier":"be"}"""), "kubectl-client-side-apply", "apps/v1", T0);
        var applied = ServerSideApply.Apply(created, Deployment(labels: """{"app":"api","tier":"be"}"""), Kubectl(T0));

        var result = ServerSideApply.Apply(applied, Deployment(), Kubectl(T1));

        Json.Equal("""{"app":"api","tier":"be"}""", result["metadata"]!["labels"]);
    }

    [Fact]
    public void Apply_ChangingFieldOwnedByUpdater_ThrowsConflictNamingTheManager()
    {
        var created = ManagedFields.RecordUpdate(null, Deployment(), "kubectl-client-side-apply", "apps/v1", T0);

        var error = Assert.Throws<ApiException>(() => ServerSideApply.Apply(created, Deployment(replicas: 3), Kubectl(T1)));

        Assert.Equal(409, error.Code);
        Assert.Equal("Conflict", error.Reason);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas", error.Message);
        var cause = Assert.Single(error.Details!.Causes!);
        Assert.Equal(new StatusCause("FieldManagerConflict", "conflict with \"kubectl-client-side-apply\" using apps/v1", ".spec.replicas"), cause);
    }

    [Fact]
    public void Apply_SeveralConflicts_ListsThemPerManager()
    {
        var created = ManagedFields.RecordUpdate(null, Deployment(), "kubectl-client-side-apply", "apps/v1", T0);

        var error = Assert.Throws<ApiException>(() => ServerSideApply.Apply(created, Deployment(replicas: 3, image: "nginx:2"), Kubectl(T1)));

        Assert.Equal(
            "Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name=\"app\"].image",
            error.Message);
        Assert.Equal([".spec.replicas", ".spec.template.spec.containers[name=\"app\"].image"], error.Details!.Causes!.Select(c => c.Field));
    }

    [Fact]
    public void Apply_SameValueAsOtherOwner_SharesOwnership()
    {
        var created = ManagedFields.RecordUpdate(null, Deployment(), "kubectl-client-side-apply", "apps/v1", T0);

        var result = ServerSideApply.Apply(created, Deployment(), Kubectl(T1));

        var managers = Managed(result);
        Assert.Equal(["kubectl", "kubectl-client-side-apply"], managers.Select(m => (string)m!["manager"]!));
        Assert.All(managers, m => Assert.NotNull(m!["fieldsV1"]!["f:spec"]!["f:replicas"]));
    }

    [Fact]
    public void Apply_Forced_TakesTheFieldFromTheOtherManager()
    {
        var created = ManagedFields.RecordUpdate(null, Deployment(), "kubectl-client-side-apply", "apps/v1", T0);

        var result = ServerSideApply.Apply(created, Json.Object("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api"},"spec":{"replicas":5}}"""), Kubectl(T1, force: true));

        Assert.Equal(5, (int)result["spec"]!["replicas"]!);
        var updater = Managed(result).Single(m => (string)m!["manager"]! == "kubectl-client-side-apply")!;
        Assert.Null(updater["fieldsV1"]!["f:spec"]!["f:replicas"]);
        Assert.NotNull(updater["fieldsV1"]!["f:spec"]!["f:selector"]);
    }

    [Fact]
    public void Apply_ConflictBetweenAppliers_NamesTheOtherApplierWithoutVersion()
    {
        var live = ServerSideApply.Apply(null, Deployment(), new ApplyOptions("ci", "apps/v1", T0));

        var error = Assert.Throws<ApiException>(() => ServerSideApply.Apply(live, Deployment(replicas: 4), Kubectl(T1)));

        Assert.Equal("Apply failed with 1 conflict: conflict with \"ci\": .spec.replicas", error.Message);
    }

    [Fact]
    public void Apply_ObjectWithoutManagedFields_IsOwnedBeforeFirstApply()
    {
        var error = Assert.Throws<ApiException>(() => ServerSideApply.Apply(Deployment(), Deployment(replicas: 3), Kubectl(T1)));

        Assert.Equal("Apply failed with 1 conflict: conflict with \"before-first-apply\" using apps/v1: .spec.replicas", error.Message);
    }

    [Fact]
    public void Apply_StatusOfKindWithStatusSubresource_IsNeitherChangedNorOwned()
    {
        var live = ServerSideApply.Apply(null, Deployment(), Kubectl(T0));
        live["status"] = Json.Parse("""{"replicas":2}""");
        var config = Deployment();
        config["status"] = Json.Parse("""{"replicas":9}""");

        var result = ServerSideApply.Apply(live, config, Kubectl(T1));

        Json.Equal("""{"replicas":2}""", result["status"]);
        Assert.Null(Managed(result)[0]!["fieldsV1"]!["f:status"]);
    }

    [Fact]
    public void Apply_ConfigCarryingManagedFields_Throws400()
    {
        var config = Deployment();
        config["metadata"]!["managedFields"] = new JsonArray();

        Assert.Equal(400, Assert.Throws<ApiException>(() => ServerSideApply.Apply(null, config, Kubectl(T0))).Code);
    }

    [Fact]
    public void Apply_PortWithoutProtocol_MatchesTheDefaultedLiveItem()
    {
        var pod = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["x"]},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80%s}]}]}}""";
        var live = ServerSideApply.Apply(null, Json.Object(pod.Replace("%s", """, "protocol":"TCP" """, StringComparison.Ordinal)), new ApplyOptions("kubectl", "v1", T0));

        var result = ServerSideApply.Apply(live, Json.Object(pod.Replace("%s", ""","name":"http" """, StringComparison.Ordinal)), new ApplyOptions("kubectl", "v1", T1));

        // The applier stopped applying protocol, so it goes (defaulting would restore it); the item stays one item.
        Json.Equal("""[{"containerPort":80,"name":"http"}]""", result["spec"]!["containers"]![0]!["ports"]);
        var fields = Managed(result)[0]!["fieldsV1"]!;
        Assert.NotNull(fields["f:spec"]!["f:containers"]!["k:{\"name\":\"c\"}"]!["f:ports"]!["k:{\"containerPort\":80,\"protocol\":\"TCP\"}"]);
        Assert.NotNull(fields["f:metadata"]!["f:finalizers"]!["v:\"x\""]);
    }

    [Fact]
    public void Apply_KeyedList_KeepsLiveOnlyItemsAndFollowsConfigOrder()
    {
        var live = ManagedFields.RecordUpdate(null, Json.Object("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}]}}"""), "kubelet", "v1", T0);

        var result = ServerSideApply.Apply(live, Json.Object("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"3"},{"name":"a","image":"1"}]}}"""), new ApplyOptions("kubectl", "v1", T1));

        Assert.Equal(["c", "a", "b"], result["spec"]!["containers"]!.AsArray().Select(c => (string)c!["name"]!));
    }

    [Fact]
    public void Apply_LeavesInputsUntouched()
    {
        var live = ServerSideApply.Apply(null, Deployment(), Kubectl(T0));
        var liveText = live.ToJsonString();
        var config = Deployment(image: "x");
        var configText = config.ToJsonString();

        ServerSideApply.Apply(live, config, Kubectl(T1));

        Assert.Equal(liveText, live.ToJsonString());
        Assert.Equal(configText, config.ToJsonString());
    }
}
