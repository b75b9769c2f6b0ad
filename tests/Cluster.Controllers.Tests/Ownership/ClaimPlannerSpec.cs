using Cluster.Controllers.Ownership;
using Cluster.Core.Registry;
using k8s.Models;

namespace Cluster.Controllers.Tests.Ownership;

/// <summary>Upstream's ClaimObject decisions (controller_ref_manager_test.go's cases) and its RecheckDeletionTimestamp.</summary>
public sealed class ClaimPlannerSpec
{
    private static readonly DateTime Deleted = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string, string?, bool, bool, bool, string, ClaimDecision> Cases => new()
    {
        // case, controller uid of the object (null: orphan), matches, object deleting, owner deleting, object namespace, decision
        { "owned, matching", "rs-uid", true, false, false, "shop", ClaimDecision.Keep },
        { "owned, matching, owner deleting", "rs-uid", true, false, true, "shop", ClaimDecision.Keep },
        { "owned, matching, object deleting", "rs-uid", true, true, false, "shop", ClaimDecision.Keep },
        { "owned, not matching", "rs-uid", false, false, false, "shop", ClaimDecision.Release },
        { "owned, not matching, object deleting", "rs-uid", false, true, false, "shop", ClaimDecision.Release },
        { "owned, not matching, owner deleting", "rs-uid", false, false, true, "shop", ClaimDecision.Ignore },
        { "another's, matching", "other-uid", true, false, false, "shop", ClaimDecision.Ignore },
        { "another's, not matching", "other-uid", false, false, false, "shop", ClaimDecision.Ignore },
        { "orphan, matching", null, true, false, false, "shop", ClaimDecision.Adopt },
        { "orphan, not matching", null, false, false, false, "shop", ClaimDecision.Ignore },
        { "orphan, matching, object deleting", null, true, true, false, "shop", ClaimDecision.Ignore },
        { "orphan, matching, owner deleting", null, true, false, true, "shop", ClaimDecision.Ignore },
        { "orphan, matching, other namespace", null, true, false, false, "elsewhere", ClaimDecision.Ignore },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_Case_AsUpstreamClaimObject(string name, string? controllerUid, bool matches, bool objectDeleting, bool ownerDeleting, string ns, ClaimDecision expected)
    {
        var decision = ClaimPlanner.Decide(Owner(deleting: ownerDeleting), Meta("p", controllerUid, objectDeleting, ns), matches);

        Assert.True(expected == decision, $"{name}: {decision}");
    }

    [Fact]
    public void Decide_NonControllerReferenceToOwner_IsAnOrphanToAdopt()
    {
        var meta = Meta("p", null);
        meta.OwnerReferences = [new V1OwnerReference { Kind = "ReplicaSet", Name = "web", Uid = "rs-uid", Controller = false }];

        Assert.Equal(ClaimDecision.Adopt, ClaimPlanner.Decide(Owner(), meta, matches: true));
    }

    [Fact]
    public void Plan_MixedObjects_SortsThemInOrder()
    {
        V1ObjectMeta[] objects =
        [
            Meta("owned", "rs-uid"), Meta("relabelled", "rs-uid"), Meta("orphan", null), Meta("orphan-db", null),
            Meta("others", "other-uid"), Meta("orphan-going", null, deleting: true), Meta("orphan-2", null),
        ];

        var claim = ClaimPlanner.Plan(Owner(), objects, m => m, m => m.Name is not ("relabelled" or "orphan-db"));

        Assert.Equal(["owned"], claim.Owned.Select(m => m.Name));
        Assert.Equal(["orphan", "orphan-2"], claim.Adopt.Select(m => m.Name));
        Assert.Equal(["relabelled"], claim.Release.Select(m => m.Name));
    }

    [Fact]
    public void ControllerRef_IsTheOwnersKindWithControllerAndBlockOwnerDeletion()
    {
        var reference = Owner().ControllerRef;

        Assert.Equal(("apps/v1", "ReplicaSet", "web", "rs-uid", true, true),
            (reference.ApiVersion, reference.Kind, reference.Name, reference.Uid, reference.Controller, reference.BlockOwnerDeletion));
    }

    public static TheoryData<string, string?, bool, string?> Rechecks => new()
    {
        // case, fresh uid (null: gone), fresh deleting, reason expected to contain (null: may adopt)
        { "still there", "rs-uid", false, null },
        { "gone", null, false, "is gone" },
        { "made again under its name", "new-uid", false, "got uid new-uid, wanted rs-uid" },
        { "being deleted", "rs-uid", true, "has just been deleted" },
    };

    [Theory]
    [MemberData(nameof(Rechecks))]
    public void CannotAdopt_FreshRead_AsUpstreamRecheckDeletionTimestamp(string name, string? freshUid, bool deleting, string? reason)
    {
        var fresh = freshUid is null ? null : new V1ObjectMeta { Name = "web", NamespaceProperty = "shop", Uid = freshUid, DeletionTimestamp = deleting ? Deleted : null };

        var why = ClaimPlanner.CannotAdopt(Owner(), fresh);

        if (reason is null)
        {
            Assert.True(why is null, $"{name}: {why}");
        }
        else
        {
            Assert.True(why?.Contains(reason, StringComparison.Ordinal) == true, $"{name}: {why}");
        }
    }

    internal static ClaimOwner Owner(bool deleting = false) => new(BuiltInKinds.ReplicaSet, "shop", "web", "rs-uid", deleting);

    internal static V1ObjectMeta Meta(string name, string? controllerUid, bool deleting = false, string ns = "shop") => new()
    {
        Name = name,
        NamespaceProperty = ns,
        Uid = "uid-" + name,
        DeletionTimestamp = deleting ? Deleted : null,
        OwnerReferences = controllerUid is null ? null : [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "x", Uid = controllerUid, Controller = true }],
    };
}
