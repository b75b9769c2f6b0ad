using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;

namespace Cluster.Core.Tests.Registry.Admission;

public sealed class StorageProtectionAdmissionSpec
{
    public static TheoryData<string, string?, string[]> Cases => new()
    {
        { "persistentvolumeclaims", null, ["kubernetes.io/pvc-protection"] },
        { "persistentvolumeclaims", """["example.com/keep"]""", ["example.com/keep", "kubernetes.io/pvc-protection"] },
        { "persistentvolumeclaims", """["kubernetes.io/pvc-protection"]""", ["kubernetes.io/pvc-protection"] },
        { "persistentvolumes", null, ["kubernetes.io/pv-protection"] },
        { "configmaps", null, [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Apply_NewObject_ProtectionFinalizerAddedOnceForClaimsAndVolumesOnly(string plural, string? finalizers, string[] expected)
    {
        var kind = BuiltInKinds.All.Single(k => k.Plural == plural);
        var metadata = new JsonObject { ["name"] = "data" };
        if (finalizers is not null)
        {
            metadata["finalizers"] = JsonNode.Parse(finalizers);
        }

        var obj = new JsonObject { ["metadata"] = metadata };

        StorageProtectionAdmission.Apply(kind, obj);

        Assert.Equal(expected, (obj["metadata"]!["finalizers"] as JsonArray ?? []).Select(f => (string)f!));
    }
}
