using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Jobs;

/// <summary>A job's new pod from its template (upstream's getPodTemplate and PodControl.CreatePodsWithGenerateName). Pure.</summary>
public static class JobPods
{
    /// <summary>names.MaxGeneratedNameLength: a generated name adds five characters to a 63-character label.</summary>
    private const int MaxGeneratedNameLength = 58;

    /// <summary>
    /// The pod to create: the template's labels, annotations, finalizers and spec, the job as its controller. An
    /// Indexed job's pod carries its <paramref name="index"/> as annotation, label, JOB_COMPLETION_INDEX (from the
    /// annotation) and hostname <c>&lt;job&gt;-&lt;index&gt;</c>, and a name generated from <c>&lt;job&gt;-&lt;index&gt;-</c>.
    /// </summary>
    public static V1Pod PodFor(V1Job job, int? index)
    {
        var template = job.Spec.Template;
        var spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(template.Spec));
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var generateName = job.Metadata.Name + "-";
        if (index is { } i)
        {
            var text = i.ToString(CultureInfo.InvariantCulture);
            annotations[JobFacts.CompletionIndexKey] = text;
            labels[JobFacts.CompletionIndexKey] = text;
            spec.Hostname = job.Metadata.Name + "-" + text;
            generateName = GenerateNameWithIndex(job.Metadata.Name, i);
            foreach (var container in (spec.InitContainers ?? []).Concat(spec.Containers ?? []))
            {
                AddIndexEnv(container);
            }
        }

        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = generateName,
                NamespaceProperty = job.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = annotations.Count > 0 ? annotations : null,
                // The job's own finalizer, so the pod is counted before it can go (JobTracking).
                Finalizers = [.. template.Metadata?.Finalizers ?? [], JobTracking.Finalizer],
                OwnerReferences = [ControllerRef(job)],
            },
            Spec = spec,
        };
    }

    /// <summary>The job as its pods' controller (upstream's NewControllerRef).</summary>
    public static V1OwnerReference ControllerRef(V1Job job) => new()
    {
        ApiVersion = "batch/v1", Kind = "Job", Name = job.Metadata.Name, Uid = job.Metadata.Uid, Controller = true, BlockOwnerDeletion = true,
    };

    /// <summary>upstream's podGenerateNameWithIndex: the job's name shortened so the prefix stays a valid generated name.</summary>
    public static string GenerateNameWithIndex(string job, int index)
    {
        var suffix = "-" + index.ToString(CultureInfo.InvariantCulture) + "-";
        return job.Length + suffix.Length > MaxGeneratedNameLength ? job[..(MaxGeneratedNameLength - suffix.Length)] + suffix : job + suffix;
    }

    /// <summary>
    /// status.completedIndexes as upstream writes it: ascending, runs of three or more as <c>a-b</c>, shorter ones
    /// listed (<c>1,3-5,7,8</c>).
    /// </summary>
    public static string? FormatIndexes(IEnumerable<int> indexes)
    {
        var sorted = indexes.Distinct().Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        for (var start = 0; start < sorted.Count;)
        {
            var end = start;
            while (end + 1 < sorted.Count && sorted[end + 1] == sorted[end] + 1)
            {
                end++;
            }

            text.Append(text.Length > 0 ? "," : "");
            text.Append(end - start >= 2
                ? string.Create(CultureInfo.InvariantCulture, $"{sorted[start]}-{sorted[end]}")
                : string.Join(",", sorted.GetRange(start, end - start + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))));
            start = end + 1;
        }

        return text.ToString();
    }

    private static void AddIndexEnv(V1Container container)
    {
        if (container.Env?.Any(e => e.Name == "JOB_COMPLETION_INDEX") == true)
        {
            return;
        }

        container.Env = [.. container.Env ?? [], new V1EnvVar
        {
            Name = "JOB_COMPLETION_INDEX",
            ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = $"metadata.annotations['{JobFacts.CompletionIndexKey}']" } },
        }];
    }
}
