using Cluster.Controllers.Informers;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Preemption;
using Cluster.Core.Registry;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Scheduling;

/// <summary>
/// The post-filter of a pod that fits nowhere (upstream's DefaultPreemption): decided under the cache lock, where the
/// preemptor is nominated at once so the room its victims free is not given to a less important pod; the writes
/// (victims' DisruptionTarget condition and graceful delete, Preempted events, status.nominatedNodeName) follow
/// outside it. The preemptor waits as unschedulable and is tried again when its victims are gone.
/// </summary>
public sealed partial class Scheduler
{
    /// <summary>What the writes after a post-filter must do.</summary>
    private sealed record PreemptionPlan(string? Node, IReadOnlyList<PodInfo> Victims, IReadOnlyList<PodInfo> Displaced, bool ClearOwnNomination);

    /// <summary>Runs the dry run and updates the nominations; the caller holds the cache lock.</summary>
    private PreemptionPlan? PlanPreemption(PodInfo pod, FitError error)
    {
        var nominated = Cache.NominatedNode(pod.Uid);
        var result = _preemptor.Preempt(pod, error, Cache, Budgets(), nominated);
        if (result.Chosen is { } chosen)
        {
            // Lower-priority pods nominated there lose their claim (upstream's getLowerPriorityNominatedPods).
            var displaced = Cache.NominatedPods(chosen.Node).Where(p => p.Uid != pod.Uid && p.Priority < pod.Priority).ToList();
            foreach (var other in displaced)
            {
                Cache.ClearNomination(other.Uid);
            }

            Cache.Nominate(pod, chosen.Node);
            return new PreemptionPlan(chosen.Node, chosen.Victims.Pods, displaced, false);
        }

        error.PostFilterMessage = "preemption: " + result.Message;
        if (Preemptor.NotEligible(pod, Cache, nominated) is not null)
        {
            // Waiting for its victims to go: the nomination stands.
            return null;
        }

        Cache.ClearNomination(pod.Uid);
        return nominated is not null || !string.IsNullOrEmpty(pod.Pod.Status?.NominatedNodeName) ? new PreemptionPlan(null, [], [], true) : null;
    }

    private async Task CarryOutAsync(PodInfo pod, PreemptionPlan plan, CancellationToken ct)
    {
        foreach (var victim in plan.Victims)
        {
            try
            {
                await _binder.PreemptAsync(victim.Namespace, victim.Name, victim.Uid, _clock.GetUtcNow(), ct).ConfigureAwait(false);
                _events?.Normal(Reference(victim), "Preempted", $"Preempted by pod {pod.Uid} on node {plan.Node}");
                LogPreempted(_logger, victim.Key, pod.Key, plan.Node!);
            }
            catch (ApiException e) when (e.Code == 404 || e.Code == 409)
            {
                // Gone or replaced already: the room is free either way.
            }
        }

        foreach (var other in plan.Displaced)
        {
            await WriteNominationAsync(other, null, ct).ConfigureAwait(false);
        }

        if (plan.Node is not null || plan.ClearOwnNomination)
        {
            await WriteNominationAsync(pod, plan.Node, ct).ConfigureAwait(false);
        }
    }

    private async Task WriteNominationAsync(PodInfo pod, string? node, CancellationToken ct)
    {
        try
        {
            await _binder.NominateAsync(pod.Namespace, pod.Name, node, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The pod may be gone or bound meanwhile; its next cycle decides again.
            LogNominationFailed(_logger, e, pod.Key);
        }
    }

    private List<BudgetView> Budgets() =>
        [.. _informers.For(BuiltInKinds.PodDisruptionBudget).List().Select(b => BudgetView.From(b.As<V1PodDisruptionBudget>()))];

    [LoggerMessage(EventId = 8400, Level = LogLevel.Information, Message = "Preempted pod {Victim} to make room for pod {Preemptor} on node {Node}")]
    private static partial void LogPreempted(ILogger logger, string victim, string preemptor, string node);

    [LoggerMessage(EventId = 8401, Level = LogLevel.Debug, Message = "Writing the nominated node of pod {Pod} failed")]
    private static partial void LogNominationFailed(ILogger logger, Exception e, string pod);
}
