using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Core.Registry.Strategies;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Resources;

/// <summary>
/// POST pods/{name}/eviction (policy/v1 Eviction): deletes the pod unless the PodDisruptionBudget selecting it allows no
/// more disruptions (429), as upstream's eviction REST: a pod that is pending, finished or already being deleted is
/// deleted without asking; otherwise the one budget that selects it must have been observed by its controller and allow
/// a disruption, which the eviction then spends (disruptionsAllowed - 1, the pod in disruptedPods).
/// </summary>
public sealed partial class ResourceHandlers
{
    private const int MaxDisruptedPods = 2000;
    private const int BudgetConflictRetries = 5;

    private async Task EvictAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var (eviction, _) = await RequestBody.ReadObjectAsync(context.Request, settings.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        if (ObjectMeta.GetString(eviction, "kind") is { Length: > 0 } kind && kind != "Eviction")
        {
            throw ApiException.BadRequest($"the body must be an Eviction, not a {kind}");
        }

        if (ObjectMeta.Name(eviction) is { Length: > 0 } named && named != path.Name)
        {
            throw ApiException.BadRequest("name in URL does not match name in Eviction object");
        }

        var ns = Namespace(path);
        var options = DeleteOptionsOf(eviction["deleteOptions"] as JsonObject, context.Request);
        var pod = (await registry.GetAsync(BuiltInKinds.Pod, ns, path.Name!, null, ct).ConfigureAwait(false)).ToJsonObject();
        Security.Admission.NodeRestriction.For(Security.HttpContextUser.KubernetesUser(context))?.AdmitEviction(pod);
        if (!CanIgnoreBudget(pod))
        {
            await SpendDisruptionAsync(ns, pod, options.DryRun, ct).ConfigureAwait(false);
        }

        await registry.DeleteAsync(BuiltInKinds.Pod, ns, path.Name!, options, ct).ConfigureAwait(false);
        await ResponseWriter.WriteAsync(context, 201, ApiJson.Success(code: 201), ct).ConfigureAwait(false);
    }

    private static bool CanIgnoreBudget(JsonObject pod) =>
        ObjectMeta.GetString(pod["metadata"], "deletionTimestamp") is { Length: > 0 }
        || ObjectMeta.GetString(pod["status"], "phase") is null or "" or "Pending" or "Succeeded" or "Failed";

    private async Task SpendDisruptionAsync(string ns, JsonObject pod, bool dryRun, CancellationToken ct)
    {
        var podName = ObjectMeta.Name(pod);
        var labels = ObjectMeta.Labels(pod);
        for (var attempt = 0; ; attempt++)
        {
            var budgets = (await registry.ListAsync(BuiltInKinds.PodDisruptionBudget, ns, new ListOptions(), ct).ConfigureAwait(false)).Items
                .Select(b => b.ToJsonObject())
                .Where(b => b["spec"]?["selector"] is JsonObject selector && LabelSelectors.Matches(selector, labels))
                .ToList();
            if (budgets.Count == 0)
            {
                return;
            }

            if (budgets.Count > 1)
            {
                throw new ApiException(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            }

            var budget = budgets[0];
            var status = budget["status"] as JsonObject ?? [];
            var name = ObjectMeta.Name(budget);
            if ((Tables.JsonRead.IntOrNull(status, "observedGeneration") ?? 0) < (Tables.JsonRead.IntOrNull(budget["metadata"], "generation") ?? 0))
            {
                throw TooManyRequests($"The disruption budget {name} is still being processed by the server.");
            }

            var allowed = Tables.JsonRead.IntOrNull(status, "disruptionsAllowed") ?? 0;
            if (allowed < 0)
            {
                throw new ApiException(403, "Forbidden", $"pods \"{podName}\" is forbidden: pdb disruptions allowed is negative");
            }

            var disrupted = status["disruptedPods"] as JsonObject ?? [];
            if (disrupted.Count >= MaxDisruptedPods)
            {
                throw new ApiException(403, "Forbidden", $"pods \"{podName}\" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller");
            }

            if (allowed == 0)
            {
                throw TooManyRequests(string.Create(CultureInfo.InvariantCulture,
                    $"The disruption budget {name} needs {Tables.JsonRead.IntOrNull(status, "desiredHealthy") ?? 0} healthy pods and has {Tables.JsonRead.IntOrNull(status, "currentHealthy") ?? 0} currently"));
            }

            status["disruptionsAllowed"] = allowed - 1;
            disrupted[podName] = ObjectMeta.Timestamp(clock.GetUtcNow());
            status["disruptedPods"] = disrupted;
            budget["status"] = status;
            try
            {
                // The budget's resourceVersion is the precondition: two evictions cannot both spend its last disruption.
                await registry.UpdateAsync(BuiltInKinds.PodDisruptionBudget, ns, name, budget, "status", new WriteOptions(DryRun: dryRun), ct).ConfigureAwait(false);
                return;
            }
            catch (ApiException e) when (e.Code == 409 && attempt < BudgetConflictRetries)
            {
            }
        }
    }

    private static ApiException TooManyRequests(string cause) =>
        new(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
            new StatusDetails(null, null, null, Causes: [new StatusCause("DisruptionBudget", cause)]));
}
