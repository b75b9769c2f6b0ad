using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Schemas;

namespace Cluster.Core.Tests.Registry.Schemas;

public sealed class SchemaValidatorTests
{
    public static TheoryData<string, string> CleanObjects() => new()
    {
        { "Deployment", Manifests.Deployment },
        { "Pod", Manifests.Pod },
        { "Service", Manifests.Service },
        { "Job", Manifests.Job },
        { "CronJob", Manifests.CronJob },
        { "Deployment", ServerObjects.Deployment },
        { "Pod", ServerObjects.Pod },
        { "Node", ServerObjects.Node },
        { "Secret", ServerObjects.Secret },
        { "Lease", ServerObjects.Lease },
        { "Event", ServerObjects.Event },
    };

    [Theory]
    [MemberData(nameof(CleanObjects))]
    public void Check_RealisticObject_ReportsNothing(string kind, string json)
    {
        var report = SchemaValidator.Check(KindNamed(kind), Parse(json));

        Assert.Empty(report.UnknownFields);
        Assert.Empty(report.TypeErrors);
        Assert.True(report.IsClean);
    }

    [Fact]
    public void Check_UnknownFieldsAtDepth_ReportsUpstreamPathsInDocumentOrder()
    {
        var deployment = Parse(Manifests.Deployment);
        deployment["spec"]!["foo"] = 1;
        var containers = deployment["spec"]!["template"]!["spec"]!["containers"]!;
        containers[0]!["imagee"] = "nginx";
        containers[1]!["resources"]!["limitz"] = new JsonObject();
        containers[0]!["env"]![1]!["valueFrom"]!["fieldRef"]!["path"] = "x";
        deployment["status"] = new JsonObject { ["bogus"] = true };

        var report = SchemaValidator.Check(BuiltInKinds.Deployment, deployment);

        Assert.Equal(
            [
                "spec.template.spec.containers[0].env[1].valueFrom.fieldRef.path",
                "spec.template.spec.containers[0].imagee",
                "spec.template.spec.containers[1].resources.limitz",
                "spec.foo",
                "status.bogus",
            ],
            report.UnknownFields);
        Assert.Empty(report.TypeErrors);
    }

    [Fact]
    public void Check_UnknownFieldInMapOfObjects_ReportsPathThroughTheKey()
    {
        var catalog = new SchemaCatalog(
        [
            new ObjectSchema("io.example.v1.Widget", "w", [new Property("apiVersion", new SchemaNode(FieldType.String)), new Property("parts", new SchemaNode(FieldType.Map) { Items = new SchemaNode(FieldType.Object) { Ref = "io.example.v1.Part" } })]),
            new ObjectSchema("io.example.v1.Part", "p", [new Property("size", new SchemaNode(FieldType.Int32))]),
        ]);
        var widget = Parse("""{"apiVersion": "example.io/v1", "parts": {"wheel": {"size": 3}, "door": {"size": 1, "colour": "red"}}}""");

        var report = SchemaValidator.Check(catalog, catalog.Find("io.example.v1.Widget")!, widget);

        Assert.Equal(["parts.door.colour"], report.UnknownFields);
    }

    [Fact]
    public void Check_MapKeysAndFreeFormContent_AreNeverUnknown()
    {
        var pod = Parse(ServerObjects.Pod);
        pod["metadata"]!["labels"]!["any.example.io/key"] = "v";
        pod["metadata"]!["annotations"] = new JsonObject { ["weird key with spaces"] = "x" };
        pod["metadata"]!["managedFields"]![0]!["fieldsV1"] = JsonNode.Parse("""{"f:anything": {"k:{\"a\":1}": [1, "two", null]}}""");
        pod["spec"]!["volumes"]!.AsArray().Add(JsonNode.Parse("""{"name": "gce", "gcePersistentDisk": {"pdName": "d", "whatever": {"deep": [1]}}}"""));

        Assert.True(SchemaValidator.Check(BuiltInKinds.Pod, pod).IsClean);
    }

    [Fact]
    public void Check_NullValues_AreAcceptedEverywhere()
    {
        var deployment = Parse("""
            {"apiVersion": null, "kind": "Deployment", "metadata": {"name": "x", "creationTimestamp": null, "labels": null},
             "spec": {"replicas": null, "template": {"metadata": null, "spec": {"containers": [{"name": "a", "ports": null, "resources": {"limits": {"cpu": null}}}]}}},
             "status": null}
            """);

        Assert.True(SchemaValidator.Check(BuiltInKinds.Deployment, deployment).IsClean);
    }

    [Fact]
    public void Check_StringReplicas_ReportsGoDecodingError()
    {
        var deployment = Parse("""{"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": "3"}}""");

        var error = Assert.Single(SchemaValidator.Check(BuiltInKinds.Deployment, deployment).TypeErrors);

        Assert.Equal(new SchemaTypeError("spec.replicas", "int32", "string", "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"), error);
    }

    [Theory]
    [InlineData("""{"spec": {"replicas": 1.5}}""", "spec.replicas", "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32")]
    [InlineData("""{"spec": {"replicas": 3000000000}}""", "spec.replicas", "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32")]
    [InlineData("""{"spec": {"paused": "yes"}}""", "spec.paused", "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool")]
    [InlineData("""{"spec": "x"}""", "spec", "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec")]
    [InlineData("""{"metadata": {"labels": {"app": 5}}}""", "metadata.labels.app", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")]
    [InlineData("""{"spec": {"template": {"spec": {"containers": {}}}}}""", "spec.template.spec.containers", "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container")]
    [InlineData("""{"spec": {"template": {"spec": {"containers": [{"name": "a", "image": 7}]}}}}""", "spec.template.spec.containers[0].image", "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string")]
    [InlineData("""{"spec": {"template": {"spec": {"containers": [{"name": "a", "args": ["x", 1]}]}}}}""", "spec.template.spec.containers[0].args[1]", "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string")]
    [InlineData("""{"spec": {"strategy": {"rollingUpdate": {"maxSurge": true}}}}""", "spec.strategy.rollingUpdate.maxSurge", "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32")]
    [InlineData("""{"metadata": {"creationTimestamp": 5}}""", "metadata.creationTimestamp", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string")]
    [InlineData("""{"metadata": {"generation": "1"}}""", "metadata.generation", "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64")]
    public void Check_WrongJsonType_ReportsPathAndUpstreamMessage(string json, string path, string message)
    {
        var error = Assert.Single(SchemaValidator.Check(BuiltInKinds.Deployment, Parse(json)).TypeErrors);

        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("100m", null)]
    [InlineData("1Gi", null)]
    [InlineData("1e3", null)]
    [InlineData("0.5", null)]
    [InlineData("1Gx", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    [InlineData("1iK", "unable to parse quantity's suffix")]
    [InlineData("", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    public void Check_QuantityStrings_FollowResourceParseQuantity(string quantity, string? message)
    {
        var pod = Parse(Manifests.Pod);
        pod["spec"]!["containers"]![0]!["resources"]!["limits"]!["cpu"] = quantity;

        var errors = SchemaValidator.Check(BuiltInKinds.Pod, pod).TypeErrors;

        Assert.Equal(message, errors.SingleOrDefault()?.Message);
    }

    [Fact]
    public void Check_QuantityOfWrongJsonType_ReportsFormatError()
    {
        var pod = Parse("""{"spec": {"containers": [{"name": "a", "resources": {"requests": {"memory": true}}}]}}""");

        var error = Assert.Single(SchemaValidator.Check(BuiltInKinds.Pod, pod).TypeErrors);

        Assert.Equal(("spec.containers[0].resources.requests.memory", "quantity", "bool"), (error.Path, error.Expected, error.Actual));
    }

    [Theory]
    [InlineData("2024-05-01T10:00:00Z", null)]
    [InlineData("2024-05-01T10:00:00.123456789+02:00", null)]
    [InlineData("yesterday", "parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as \"2006\"")]
    [InlineData("2024-05-01 10:00:00Z", "parsing time \"2024-05-01 10:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \" 10:00:00Z\" as \"T\"")]
    [InlineData("2024-13-01T10:00:00Z", "parsing time \"2024-13-01T10:00:00Z\": month out of range")]
    [InlineData("2024-05-01T10:00:00", "parsing time \"2024-05-01T10:00:00\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"Z07:00\"")]
    [InlineData("2024-05-01T10:00:00Zjunk", "parsing time \"2024-05-01T10:00:00Zjunk\": extra text: \"junk\"")]
    public void Check_Timestamps_FollowGoRfc3339Parsing(string timestamp, string? message)
    {
        var pod = Parse("""{"metadata": {}}""");
        pod["metadata"]!["creationTimestamp"] = timestamp;

        Assert.Equal(message, SchemaValidator.Check(BuiltInKinds.Pod, pod).TypeErrors.SingleOrDefault()?.Message);
    }

    [Theory]
    [InlineData("cGFzc3dvcmQ=", null)]
    [InlineData("YQ==", null)]
    [InlineData("not base64!", "illegal base64 data at input byte 3")]
    [InlineData("YWJj=", "illegal base64 data at input byte 4")]
    [InlineData("YWJjZA", "illegal base64 data at input byte 4")]
    public void Check_SecretData_MustBeStandardBase64(string value, string? message)
    {
        var secret = Parse("""{"data": {}}""");
        secret["data"]!["k"] = value;

        Assert.Equal(message, SchemaValidator.Check(BuiltInKinds.Secret, secret).TypeErrors.SingleOrDefault()?.Message);
    }

    [Fact]
    public void Check_IntOrString_AcceptsStringsAndIntegers()
    {
        var service = Parse(Manifests.Service);
        service["spec"]!["ports"]![0]!["targetPort"] = 8080;
        service["spec"]!["ports"]![1]!["targetPort"] = "metrics";

        Assert.True(SchemaValidator.Check(BuiltInKinds.Service, service).IsClean);
    }

    [Fact]
    public void Check_KindWithoutSchema_IsClean()
    {
        var widget = new ResourceKind("example.io", "v1", "Widget", "widgets", Namespaced: true);

        Assert.Same(SchemaReport.Clean, SchemaValidator.Check(widget, Parse("""{"spec": {"anything": [1, 2]}}""")));
    }

    [Fact]
    public void Check_OddShapes_AreReportedNotThrown()
    {
        var odd = Parse("""{"metadata": [], "spec": {"template": 5, "selector": {"matchLabels": []}}, "status": "x"}""");

        var report = SchemaValidator.Check(BuiltInKinds.Deployment, odd);

        Assert.Equal(["metadata", "spec.template", "spec.selector.matchLabels", "status"], report.TypeErrors.Select(e => e.Path));
    }

    [Fact]
    public void RemoveUnknownFields_DropsUnknownAtDepthAndKeepsTheRest()
    {
        var deployment = Parse(Manifests.Deployment);
        deployment["spec"]!["foo"] = 1;
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["imagee"] = "x";
        var expected = Parse(Manifests.Deployment);

        var removed = SchemaValidator.RemoveUnknownFields(BuiltInKinds.Deployment, deployment);

        Assert.Equal(2, removed);
        Assert.True(JsonNode.DeepEquals(expected, deployment));
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static ResourceKind KindNamed(string kind) => BuiltInKinds.All.Single(k => k.Kind == kind);
}
