using System.Text.Json.Nodes;
using Cluster.Core.Registry.Admission;

namespace Cluster.Core.Tests.Registry.Admission;

public sealed class DefaultStorageClassAdmissionSpec
{
    private static JsonObject Class(string name, string? isDefault = "true", string created = "2026-01-01T00:00:00Z", bool beta = false)
    {
        var metadata = new JsonObject { ["name"] = name, ["creationTimestamp"] = created };
        if (isDefault is not null)
        {
            metadata["annotations"] = new JsonObject
            {
                [beta ? "storageclass.beta.kubernetes.io/is-default-class" : "storageclass.kubernetes.io/is-default-class"] = isDefault,
            };
        }

        return new JsonObject { ["metadata"] = metadata, ["provisioner"] = "x.io/p" };
    }

    private static JsonObject Claim(JsonNode? className = null, bool hasField = false, string? betaClass = null)
    {
        var spec = new JsonObject { ["accessModes"] = new JsonArray("ReadWriteOnce") };
        if (hasField)
        {
            spec["storageClassName"] = className;
        }

        var metadata = new JsonObject { ["name"] = "data" };
        if (betaClass is not null)
        {
            metadata["annotations"] = new JsonObject { ["volume.beta.kubernetes.io/storage-class"] = betaClass };
        }

        return new JsonObject { ["metadata"] = metadata, ["spec"] = spec };
    }

    private static string? ClassOf(JsonObject claim) => (string?)claim["spec"]!["storageClassName"];

    [Fact]
    public void Apply_NoClassNamed_DefaultClassSet()
    {
        var claim = Claim();

        DefaultStorageClassAdmission.Apply(claim, [Class("slow", isDefault: null), Class("local-path")]);

        Assert.Equal("local-path", ClassOf(claim));
    }

    [Fact]
    public void Apply_NullClassName_TreatedAsNone_DefaultClassSet()
    {
        var claim = Claim(null, hasField: true);

        DefaultStorageClassAdmission.Apply(claim, [Class("local-path")]);

        Assert.Equal("local-path", ClassOf(claim));
    }

    [Theory]
    [InlineData("")]
    [InlineData("fast")]
    public void Apply_ClassNamed_EmptyIncluded_Kept(string name)
    {
        var claim = Claim(name, hasField: true);

        DefaultStorageClassAdmission.Apply(claim, [Class("local-path")]);

        Assert.Equal(name, ClassOf(claim));
    }

    [Fact]
    public void Apply_BetaClassAnnotation_Kept()
    {
        var claim = Claim(betaClass: "old");

        DefaultStorageClassAdmission.Apply(claim, [Class("local-path")]);

        Assert.Null(claim["spec"]!["storageClassName"]);
    }

    [Fact]
    public void Apply_NoDefaultClass_NothingSet()
    {
        var claim = Claim();

        DefaultStorageClassAdmission.Apply(claim, [Class("slow", isDefault: null), Class("other", isDefault: "false")]);

        Assert.Null(claim["spec"]!["storageClassName"]);
    }

    [Fact]
    public void DefaultOf_SeveralDefaults_NewestThenFirstByName()
    {
        Assert.Equal("new", DefaultStorageClassAdmission.DefaultOf([Class("old", created: "2026-01-01T00:00:00Z"), Class("new", created: "2026-02-01T00:00:00Z")]));
        Assert.Equal("a", DefaultStorageClassAdmission.DefaultOf([Class("b"), Class("a")]));
    }

    [Fact]
    public void DefaultOf_BetaAnnotation_Counts()
    {
        Assert.Equal("beta", DefaultStorageClassAdmission.DefaultOf([Class("beta", beta: true)]));
    }
}
