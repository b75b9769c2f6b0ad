using System.Text.Json.Nodes;
using Cluster.Controllers.Events;
using Cluster.Core.Registry;
using k8s.Models;

namespace Cluster.Controllers.Writes;

/// <summary>
/// Upstream's PodControl: a controller's pod creates and deletes through the registry, each told as an Event on the
/// controller's object, shared by the ReplicaSet, DaemonSet and Job controllers.
/// </summary>
public static class PodControl
{
    /// <summary>CreatePods: a Warning Event when the registry refuses the pod (rethrown), a Normal one naming it when it takes it.</summary>
    public static async Task CreateAsync(IObjectWriter writer, EventRecorder events, V1ObjectReference owner, string ns, JsonObject pod, CancellationToken ct)
    {
        JsonObject created;
        try
        {
            created = await writer.CreateAsync(BuiltInKinds.Pod, ns, pod, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            events.Warning(owner, "FailedCreate", "Error creating: " + e.Message);
            throw;
        }

        events.Normal(owner, "SuccessfulCreate", "Created pod: " + ObjectMeta.Name(created));
    }

    /// <summary>
    /// DeletePod. <paramref name="notDeleted"/> runs when this delete will never be observed (the pod was already gone,
    /// or the delete failed), so the caller's expectations stop waiting for it. Returns the failure, if any.
    /// </summary>
    public static async Task<Exception?> DeleteAsync(IObjectWriter writer, EventRecorder events, V1ObjectReference owner, V1Pod pod, Action notDeleted, CancellationToken ct)
    {
        try
        {
            if (await writer.DeleteAsync(BuiltInKinds.Pod, pod.Metadata.NamespaceProperty, pod.Metadata.Name, ct).ConfigureAwait(false))
            {
                events.Normal(owner, "SuccessfulDelete", "Deleted pod: " + pod.Metadata.Name);
                return null;
            }

            notDeleted();
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            notDeleted();
            events.Warning(owner, "FailedDelete", "Error deleting: " + e.Message);
            return e;
        }
    }
}
