using System.Text.Json.Nodes;
using Cluster.Controllers.Ownership;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Selectors;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>
/// One sync of a deployment (upstream's DeploymentController.syncDeployment with sync.go, rolling.go, recreate.go and
/// progress.go) as a plan: given the deployment, the ReplicaSets and pods of its namespace and the time, the writes
/// upstream would make, in its order. Each planned write is applied to the planner's own copies at once, so later
/// steps see it as upstream sees the object its write returned; several writes to one ReplicaSet become one.
/// Upstream's several status writes in a sync become the one status write at the end. Pure: no clock, no I/O.
/// </summary>
public sealed partial class DeploymentPlanner
{
    private readonly V1Deployment _d;
    private readonly V1DeploymentStatus _observed;
    private readonly DateTimeOffset _now;
    private readonly DateTime _stamp;
    private readonly IEnumerable<V1Pod> _pods;
    private readonly Dictionary<string, V1ReplicaSet> _byName;
    private readonly List<V1ReplicaSet> _owned = [];
    private readonly List<DeploymentAction> _actions = [];
    private V1ReplicaSet? _new;
    private List<V1ReplicaSet> _old = [];
    private bool _resolved;
    private bool _collided;
    private bool _adopts;
    private TimeSpan? _requeue;

    private DeploymentPlanner(V1Deployment d, IEnumerable<V1ReplicaSet> replicaSets, IEnumerable<V1Pod> pods, DateTimeOffset now)
    {
        _d = Clone(d);
        _d.Status ??= new V1DeploymentStatus();
        _observed = Clone(_d.Status);
        _now = now;
        // Conditions are stored to the second (metav1.Time): stamping them so keeps an unchanged status equal to the stored one.
        _stamp = new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        _pods = pods;
        _byName = replicaSets.ToDictionary(rs => rs.Metadata.Name, StringComparer.Ordinal);
    }

    /// <summary>
    /// Plans the sync of <paramref name="deployment"/> over the ReplicaSets and pods of its namespace (pods are read
    /// only by a Recreate rollout, so a lazy sequence costs nothing otherwise).
    /// </summary>
    public static DeploymentPlan Plan(V1Deployment deployment, IEnumerable<V1ReplicaSet> replicaSets, IEnumerable<V1Pod> pods, DateTimeOffset now)
    {
        var planner = new DeploymentPlanner(deployment, replicaSets, pods, now);
        planner.Sync();
        if (planner._collided)
        {
            // Upstream's AlreadyExists that is not its own: the next sync names the ReplicaSet with the raised count.
            planner._actions.Add(new WriteDeploymentStatus(Clone(planner._d.Status)));
        }

        return new DeploymentPlan(planner._actions, planner._requeue, planner._adopts);
    }

    private void Sync()
    {
        if (_d.Spec.Selector is not { } selector || ((selector.MatchLabels?.Count ?? 0) + (selector.MatchExpressions?.Count ?? 0)) == 0)
        {
            _actions.Add(new RecordEvent(new PlannedEvent("Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.")));
            if ((_d.Status.ObservedGeneration ?? 0) < (_d.Metadata.Generation ?? 0))
            {
                _d.Status.ObservedGeneration = _d.Metadata.Generation;
                _actions.Add(new WriteDeploymentStatus(Clone(_d.Status)));
            }

            return;
        }

        Claim(Selector(selector));
        if (_d.Metadata.DeletionTimestamp is not null)
        {
            var (newRS, oldRSs) = GetAll(create: false);
            WriteStatusIfChanged(CalculateStatus([.. oldRSs, newRS], newRS));
            return;
        }

        CheckPausedConditions();
        if (_d.Spec.Paused == true || IsScalingEvent())
        {
            SyncScale();
            return;
        }

        if (Fenceposts.IsRollingUpdate(_d))
        {
            RolloutRolling();
        }
        else
        {
            RolloutRecreate();
        }
    }

    /// <summary>
    /// The namespace's ReplicaSets this deployment controls (ClaimReplicaSets, with the shared
    /// <see cref="ClaimPlanner"/>'s decisions): its own that its selector still matches, and orphans it matches,
    /// adopted; its own it no longer matches are released. The writes are planned like the sync's others (an
    /// adoption and a scale of one ReplicaSet become one write); the controller re-checks the deployment before
    /// carrying out a plan that adopts.
    /// </summary>
    private void Claim(LabelSelector selector)
    {
        var owner = ClaimOwner.Of(BuiltInKinds.Deployment, _d.Metadata);
        var replicaSets = _byName.Values.OrderBy(rs => rs.Metadata.Name, StringComparer.Ordinal);
        var claim = ClaimPlanner.Plan(owner, replicaSets, rs => rs.Metadata, rs => selector.Matches(rs.Metadata.Labels?.AsReadOnly() ?? Empty));
        _owned.AddRange(claim.Owned.Select(Clone));
        foreach (var rs in claim.Release)
        {
            var released = Clone(rs);
            released.Metadata.OwnerReferences = [.. released.Metadata.OwnerReferences.Where(o => o.Uid != owner.Uid)];
            Write(released);
        }

        foreach (var rs in claim.Adopt)
        {
            var adopted = Clone(rs);
            adopted.Metadata.OwnerReferences = [.. adopted.Metadata.OwnerReferences ?? [], owner.ControllerRef];
            Write(adopted);
            _owned.Add(adopted);
        }

        _adopts = claim.Adopt.Count > 0;
    }

    /// <summary>Plans a write of <paramref name="rs"/> as it now is, folded into an earlier write of it in this plan.</summary>
    private void Write(V1ReplicaSet rs, PlannedEvent? e = null)
    {
        var name = rs.Metadata.Name;
        var earlier = _actions.FindIndex(a => (a as CreateReplicaSet)?.ReplicaSet.Metadata.Name == name || (a as UpdateReplicaSet)?.ReplicaSet.Metadata.Name == name);
        var events = new List<PlannedEvent>();
        var create = false;
        if (earlier >= 0)
        {
            (create, var before) = _actions[earlier] switch
            {
                CreateReplicaSet c => (true, c.Events),
                UpdateReplicaSet u => (false, u.Events),
                _ => (false, []),
            };
            events.AddRange(before);
            _actions.RemoveAt(earlier);
        }

        if (e is not null)
        {
            events.Add(e);
        }

        _actions.Add(create ? new CreateReplicaSet(Clone(rs), events) : new UpdateReplicaSet(Clone(rs), events));
    }

    private V1DeploymentCondition Condition(string type, string status, string reason, string message) => DeploymentConditions.New(type, status, reason, message, _stamp);

    private V1OwnerReference ControllerRef() => ClaimOwner.Of(BuiltInKinds.Deployment, _d.Metadata).ControllerRef;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>The deployment's label selector in the registry's terms.</summary>
    public static LabelSelector Selector(V1LabelSelector selector) =>
        LabelSelector.TryFromJson(JsonNode.Parse(KubernetesJson.Serialize(selector)), out var parsed, out _) ? parsed : LabelSelector.Nothing;

    private static T Clone<T>(T obj) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(obj));
}
