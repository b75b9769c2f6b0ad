using Cluster.Controllers.Jobs;
using static Cluster.Controllers.Tests.Jobs.JobFixtures;

namespace Cluster.Controllers.Tests.Jobs;

public sealed class JobPodsSpec
{
    [Fact]
    public void PodFor_NonIndexed_TemplateLabelsAndTheJobAsController()
    {
        var pod = JobPods.PodFor(Job(), null);

        Assert.Equal("pi-", pod.Metadata.GenerateName);
        Assert.Equal("job-uid", pod.Metadata.Labels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal("pi", pod.Metadata.Labels["batch.kubernetes.io/job-name"]);
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("batch/v1", "Job", "pi", "job-uid", true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Null(pod.Spec.Hostname);
        Assert.Null(pod.Spec.Containers[0].Env);
    }

    [Fact]
    public void PodFor_Indexed_IndexAnnotationLabelEnvAndHostname_TemplateUntouched()
    {
        var job = Job(completions: 3, indexed: true);

        var pod = JobPods.PodFor(job, 2);

        Assert.Equal("pi-2-", pod.Metadata.GenerateName);
        Assert.Equal("2", pod.Metadata.Annotations[JobFacts.CompletionIndexKey]);
        Assert.Equal("2", pod.Metadata.Labels[JobFacts.CompletionIndexKey]);
        Assert.Equal("pi-2", pod.Spec.Hostname);
        var env = Assert.Single(pod.Spec.Containers[0].Env);
        Assert.Equal(("JOB_COMPLETION_INDEX", "metadata.annotations['batch.kubernetes.io/job-completion-index']"), (env.Name, env.ValueFrom.FieldRef.FieldPath));
        Assert.Null(job.Spec.Template.Spec.Containers[0].Env);
        Assert.Equal(2, JobFacts.CompletionIndex(pod));
    }

    [Fact]
    public void GenerateNameWithIndex_LongName_ShortenedTo58()
    {
        var name = JobPods.GenerateNameWithIndex(new string('a', 60), 12);

        Assert.Equal(58, name.Length);
        Assert.EndsWith("a-12-", name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new int[0], null)]
    [InlineData(new[] { 0 }, "0")]
    [InlineData(new[] { 3, 1, 4, 5, 7, 8 }, "1,3-5,7,8")]
    [InlineData(new[] { 0, 1, 2, 3, 9 }, "0-3,9")]
    public void FormatIndexes_Ascending_RunsOfThreeAsRanges(int[] indexes, string? expected) =>
        Assert.Equal(expected, JobPods.FormatIndexes(indexes));
}
