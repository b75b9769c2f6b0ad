using System.Text.Json.Nodes;
using Cluster.Controllers.GarbageCollection;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Jobs;

/// <summary>The controller's writes: pods created and deleted (with their Events), the status, and the expired job's deletion.</summary>
public sealed partial class JobController
{
    /// <summary>Upstream's PodControl.CreatePods: a Warning Event when the registry refuses the pod, a Normal one naming it when it takes it.</summary>
    private Task CreatePodAsync(V1Job job, int? index, CancellationToken ct) =>
        PodControl.CreateAsync(_writer, _events, Reference(job), job.Metadata.NamespaceProperty, JsonNode.Parse(KubernetesJson.Serialize(JobPods.PodFor(job, index)))!.AsObject(), ct);

    /// <summary>A failed delete is no longer expected. Returns the failure (a pod already gone is none).</summary>
    private Task<Exception?> DeletePodAsync(string key, V1Job job, V1Pod pod, CancellationToken ct) =>
        PodControl.DeleteAsync(_writer, _events, Reference(job), pod, () => Expectations.DeletionObserved(key, PodFacts.Key(pod)), ct);

    /// <summary>
    /// Writes the status when it says something new, then records the sync's Events (once the change they tell of is
    /// stored). A 409 means the job changed since it was read: that change enqueues it again. False when not stored.
    /// </summary>
    private async Task<bool> WriteStatusAsync(CachedObject cached, V1Job job, JobPlan plan, CancellationToken ct)
    {
        if (JobPlanner.Differs(job.Status, plan.Status))
        {
            var json = cached.ToJsonObject();
            json["status"] = JsonNode.Parse(KubernetesJson.Serialize(plan.Status));
            try
            {
                await _writer.UpdateStatusAsync(BuiltInKinds.Job, job.Metadata.NamespaceProperty, job.Metadata.Name, json, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                LogStatusConflict(_logger, cached.Key);
                return false;
            }
        }

        foreach (var e in plan.Events)
        {
            _events.Record(Reference(job), e.Type, e.Reason, e.Message);
        }

        return true;
    }

    /// <summary>
    /// Takes the tracking finalizer off each pod (an update of the cached version, so a newer one is not overwritten:
    /// a 409 or a pod gone leaves it to the next sync).
    /// </summary>
    private async Task ReleaseAsync(IReadOnlyList<V1Pod> pods, CancellationToken ct)
    {
        foreach (var pod in pods)
        {
            if (_pods.Get(pod.Metadata.NamespaceProperty, pod.Metadata.Name) is not { } cached || cached.Uid != pod.Metadata.Uid)
            {
                continue;
            }

            var json = cached.ToJsonObject();
            if (!MetadataEdits.RemoveFinalizer(json, JobTracking.Finalizer))
            {
                continue;
            }

            try
            {
                await _writer.UpdateAsync(BuiltInKinds.Pod, pod.Metadata.NamespaceProperty, pod.Metadata.Name, json, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
                LogReleaseRetried(_logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, e.Code);
            }
        }
    }

    /// <summary>The ttlafterfinished part: the finished job is deleted; its pods follow by the garbage collector.</summary>
    private async Task DeleteJobAsync(V1Job job, CancellationToken ct)
    {
        LogExpired(_logger, job.Metadata.NamespaceProperty, job.Metadata.Name);
        await _writer.DeleteAsync(BuiltInKinds.Job, job.Metadata.NamespaceProperty, job.Metadata.Name, ct).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 7903, Level = LogLevel.Debug, Message = "Job {Key}: the status write met a newer version; its sync writes it")]
    private static partial void LogStatusConflict(ILogger logger, string key);

    [LoggerMessage(EventId = 7905, Level = LogLevel.Debug, Message = "Pod {Namespace}/{Name}: its tracking finalizer stays for now ({Code}); a later sync removes it")]
    private static partial void LogReleaseRetried(ILogger logger, string @namespace, string name, int code);

    [LoggerMessage(EventId = 7904, Level = LogLevel.Information, Message = "Job {Namespace}/{Name}: ttlSecondsAfterFinished passed, deleting it")]
    private static partial void LogExpired(ILogger logger, string @namespace, string name);
}
