using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission.PodSecurity;

/// <summary>
/// Upstream's built-in PodSecurity admission plugin (the Pod Security Standards), with no exemptions configured and
/// privileged:latest as every mode's default. The namespace's labels choose the policy: <c>enforce</c> refuses a pod
/// that violates it (403); <c>warn</c> answers a warning; <c>audit</c> leaves an audit annotation. Workloads with a
/// pod template are never refused, only warned about and audited, so a Deployment can be fixed after the fact.
/// </summary>
public static partial class PodSecurityAdmission
{
    /// <summary>Audit annotation: what the audit level would refuse.</summary>
    public const string AuditViolationsAnnotation = NamespacePolicy.Prefix + "audit-violations";

    /// <summary>Audit annotation: the enforce level a pod was checked against.</summary>
    public const string EnforcePolicyAnnotation = NamespacePolicy.Prefix + "enforce-policy";

    /// <summary>Audit annotation: the namespace's labels did not parse.</summary>
    public const string ErrorAnnotation = NamespacePolicy.Prefix + "error";

    /// <summary>Pods and the kinds that carry a pod template (upstream's default pod spec extractor).</summary>
    public static bool Covers(ResourceKind kind) =>
        kind == BuiltInKinds.Pod || kind == BuiltInKinds.PodTemplate || kind == BuiltInKinds.ReplicationController
        || kind == BuiltInKinds.ReplicaSet || kind == BuiltInKinds.Deployment || kind == BuiltInKinds.DaemonSet
        || kind == BuiltInKinds.StatefulSet || kind == BuiltInKinds.Job || kind == BuiltInKinds.CronJob;

    /// <summary>
    /// Whether a write of <paramref name="kind"/> under these namespace labels can come to anything, before the written
    /// object is worked out: a pod unless every mode is privileged; a workload only when someone hears its warnings.
    /// </summary>
    public static bool Evaluates(ResourceKind kind, IReadOnlyDictionary<string, string> namespaceLabels, AdmissionNotes? notes)
    {
        var (policy, errors) = NamespacePolicy.FromLabels(namespaceLabels);
        return kind == BuiltInKinds.Pod ? errors.Count > 0 || !policy.FullyPrivileged : WorkloadHeard(policy, errors, notes);
    }

    /// <summary>A workload is only warned about and audited: worth evaluating when someone listens and a mode asks for it.</summary>
    private static bool WorkloadHeard(NamespacePolicy policy, IReadOnlyList<StatusCause> errors, AdmissionNotes? notes) =>
        notes is not null && (errors.Count > 0 || policy.Warn.Level != PodSecurityLevel.Privileged || policy.Audit.Level != PodSecurityLevel.Privileged);

    /// <summary>
    /// Admits a pod or workload create (<paramref name="old"/> null) or update: throws 403 for a pod that violates the
    /// enforce level; warnings and audit annotations go to <paramref name="notes"/>.
    /// </summary>
    public static void Validate(ResourceKind kind, JsonObject obj, JsonObject? old, IReadOnlyDictionary<string, string> namespaceLabels, AdmissionNotes? notes)
    {
        if (!Covers(kind))
        {
            return;
        }

        var (policy, errors) = NamespacePolicy.FromLabels(namespaceLabels);
        if (kind == BuiltInKinds.Pod)
        {
            if (errors.Count == 0 && policy.FullyPrivileged)
            {
                notes?.Annotate(EnforcePolicyAnnotation, LevelVersion.PrivilegedLatest.ToString());
                return;
            }

            // A pod's spec is all but immutable: only a new image or ephemeral container can change the verdict.
            if (old is null || IsSignificantPodUpdate(obj, old))
            {
                Evaluate(policy, errors, PodOf(obj), notes, refused: obj);
            }

            return;
        }

        if (WorkloadHeard(policy, errors, notes) && TemplateOf(kind, obj) is { } template)
        {
            Evaluate(policy, errors, template, notes, refused: null);
        }
    }

    /// <summary>
    /// Upstream's EvaluatePod: the enforce level (pods only: <paramref name="refused"/> is the pod a violation refuses),
    /// then audit, then warn (not for a refused pod), each level evaluated once.
    /// </summary>
    private static void Evaluate(NamespacePolicy policy, IReadOnlyList<StatusCause> errors, PodView pod, AdmissionNotes? notes, JsonObject? refused)
    {
        if (errors.Count > 0)
        {
            notes?.Annotate(ErrorAnnotation, "Failed to parse policy: " + NamespacePolicy.Describe(errors));
        }

        var results = new Dictionary<PodSecurityLevel, PodSecurityResult>();
        PodSecurityResult ResultAt(LevelVersion level)
        {
            if (!results.TryGetValue(level.Level, out var result))
            {
                result = results[level.Level] = PodSecurityEvaluator.Evaluate(level.Level, pod);
            }

            return result;
        }

        ApiException? refusal = null;
        if (refused is not null)
        {
            notes?.Annotate(EnforcePolicyAnnotation, policy.Enforce.ToString());
            var enforced = ResultAt(policy.Enforce);
            if (!enforced.Allowed)
            {
                refusal = ResourceQuotaAdmission.Forbidden(BuiltInKinds.Pod, refused, $"violates PodSecurity \"{policy.Enforce}\": {enforced.ForbiddenDetail}");
            }
        }

        if (notes is null)
        {
            if (refusal is not null)
            {
                throw refusal;
            }

            return;
        }

        var audited = ResultAt(policy.Audit);
        if (!audited.Allowed)
        {
            notes.Annotate(AuditViolationsAnnotation, $"would violate PodSecurity \"{policy.Audit}\": {audited.ForbiddenDetail}");
        }

        if (refusal is not null)
        {
            throw refusal;
        }

        var warned = ResultAt(policy.Warn);
        if (!warned.Allowed)
        {
            notes.Warn($"would violate PodSecurity \"{policy.Warn}\": {warned.ForbiddenDetail}");
        }
    }

    internal static PodView PodOf(JsonObject pod) => new(JsonFields.Obj(pod, "metadata"), JsonFields.Obj(pod, "spec") ?? []);

    /// <summary>A workload's pod template; null when a ReplicationController has none (its template is optional).</summary>
    internal static PodView? TemplateOf(ResourceKind kind, JsonObject obj)
    {
        var spec = JsonFields.Obj(obj, "spec");
        var template = kind == BuiltInKinds.PodTemplate ? JsonFields.Obj(obj, "template")
            : kind == BuiltInKinds.CronJob ? JsonFields.Obj(JsonFields.Obj(JsonFields.Obj(spec, "jobTemplate"), "spec"), "template")
            : JsonFields.Obj(spec, "template");
        return template is null && kind == BuiltInKinds.ReplicationController
            ? null
            : new PodView(JsonFields.Obj(template, "metadata"), JsonFields.Obj(template, "spec") ?? []);
    }

    /// <summary>Upstream's isSignificantPodUpdate: containers added or removed, an image changed, an ephemeral container added or changed.</summary>
    internal static bool IsSignificantPodUpdate(JsonObject pod, JsonObject old)
    {
        var spec = JsonFields.Obj(pod, "spec");
        var oldSpec = JsonFields.Obj(old, "spec");
        foreach (var list in (ReadOnlySpan<string>)["containers", "initContainers"])
        {
            var now = JsonFields.Items(JsonFields.Arr(spec, list)).Select(i => i.Item).ToList();
            var before = JsonFields.Items(JsonFields.Arr(oldSpec, list)).Select(i => i.Item).ToList();
            if (now.Count != before.Count || now.Zip(before).Any(p => JsonFields.Str(p.First, "image") != JsonFields.Str(p.Second, "image")))
            {
                return true;
            }
        }

        var oldEphemeral = JsonFields.Items(JsonFields.Arr(oldSpec, "ephemeralContainers")).Select(i => i.Item).ToList();
        return JsonFields.Items(JsonFields.Arr(spec, "ephemeralContainers")).Any(e =>
            oldEphemeral.FirstOrDefault(o => PodView.NameOf(o) == PodView.NameOf(e.Item)) is not { } before
            || JsonFields.Str(before, "image") != JsonFields.Str(e.Item, "image"));
    }
}
