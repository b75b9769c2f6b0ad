using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using static Cluster.Core.Tests.Registry.Admission.QuotaFixtures;

namespace Cluster.Core.Tests.Registry.Admission;

public sealed class LimitRangeAdmissionSpec
{
    private static JsonObject Range(string items)
    {
        var range = Obj($$$"""{"metadata":{"name":"limits","namespace":"team"},"spec":{"limits":{{{items}}}}}""");
        foreach (var item in range["spec"]!["limits"]!.AsArray())
        {
            LimitRangeAdmission.DefaultItem(item!.AsObject());
        }

        return range;
    }

    private static string Refusal(ResourceKind kind, JsonObject obj, params JsonObject[] ranges) =>
        Assert.Throws<ApiException>(() => LimitRangeAdmission.Apply(kind, obj, ranges)).Message;

    [Fact]
    public void Apply_ContainerWithoutResources_GetsDefaultRequestAndDefaultAndTheAnnotation()
    {
        var pod = Pod("x", ("app", null, null));

        LimitRangeAdmission.Apply(BuiltInKinds.Pod, pod, [Range("""[{"type":"Container","default":{"cpu":"500m","memory":"256Mi"},"defaultRequest":{"cpu":"100m"}}]""")]);

        var resources = pod["spec"]!["containers"]![0]!["resources"]!;
        Assert.Equal("""{"cpu":"500m","memory":"256Mi"}""", resources["limits"]!.ToJsonString());
        // memory's request comes from its default limit (the range's own defaulting).
        Assert.Equal("""{"cpu":"100m","memory":"256Mi"}""", resources["requests"]!.ToJsonString());
        Assert.Equal("LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app", pod["metadata"]!["annotations"]![LimitRangeAdmission.Annotation]!.GetValue<string>());
    }

    [Fact]
    public void Apply_ContainerStatingALimitOnly_RequestIsItsLimitNotTheDefaultRequest()
    {
        var pod = Pod("x", ("app", null, """{"cpu":"2"}"""));

        LimitRangeAdmission.Apply(BuiltInKinds.Pod, pod, [Range("""[{"type":"Container","default":{"cpu":"500m"},"defaultRequest":{"cpu":"100m"},"max":{"cpu":"4"}}]""")]);

        Assert.Equal("2", pod["spec"]!["containers"]![0]!["resources"]!["requests"]!["cpu"]!.GetValue<string>());
    }

    [Fact]
    public void DefaultItem_ContainerWithMaxAndMinOnly_DefaultIsMaxAndDefaultRequestIsMax()
    {
        var item = Obj("""{"type":"Container","max":{"cpu":"2"},"min":{"memory":"64Mi"}}""");

        LimitRangeAdmission.DefaultItem(item);

        Assert.Equal("""{"cpu":"2"}""", item["default"]!.ToJsonString());
        Assert.Equal("""{"cpu":"2","memory":"64Mi"}""", item["defaultRequest"]!.ToJsonString());
    }

    public static TheoryData<string, string, string> ContainerCases => new()
    {
        { """[{"type":"Container","max":{"cpu":"1"}}]""", """{"cpu":"2"}""", "maximum cpu usage per Container is 1, but limit is 2" },
        { """[{"type":"Container","min":{"memory":"1Gi"}}]""", """{"memory":"512Mi"}""", "minimum memory usage per Container is 1Gi, but request is 512Mi" },
        { """[{"type":"Container","maxLimitRequestRatio":{"cpu":"2"},"default":{"cpu":"1"},"defaultRequest":{"cpu":"250m"}}]""", "null", "cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000" },
        { """[{"type":"Pod","max":{"cpu":"1"}}]""", """{"cpu":"600m"}""", "maximum cpu usage per Pod is 1, but limit is 1200m" },
    };

    [Theory]
    [MemberData(nameof(ContainerCases))]
    public void Apply_ViolatingPod_403WithUpstreamsMessage(string items, string limits, string message)
    {
        var pod = Pod("x", ("app", null, limits == "null" ? null : limits), ("side", null, limits == "null" ? null : limits));

        Assert.Equal("pods \"x\" is forbidden: " + message, Refusal(BuiltInKinds.Pod, pod, Range(items)));
    }

    [Fact]
    public void Apply_SeveralViolations_AggregatedInBrackets()
    {
        var pod = Pod("x", ("app", """{"cpu":"10m"}""", """{"cpu":"3"}"""));

        var message = Refusal(BuiltInKinds.Pod, pod, Range("""[{"type":"Container","max":{"cpu":"2"},"min":{"cpu":"100m"}}]"""));

        Assert.Equal("pods \"x\" is forbidden: [minimum cpu usage per Container is 100m, but request is 10m, maximum cpu usage per Container is 2, but limit is 3]", message);
    }

    [Fact]
    public void Apply_PodWithinTheRange_Admitted()
    {
        var pod = Pod("x", ("app", """{"cpu":"200m"}""", """{"cpu":"1"}"""));

        LimitRangeAdmission.Apply(BuiltInKinds.Pod, pod, [Range("""[{"type":"Container","max":{"cpu":"1"},"min":{"cpu":"100m"},"maxLimitRequestRatio":{"cpu":"5"}}]""")]);

        Assert.Equal("1", pod["spec"]!["containers"]![0]!["resources"]!["limits"]!["cpu"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("20Gi", "maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi")]
    [InlineData("500Mi", "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi")]
    public void Apply_ClaimOutsideStorageMinMax_403(string storage, string message)
    {
        var claim = Obj("""{"metadata":{"name":"data","namespace":"team"},"spec":{"resources":{"requests":{"storage":""" + "\"" + storage + "\"}}}}");

        Assert.Equal("persistentvolumeclaims \"data\" is forbidden: " + message,
            Refusal(BuiltInKinds.PersistentVolumeClaim, claim, Range("""[{"type":"PersistentVolumeClaim","min":{"storage":"1Gi"},"max":{"storage":"10Gi"}}]""")));
    }

    [Fact]
    public void Apply_OtherKinds_Untouched()
    {
        var map = Obj("""{"metadata":{"name":"c"}}""");

        LimitRangeAdmission.Apply(BuiltInKinds.ConfigMap, map, [Range("""[{"type":"Container","max":{"cpu":"1"}}]""")]);

        Assert.Equal("""{"metadata":{"name":"c"}}""", map.ToJsonString());
    }
}
