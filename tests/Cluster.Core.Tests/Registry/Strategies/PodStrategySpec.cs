using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class PodStrategySpec
{
    private static readonly IResourceStrategy Pods = StrategyCatalog.For(BuiltInKinds.Pod);

    private static JsonObject Pod(string containers = """[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80}]}]""") =>
        Json("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"containers":@C}}""".Replace("@C", containers, StringComparison.Ordinal));

    /// <summary>
    /// What a client that read the pod sends back: the tolerations admission added on create (removing tolerations is
    /// forbidden, upstream too, so a manifest replaced as written is refused once admission added some).
    /// </summary>
    private static void KeepAdmittedTolerations(JsonObject updated, JsonObject stored) =>
        updated["spec"]!["tolerations"] = stored["spec"]!["tolerations"]!.DeepClone();

    private static JsonObject Created(JsonObject pod)
    {
        Pods.PrepareForCreate(pod);
        return pod;
    }

    [Fact]
    public void PrepareForCreate_MinimalPod_FillsSpecDefaults()
    {
        var pod = Created(Pod());
        Assert.Equal("Always", Str(pod, "spec.restartPolicy"));
        Assert.Equal("ClusterFirst", Str(pod, "spec.dnsPolicy"));
        Assert.Equal("default-scheduler", Str(pod, "spec.schedulerName"));
        Assert.Equal("30", Str(pod, "spec.terminationGracePeriodSeconds"));
        Assert.Equal("True", Str(pod, "spec.enableServiceLinks"));
        Assert.IsType<JsonObject>(At(pod, "spec.securityContext"));
        Assert.Equal("IfNotPresent", Str(pod, "spec.containers.0.imagePullPolicy"));
        Assert.Equal("/dev/termination-log", Str(pod, "spec.containers.0.terminationMessagePath"));
        Assert.Equal("File", Str(pod, "spec.containers.0.terminationMessagePolicy"));
        Assert.Equal("TCP", Str(pod, "spec.containers.0.ports.0.protocol"));
        Assert.Empty(At(pod, "spec.containers.0.resources")!.AsObject());
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.27", "IfNotPresent")]
    [InlineData("registry:5000/app", "Always")]
    [InlineData("registry:5000/app:v2", "IfNotPresent")]
    [InlineData("nginx@sha256:abc", "IfNotPresent")]
    public void PrepareForCreate_ImageTag_PicksPullPolicy(string image, string policy)
    {
        var pod = Created(Pod("""[{"name":"c","image":"@I"}]""".Replace("@I", image, StringComparison.Ordinal)));
        Assert.Equal(policy, Str(pod, "spec.containers.0.imagePullPolicy"));
    }

    [Fact]
    public void PrepareForCreate_ClientStatus_ResetsToPendingBestEffort()
    {
        var pod = Pod();
        pod["status"] = Json("""{"phase":"Running","podIP":"10.0.0.1"}""");
        Pods.PrepareForCreate(pod);
        Assert.Equal("""{"phase":"Pending","qosClass":"BestEffort"}""", pod["status"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"limits":{"cpu":"1","memory":"1Gi"}}""", "Guaranteed")]
    [InlineData("""{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1000m","memory":"1Gi"}}""", "Guaranteed")]
    [InlineData("""{"requests":{"cpu":"100m"}}""", "Burstable")]
    [InlineData("""{"requests":{"cpu":"500m","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi"}}""", "Burstable")]
    [InlineData("""{}""", "BestEffort")]
    public void PrepareForCreate_Resources_ComputesQosClass(string resources, string qos)
    {
        var pod = Created(Pod("""[{"name":"c","image":"i","resources":@R}]""".Replace("@R", resources, StringComparison.Ordinal)));
        Assert.Equal(qos, Str(pod, "status.qosClass"));
    }

    [Fact]
    public void PrepareForCreate_LimitsOnly_DefaultsRequestsAndCanonicalizesQuantities()
    {
        var pod = Created(Pod("""[{"name":"c","image":"i","resources":{"limits":{"cpu":"1000m","memory":"1024Mi"}}}]"""));
        Assert.Equal("1", Str(pod, "spec.containers.0.resources.limits.cpu"));
        Assert.Equal("1Gi", Str(pod, "spec.containers.0.resources.requests.memory"));
    }

    [Fact]
    public void PrepareForUpdate_ClientStatus_KeepsStoredStatus()
    {
        var old = Created(Pod());
        var updated = Pod();
        updated["status"] = Json("""{"phase":"Failed"}""");
        Pods.PrepareForUpdate(updated, old);
        Assert.Equal("Pending", Str(updated, "status.phase"));
    }

    [Fact]
    public void PrepareForStatusUpdate_ChangedSpec_KeepsStoredSpecAndQos()
    {
        var old = Created(Pod());
        var updated = (JsonObject)old.DeepClone();
        updated["spec"]!["nodeName"] = "elsewhere";
        updated["status"] = Json("""{"phase":"Running","qosClass":"Guaranteed"}""");
        Pods.PrepareForStatusUpdate(updated, old);
        Assert.Null(At(updated, "spec.nodeName"));
        Assert.Equal("Running", Str(updated, "status.phase"));
        Assert.Equal("BestEffort", Str(updated, "status.qosClass"));
    }

    [Fact]
    public void Validate_DefaultedPod_HasNoCauses() => NoCauses(Pods.Validate(Created(Pod())));

    [Fact]
    public void Validate_NoContainers_RequiresContainers() =>
        HasCause(Pods.Validate(Created(Pod("[]"))), "spec.containers", "Required value");

    [Fact]
    public void Validate_MissingImage_RequiresImage()
    {
        var cause = HasCause(Pods.Validate(Created(Pod("""[{"name":"web"}]"""))), "spec.containers[0].image", "Required value");
        Assert.Equal("FieldValueRequired", cause.Reason);
    }

    [Fact]
    public void Validate_BadAndDuplicateContainerNames_ReportsEach()
    {
        var causes = Pods.Validate(Created(Pod("""[{"name":"Web_1","image":"i"},{"name":"a","image":"i"},{"name":"a","image":"i"}]""")));
        HasCause(causes, "spec.containers[0].name", "a lowercase RFC 1123 label must consist of");
        Assert.Equal("FieldValueDuplicate", HasCause(causes, "spec.containers[2].name", "Duplicate value: \"a\"").Reason);
    }

    [Fact]
    public void Validate_InitContainerSharingName_IsDuplicate()
    {
        var pod = Pod("""[{"name":"a","image":"i"}]""");
        pod["spec"]!["initContainers"] = JsonNode.Parse("""[{"name":"a","image":"i"}]""");
        HasCause(Pods.Validate(Created(pod)), "spec.containers[0].name", "Duplicate value");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Validate_ContainerPortOutOfRange_IsInvalid(int port) =>
        HasCause(Pods.Validate(Created(Pod("""[{"name":"c","image":"i","ports":[{"containerPort":@P}]}]""".Replace("@P", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)))),
            "spec.containers[0].ports[0].containerPort", $"Invalid value: {port}: must be between 1 and 65535, inclusive");

    [Fact]
    public void Validate_UnknownRestartPolicy_IsNotSupported()
    {
        var pod = Pod();
        pod["spec"]!["restartPolicy"] = "Sometimes";
        var cause = HasCause(Pods.Validate(Created(pod)), "spec.restartPolicy", "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"");
        Assert.Equal("FieldValueNotSupported", cause.Reason);
    }

    [Fact]
    public void Validate_EnvNameWithEquals_IsInvalid() =>
        HasCause(Pods.Validate(Created(Pod("""[{"name":"c","image":"i","env":[{"name":"A=B","value":"x"},{"value":"y"}]}]"""))),
            "spec.containers[0].env[0].name", "printable ASCII characters other than '='");

    [Fact]
    public void Validate_EnvWithoutName_RequiresName() =>
        HasCause(Pods.Validate(Created(Pod("""[{"name":"c","image":"i","env":[{"value":"y"}]}]"""))), "spec.containers[0].env[0].name", "Required value");

    [Fact]
    public void Validate_RequestAboveLimit_IsInvalid() =>
        HasCause(Pods.Validate(Created(Pod("""[{"name":"c","image":"i","resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}}]"""))),
            "spec.containers[0].resources.requests[cpu]", "must be less than or equal to cpu limit of 1");

    [Fact]
    public void Validate_MalformedQuantity_IsInvalid() =>
        HasCause(Pods.Validate(Created(Pod("""[{"name":"c","image":"i","resources":{"limits":{"memory":"lots"}}}]"""))),
            "spec.containers[0].resources.limits[memory]", "quantities must match the regular expression");

    [Fact]
    public void Validate_MountOfUnknownVolume_IsNotFound() =>
        HasCause(Pods.Validate(Created(Pod("""[{"name":"c","image":"i","volumeMounts":[{"name":"data","mountPath":"/data"}]}]"""))),
            "spec.containers[0].volumeMounts[0].name", "Not found: \"data\"");

    [Fact]
    public void Validate_TolerationExistsWithValue_IsInvalid()
    {
        var pod = Pod();
        pod["spec"]!["tolerations"] = JsonNode.Parse("""[{"key":"k","operator":"Exists","value":"v"}]""");
        HasCause(Pods.Validate(Created(pod)), "spec.tolerations[0].operator", "value must be empty when `operator` is 'Exists'");
    }

    [Fact]
    public void ValidateUpdate_ImageChange_IsAllowed()
    {
        var old = Created(Pod());
        var updated = Pod("""[{"name":"web","image":"nginx:1.28","ports":[{"containerPort":80}]}]""");
        KeepAdmittedTolerations(updated, old);
        Pods.PrepareForUpdate(updated, old);
        NoCauses(Pods.ValidateUpdate(updated, old));
    }

    [Fact]
    public void ValidateUpdate_SameManifestAgainstStoredJson_HasNoCauses()
    {
        var stored = Json(Created(Pod("""[{"name":"c","image":"i","resources":{"limits":{"cpu":"500m"}},"livenessProbe":{"httpGet":{"port":80}}}]""")).ToJsonString());
        var updated = Pod("""[{"name":"c","image":"i","resources":{"limits":{"cpu":"0.5"}},"livenessProbe":{"httpGet":{"port":80}}}]""");
        KeepAdmittedTolerations(updated, stored);
        Pods.PrepareForUpdate(updated, stored);
        NoCauses(Pods.ValidateUpdate(updated, stored));
    }

    [Fact]
    public void ValidateUpdate_PortChange_IsForbiddenWithUpstreamMessage()
    {
        var old = Created(Pod());
        var updated = Pod("""[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":81}]}]""");
        Pods.PrepareForUpdate(updated, old);
        var cause = HasCause(Pods.ValidateUpdate(updated, old), "spec", "Forbidden: " + PodStrategy.UpdateForbidden);
        Assert.Contains("spec.containers[0].ports[0].containerPort: 80 -> 81", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateUpdate_AddedToleration_IsAllowedButRemovalIsForbidden()
    {
        var old = Pod();
        old["spec"]!["tolerations"] = JsonNode.Parse("""[{"key":"a","operator":"Exists"}]""");
        Pods.PrepareForCreate(old);
        var added = (JsonObject)old.DeepClone();
        added["spec"]!["tolerations"]!.AsArray().Add(JsonNode.Parse("""{"key":"b","operator":"Exists"}"""));
        NoCauses(Pods.ValidateUpdate(added, old));

        var removed = (JsonObject)old.DeepClone();
        removed["spec"]!["tolerations"] = new JsonArray();
        HasCause(Pods.ValidateUpdate(removed, old), "spec.tolerations[0]", "existing toleration can not be modified");
    }

    [Fact]
    public void ValidateUpdate_ActiveDeadline_MayDecreaseButNotIncrease()
    {
        var old = Pod();
        old["spec"]!["activeDeadlineSeconds"] = 100;
        Pods.PrepareForCreate(old);
        var lower = (JsonObject)old.DeepClone();
        lower["spec"]!["activeDeadlineSeconds"] = 50;
        NoCauses(Pods.ValidateUpdate(lower, old));

        var higher = (JsonObject)old.DeepClone();
        higher["spec"]!["activeDeadlineSeconds"] = 200;
        HasCause(Pods.ValidateUpdate(higher, old), "spec.activeDeadlineSeconds", "must be less than or equal to previous value");
    }

    [Fact]
    public void SelectableField_PodFields_ReadAsUpstream()
    {
        var pod = Created(Pod());
        pod["spec"]!["nodeName"] = "node-1";
        pod["status"]!["podIPs"] = JsonNode.Parse("""[{"ip":"10.1.0.5"}]""");
        Assert.Equal("node-1", Pods.SelectableField(pod, "spec.nodeName"));
        Assert.Equal("Pending", Pods.SelectableField(pod, "status.phase"));
        Assert.Equal("10.1.0.5", Pods.SelectableField(pod, "status.podIP"));
        Assert.Equal("false", Pods.SelectableField(pod, "spec.hostNetwork"));
        Assert.Equal("", Pods.SelectableField(pod, "status.nominatedNodeName"));
        Assert.Equal("web", Pods.SelectableField(pod, "metadata.name"));
        Assert.Null(Pods.SelectableField(pod, "spec.containers"));
    }
}
