using System.Text.Json.Nodes;
using Cluster.Controllers.ReplicaSets;
using Cluster.Core.Registry.Cache;
using static Cluster.Controllers.Tests.ReplicaSets.ReplicaFixtures;

namespace Cluster.Controllers.Tests.ReplicaSets;

public sealed class PodFactsSpec
{
    [Theory]
    [InlineData("""{"ownerReferences":[{"kind":"Deployment","name":"d","uid":"u0"},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"u1","controller":true}]}""", "ReplicaSet/web/u1", false)]
    [InlineData("""{"ownerReferences":[{"kind":"ReplicaSet","name":"web","uid":"u1","controller":false}],"deletionTimestamp":"2026-12-06T12:00:00Z"}""", null, true)]
    [InlineData("""{}""", null, false)]
    public void Peek_PodMetadata_ControllerReferenceAndTerminating(string metadata, string? controller, bool terminating)
    {
        var json = JsonNode.Parse(metadata)!.AsObject();
        json["name"] = "p";
        json["namespace"] = "shop";
        var pod = CachedObject.From(new JsonObject { ["metadata"] = json }, 1);

        var (owner, going) = PodFacts.Peek(pod);

        Assert.Equal(controller, owner is null ? null : $"{owner.Kind}/{owner.Name}/{owner.Uid}");
        Assert.Equal(terminating, going);
    }

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(30, 31, true)]
    [InlineData(30, 30, false)]
    [InlineData(30, 10, false)]
    public void IsAvailable_ReadyForSomeSeconds_OnlyPastTheMinimumStrictly(int minReadySeconds, int readyForSeconds, bool available)
    {
        Assert.Equal(available, PodFacts.IsAvailable(Pod("a", readySince: Now.AddSeconds(-readyForSeconds)), minReadySeconds, Now));
    }

    [Theory]
    [InlineData("Running", false, true)]
    [InlineData("Pending", false, true)]
    [InlineData("Succeeded", false, false)]
    [InlineData("Failed", false, false)]
    [InlineData("Running", true, false)]
    public void IsActive_PhaseAndDeletion_OnlyUnfinishedAndNotTerminating(string phase, bool terminating, bool active)
    {
        Assert.Equal(active, PodFacts.IsActive(Pod("a", phase: phase, terminating: terminating)));
    }
}
