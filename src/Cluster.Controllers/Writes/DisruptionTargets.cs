using Cluster.Controllers.NodeLifecycle;
using k8s.Models;

namespace Cluster.Controllers.Writes;

/// <summary>The DisruptionTarget pod condition controllers set before they delete a pod, so its owners and budget see why it went.</summary>
public static class DisruptionTargets
{
    public const string Condition = "DisruptionTarget";

    /// <summary>Upstream's UpdatePodCondition with the DisruptionTarget condition; false when the pod already has it as given.</summary>
    public static bool Mark(V1Pod pod, string reason, string message, DateTimeOffset now)
    {
        pod.Status ??= new V1PodStatus();
        pod.Status.Conditions ??= [];
        var existing = pod.Status.Conditions.FirstOrDefault(c => c.Type == Condition);
        if (existing?.Status == "True" && existing.Reason == reason && existing.Message == message)
        {
            return false;
        }

        var condition = new V1PodCondition { Type = Condition, Status = "True", Reason = reason, Message = message, LastTransitionTime = NodeConditions.Seconds(now) };
        if (existing is not null)
        {
            condition.LastTransitionTime = existing.Status == "True" ? existing.LastTransitionTime : condition.LastTransitionTime;
            pod.Status.Conditions.Remove(existing);
        }

        pod.Status.Conditions.Add(condition);
        return true;
    }
}
