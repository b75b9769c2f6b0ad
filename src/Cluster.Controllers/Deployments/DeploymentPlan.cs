using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>What one sync of a deployment does, in order; the controller carries the actions out and stops at the first failure.</summary>
/// <param name="RequeueAfter">Sync again after this long (the progress deadline's remaining time) even if nothing changes.</param>
/// <param name="Adopts">Whether a write adopts an orphan ReplicaSet: the deployment is read fresh first (upstream's RecheckDeletionTimestamp).</param>
public sealed record DeploymentPlan(IReadOnlyList<DeploymentAction> Actions, TimeSpan? RequeueAfter, bool Adopts = false);

/// <summary>An Event about the deployment, recorded once the write it reports has succeeded.</summary>
public sealed record PlannedEvent(string Type, string Reason, string Message)
{
    public static PlannedEvent Scaling(string message) => new("Normal", "ScalingReplicaSet", message);
}

public abstract record DeploymentAction;

/// <summary>Create the deployment's new ReplicaSet.</summary>
public sealed record CreateReplicaSet(V1ReplicaSet ReplicaSet, IReadOnlyList<PlannedEvent> Events) : DeploymentAction;

/// <summary>
/// Replace what the deployment controls of a ReplicaSet: spec.replicas, spec.minReadySeconds, annotations and
/// ownerReferences (a scale, an annotation sync, an adoption or a release), as <paramref name="ReplicaSet"/> has them.
/// </summary>
public sealed record UpdateReplicaSet(V1ReplicaSet ReplicaSet, IReadOnlyList<PlannedEvent> Events) : DeploymentAction;

/// <summary>Delete an old ReplicaSet beyond the revision history limit.</summary>
public sealed record DeleteReplicaSet(string Name) : DeploymentAction;

/// <summary>Set the deployment's revision annotation (upstream writes it along with status; here status writes cannot change metadata).</summary>
public sealed record SetDeploymentRevision(string Revision) : DeploymentAction;

/// <summary>Write the deployment's status (the status subresource).</summary>
public sealed record WriteDeploymentStatus(V1DeploymentStatus Status) : DeploymentAction;

public sealed record RecordEvent(PlannedEvent Event) : DeploymentAction;
