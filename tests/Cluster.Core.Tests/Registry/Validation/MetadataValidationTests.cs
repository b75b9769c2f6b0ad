using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Tests.Registry.Validation;

public class MetadataValidationTests
{
    private static JsonObject Obj(string metadataJson) => new() { ["metadata"] = JsonNode.Parse(metadataJson) };

    private static string[] Describe(IEnumerable<StatusCause> causes) => causes.Select(FieldErrors.Format).ToArray();

    [Fact]
    public void ValidateCreate_ValidPod_NoCauses()
    {
        var pod = Obj("""
            {"name":"web-1","namespace":"default","labels":{"app":"web","app.kubernetes.io/name":"web"},
             "annotations":{"Example.com/Note":"anything at all"},"finalizers":["example.com/cleanup","orphan"],
             "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"u1","controller":true}]}
            """);

        Assert.Empty(MetadataValidation.ValidateCreate(pod, BuiltInKinds.Pod));
    }

    [Fact]
    public void ValidateCreate_NoNameNoGenerateName_NameRequired()
    {
        var causes = MetadataValidation.ValidateCreate(Obj("""{"namespace":"default"}"""), BuiltInKinds.Pod);

        var cause = Assert.Single(causes);
        Assert.Equal(("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"), (cause.Reason, cause.Field, cause.Message));
    }

    [Fact]
    public void ValidateCreate_NoMetadata_NameAndNamespaceRequired()
    {
        Assert.Equal(
            ["metadata.name: Required value: name or generateName is required", "metadata.namespace: Required value"],
            Describe(MetadataValidation.ValidateCreate([], BuiltInKinds.ConfigMap)));
    }

    [Fact]
    public void ValidateCreate_GenerateNameOnly_ValidatesPrefix()
    {
        Assert.Empty(MetadataValidation.ValidateCreate(Obj("""{"generateName":"web-","namespace":"default"}"""), BuiltInKinds.Pod));

        var cause = Assert.Single(MetadataValidation.ValidateCreate(Obj("""{"generateName":"Web-","namespace":"default"}"""), BuiltInKinds.Pod));
        Assert.Equal("metadata.generateName", cause.Field);
        Assert.StartsWith("Invalid value: \"Web-\": a lowercase RFC 1123 subdomain", cause.Message);
    }

    [Theory]
    [InlineData("Web", "Pod")]
    [InlineData("web_1", "Deployment")]
    [InlineData("a.b", "Namespace")]
    [InlineData("1web", "Service")]
    [InlineData("web.v1", "Service")]
    [InlineData("web.v1", "StatefulSet")]
    public void ValidateCreate_NameBreakingKindRule_Invalid(string name, string kind)
    {
        var resourceKind = BuiltInKinds.All.Single(k => k.Kind == kind);
        var ns = resourceKind.Namespaced ? "default" : "";
        var obj = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns } };

        var cause = Assert.Single(MetadataValidation.ValidateCreate(obj, resourceKind));
        Assert.Equal(("FieldValueInvalid", "metadata.name"), (cause.Reason, cause.Field));
        Assert.StartsWith($"Invalid value: \"{name}\": ", cause.Message);
    }

    [Theory]
    [InlineData("web.v1", "Pod")]
    [InlineData("web.v1", "ConfigMap")]
    [InlineData("web.v1", "Deployment")]
    [InlineData("my-ns", "Namespace")]
    [InlineData("web", "Service")]
    public void ValidateCreate_NameFollowingKindRule_Valid(string name, string kind)
    {
        var resourceKind = BuiltInKinds.All.Single(k => k.Kind == kind);
        var obj = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = resourceKind.Namespaced ? "default" : null } };

        Assert.Empty(MetadataValidation.ValidateCreate(obj, resourceKind));
    }

    [Fact]
    public void ValidateCreate_ServiceName_UsesDns1035Message()
    {
        var cause = Assert.Single(MetadataValidation.ValidateCreate(Obj("""{"name":"1web","namespace":"default"}"""), BuiltInKinds.Service));

        Assert.Equal("Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", cause.Message);
    }

    [Fact]
    public void ValidateCreate_LongCronJobName_Limited52()
    {
        var name = new string('a', 53);

        var cause = Assert.Single(MetadataValidation.ValidateCreate(Obj($$"""{"name":"{{name}}","namespace":"default"}"""), BuiltInKinds.CronJob));
        Assert.Equal($"Invalid value: \"{name}\": must be no more than 52 characters", cause.Message);
    }

    [Fact]
    public void ValidateCreate_NamespaceOnClusterScopedKind_Forbidden()
    {
        var cause = Assert.Single(MetadataValidation.ValidateCreate(Obj("""{"name":"n1","namespace":"default"}"""), BuiltInKinds.Node));

        Assert.Equal(("FieldValueForbidden", "metadata.namespace", "Forbidden: not allowed on this type"), (cause.Reason, cause.Field, cause.Message));
    }

    [Fact]
    public void ValidateCreate_BadNamespace_Invalid()
    {
        var cause = Assert.Single(MetadataValidation.ValidateCreate(Obj("""{"name":"a","namespace":"Default"}"""), BuiltInKinds.Pod));

        Assert.Equal("metadata.namespace", cause.Field);
        Assert.StartsWith("Invalid value: \"Default\": a lowercase RFC 1123 label", cause.Message);
    }

    [Fact]
    public void ValidateCreate_BadLabels_KeyAndValueReported()
    {
        var causes = MetadataValidation.ValidateCreate(Obj("""{"name":"a","namespace":"d","labels":{"bad key":"ok","good":"bad value"}}"""), BuiltInKinds.Pod);

        Assert.Equal(
            [
                "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ],
            Describe(causes));
    }

    [Fact]
    public void ValidateCreate_AnnotationsOverLimit_TooLong()
    {
        var obj = Obj("""{"name":"a","namespace":"d"}""");
        obj["metadata"]!["annotations"] = new JsonObject { ["big"] = new string('x', (256 * 1024) - 3) };
        Assert.Empty(MetadataValidation.ValidateCreate(obj, BuiltInKinds.ConfigMap));

        obj["metadata"]!["annotations"] = new JsonObject { ["big"] = new string('x', (256 * 1024) - 3), ["c"] = "" };

        var cause = Assert.Single(MetadataValidation.ValidateCreate(obj, BuiltInKinds.ConfigMap));
        Assert.Equal(("FieldValueTooLong", "metadata.annotations", "Too long: may not be more than 262144 bytes"), (cause.Reason, cause.Field, cause.Message));
    }

    [Fact]
    public void ValidateCreate_BadAnnotationKey_Invalid()
    {
        var cause = Assert.Single(MetadataValidation.ValidateCreate(Obj("""{"name":"a","namespace":"d","annotations":{"a/b/c":"x"}}"""), BuiltInKinds.Pod));

        Assert.Equal("metadata.annotations", cause.Field);
        Assert.StartsWith("Invalid value: \"a/b/c\": a qualified name must consist", cause.Message);
    }

    [Fact]
    public void ValidateCreate_BadFinalizers_Reported()
    {
        var causes = MetadataValidation.ValidateCreate(Obj("""{"name":"a","namespace":"d","finalizers":["a/b/c","orphan","foregroundDeletion"]}"""), BuiltInKinds.Pod);

        Assert.Equal(2, causes.Count);
        Assert.StartsWith("metadata.finalizers: Invalid value: \"a/b/c\": a qualified name", FieldErrors.Format(causes[0]));
        Assert.Equal("metadata.finalizers: Invalid value: [\"a/b/c\",\"orphan\",\"foregroundDeletion\"]: finalizer orphan and foregroundDeletion cannot be both set", FieldErrors.Format(causes[1]));
    }

    [Fact]
    public void ValidateCreate_IncompleteOwnerReference_EachFieldReported()
    {
        var causes = MetadataValidation.ValidateCreate(Obj("""{"name":"a","namespace":"d","ownerReferences":[{"apiVersion":"apps/"}]}"""), BuiltInKinds.Pod);

        Assert.Equal(
            [
                "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
                "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty",
                "metadata.ownerReferences.name: Invalid value: \"\": must not be empty",
                "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty",
            ],
            Describe(causes));
    }

    [Fact]
    public void ValidateCreate_EventOwner_Disallowed()
    {
        var causes = MetadataValidation.ValidateCreate(Obj("""{"name":"a","namespace":"d","ownerReferences":[{"apiVersion":"v1","kind":"Event","name":"e","uid":"u"}]}"""), BuiltInKinds.Pod);

        Assert.Equal(["metadata.ownerReferences: Invalid value: {\"apiVersion\":\"v1\",\"kind\":\"Event\",\"name\":\"e\",\"uid\":\"u\"}: /v1, Kind=Event is disallowed from being an owner"], Describe(causes));
    }

    [Fact]
    public void ValidateCreate_TwoControllers_Invalid()
    {
        var causes = MetadataValidation.ValidateCreate(Obj("""
            {"name":"a","namespace":"d","ownerReferences":[
              {"apiVersion":"apps/v1","kind":"ReplicaSet","name":"r1","uid":"1","controller":true},
              {"apiVersion":"apps/v1","kind":"ReplicaSet","name":"r2","uid":"2","controller":true}]}
            """), BuiltInKinds.Pod);

        var cause = Assert.Single(causes);
        Assert.Equal("metadata.ownerReferences", cause.Field);
        Assert.EndsWith(": Only one reference can have Controller set to true. Found \"true\" in references for ReplicaSet/r1 and ReplicaSet/r2", cause.Message);
    }

    [Fact]
    public void ValidateCreate_NegativeGeneration_Invalid()
    {
        Assert.Equal(
            ["metadata.generation: Invalid value: -1: must be greater than or equal to 0"],
            Describe(MetadataValidation.ValidateCreate(Obj("""{"name":"a","namespace":"d","generation":-1}"""), BuiltInKinds.Pod)));
    }

    [Fact]
    public void ValidateCreate_WrongJsonTypes_CausesNotExceptions()
    {
        var causes = MetadataValidation.ValidateCreate(
            Obj("""{"name":5,"namespace":"d","labels":"app=web","annotations":{"a":1},"finalizers":"x","ownerReferences":{},"generation":"1"}"""),
            BuiltInKinds.Pod);

        Assert.Equal(
            [
                "metadata.name: Invalid value: 5: must be of type string",
                "metadata.generation: Invalid value: \"1\": must be of type integer",
                "metadata.labels: Invalid value: \"app=web\": must be of type object",
                "metadata.annotations[a]: Invalid value: 1: must be of type string",
                "metadata.ownerReferences: Invalid value: {}: must be of type array",
                "metadata.finalizers: Invalid value: \"x\": must be of type array",
            ],
            Describe(causes));
        Assert.All(causes, c => Assert.Equal("FieldValueTypeInvalid", c.Reason));
    }

    [Fact]
    public void ValidateCreate_MetadataNotObject_SingleCause()
    {
        var cause = Assert.Single(MetadataValidation.ValidateCreate(new JsonObject { ["metadata"] = "x" }, BuiltInKinds.Pod));

        Assert.Equal(("FieldValueTypeInvalid", "metadata"), (cause.Reason, cause.Field));
    }

    [Fact]
    public void NameRule_CustomKind_DnsSubdomain()
    {
        var kind = new ResourceKind("example.com", "v1", "Widget", "widgets", Namespaced: true);

        Assert.Empty(MetadataValidation.NameRule(kind)("a.b", false));
        Assert.NotEmpty(MetadataValidation.NameRule(kind)("A", false));
    }
}
