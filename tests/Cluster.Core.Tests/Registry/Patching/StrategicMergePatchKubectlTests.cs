using Cluster.Core.Registry.Patching;

namespace Cluster.Core.Tests.Registry.Patching;

/// <summary>The strategic merge patches kubectl 1.32 was observed sending (kubectl-surface.md §5.2, §5.4, §5.5).</summary>
public sealed class StrategicMergePatchKubectlTests
{
    private static readonly PatchSchema Deployment = PatchSchema.For("apps/v1", "Deployment");

    private const string LiveDeployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"api","finalizers":["example.io/a","example.io/b"],"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"old"}},
         "spec":{"replicas":2,
          "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
          "template":{"spec":{
           "containers":[{"name":"app","image":"nginx:1.25","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"sidecar","image":"busybox"}],
           "volumes":[{"name":"data","emptyDir":{}}]}}}}
        """;

    [Fact]
    public void Apply_ClientSideApplyDiff_ChangesImageDropsEnvAndScales()
    {
        var patch = """
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"new"}},
             "spec":{"replicas":3,"template":{"spec":{
               "$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
               "containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"$patch":"delete","name":"B"}],"image":"nginx:1.26","name":"app"}]}}}}
            """;

        var result = StrategicMergePatch.Apply(Json.Parse(LiveDeployment), Json.Parse(patch), Deployment);

        Json.Equal("""{"name":"app","image":"nginx:1.26","env":[{"name":"A","value":"1"}]}""", result["spec"]!["template"]!["spec"]!["containers"]![0]);
        Json.Equal("""{"name":"sidecar","image":"busybox"}""", result["spec"]!["template"]!["spec"]!["containers"]![1]);
        Assert.Equal(3, (int)result["spec"]!["replicas"]!);
        Assert.Equal("new", (string)result["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!);
        Json.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}""", result["spec"]!["strategy"]);
    }

    [Fact]
    public void Apply_DirectiveRichDiff_RetainsKeysDeletesFinalizerAndReordersContainers()
    {
        var patch = """
            {"metadata":{"$deleteFromPrimitiveList/finalizers":["example.io/b"],"$setElementOrder/finalizers":["example.io/a"]},
             "spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"},
              "template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],
               "$setElementOrder/volumes":[{"name":"data"}],
               "volumes":[{"$retainKeys":["hostPath","name"],"emptyDir":null,"hostPath":{"path":"/tmp"},"name":"data"}]}}}}
            """;

        var result = StrategicMergePatch.Apply(Json.Parse(LiveDeployment), Json.Parse(patch), Deployment);

        Json.Equal("""["example.io/a"]""", result["metadata"]!["finalizers"]);
        Json.Equal("""{"type":"Recreate"}""", result["spec"]!["strategy"]);
        Json.Equal("""[{"name":"data","hostPath":{"path":"/tmp"}}]""", result["spec"]!["template"]!["spec"]!["volumes"]);
        Json.Equal("""
            [{"name":"sidecar","image":"busybox"},{"name":"app","image":"nginx:1.25","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]
            """, result["spec"]!["template"]!["spec"]!["containers"]);
    }

    [Fact]
    public void Apply_SetImage_ChangesOnlyThatContainer()
    {
        var patch = """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],"containers":[{"image":"nginx:1.29","name":"app"}]}}}}""";

        var containers = StrategicMergePatch.Apply(Json.Parse(LiveDeployment), Json.Parse(patch), Deployment)["spec"]!["template"]!["spec"]!["containers"]!;

        Json.Equal("""[{"name":"app","image":"nginx:1.29","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"sidecar","image":"busybox"}]""", containers);
    }

    [Fact]
    public void Apply_RolloutRestart_AddsTemplateAnnotationAndLeavesTheInputAlone()
    {
        var live = Json.Parse(LiveDeployment);
        var patch = Json.Parse("""{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}}}}""");

        var result = StrategicMergePatch.Apply(live, patch, Deployment);

        Assert.Equal("2025-01-01T00:00:00Z", (string)result["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]!);
        Json.Equal(LiveDeployment, live);
        Json.Equal("""{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}}}}""", patch);
    }

    [Fact]
    public void Apply_UnknownKind_ReplacesListsAndMergesMaps()
    {
        var live = Json.Parse("""{"spec":{"items":[{"name":"a","size":1},{"name":"b","size":2}],"replicas":1,"extra":{"x":1}}}""");
        var patch = Json.Parse("""{"spec":{"items":[{"name":"a","size":1},{"name":"b","size":3}],"replicas":2,"extra":{"y":2}}}""");

        var result = StrategicMergePatch.Apply(live, patch, PatchSchema.For("example.io/v1", "Widget"));

        Json.Equal("""{"spec":{"items":[{"name":"a","size":1},{"name":"b","size":3}],"replicas":2,"extra":{"x":1,"y":2}}}""", result);
    }

    [Fact]
    public void Apply_PodStatusConditions_MergeByType()
    {
        var live = Json.Parse("""{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Initialized","status":"True"}],"podIPs":[{"ip":"10.0.0.1"}]}}""");
        var patch = Json.Parse("""{"status":{"conditions":[{"type":"Ready","status":"True"}],"podIPs":[{"ip":"fd00::1"}]}}""");

        var result = StrategicMergePatch.Apply(live, patch, PatchSchema.For("v1", "Pod"));

        Json.Equal("""[{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}]""", result["status"]!["conditions"]);
        Json.Equal("""[{"ip":"fd00::1"},{"ip":"10.0.0.1"}]""", result["status"]!["podIPs"]);
    }

    [Fact]
    public void Apply_OwnerReferences_MergeByUid()
    {
        var live = Json.Parse("""{"metadata":{"ownerReferences":[{"uid":"1","name":"rs-a"}]}}""");
        var patch = Json.Parse("""{"metadata":{"ownerReferences":[{"uid":"1","controller":true},{"uid":"2","name":"rs-b"}]}}""");

        var result = StrategicMergePatch.Apply(live, patch, PatchSchema.For("v1", "ConfigMap"));

        Json.Equal("""[{"uid":"1","name":"rs-a","controller":true},{"uid":"2","name":"rs-b"}]""", result["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public void Apply_ServicePorts_MergeByPortAndSelectorMerges()
    {
        var live = Json.Parse("""{"spec":{"ports":[{"port":80,"targetPort":8080}],"selector":{"app":"web"}}}""");
        var patch = Json.Parse("""{"spec":{"ports":[{"port":80,"targetPort":9090}],"selector":{"tier":"fe"}}}""");

        var result = StrategicMergePatch.Apply(live, patch, PatchSchema.For("v1", "Service"));

        Json.Equal("""{"spec":{"ports":[{"port":80,"targetPort":9090}],"selector":{"app":"web","tier":"fe"}}}""", result);
    }

    [Fact]
    public void Apply_EndpointsSubsets_AreAtomic()
    {
        var live = Json.Parse("""{"subsets":[{"addresses":[{"ip":"10.0.0.1"}]}]}""");
        var patch = Json.Parse("""{"subsets":[{"addresses":[{"ip":"10.0.0.2"}]}]}""");

        Json.Equal("""{"subsets":[{"addresses":[{"ip":"10.0.0.2"}]}]}""", StrategicMergePatch.Apply(live, patch, PatchSchema.For("v1", "Endpoints")));
    }

    [Fact]
    public void Apply_CronJobTemplateContainers_MergeByName()
    {
        var live = Json.Parse("""{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}}}}}""");
        var patch = Json.Parse("""{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"z"}]}}}}}}""");

        var containers = StrategicMergePatch.Apply(live, patch, PatchSchema.For("batch/v1", "CronJob"))["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!["containers"];

        Json.Equal("""[{"name":"a","image":"x"},{"name":"b","image":"z"}]""", containers);
    }

    [Fact]
    public void Apply_ContainerPortsAndFinalizers_MergeAsDeclared()
    {
        var live = Json.Parse("""{"metadata":{"finalizers":["a"]},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}],"args":["x"]}]}}""");
        var patch = Json.Parse("""{"metadata":{"finalizers":["b"]},"spec":{"containers":[{"name":"c","ports":[{"containerPort":443}],"args":["y"]}]}}""");

        var result = StrategicMergePatch.Apply(live, patch, PatchSchema.For("v1", "Pod"));

        Json.Equal("""{"metadata":{"finalizers":["b","a"]},"spec":{"containers":[{"name":"c","ports":[{"containerPort":443},{"containerPort":80}],"args":["y"]}]}}""", result);
    }
}
