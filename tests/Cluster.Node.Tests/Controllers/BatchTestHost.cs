using System.Text;
using System.Text.Json.Nodes;
using Cluster.Controllers.CronJobs;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Jobs;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// The job and cronjob controllers on a node's real registry and a fake clock (whole seconds, as the registry's
/// timestamps): the test plays the kubelet, writing the pods' (and, for CronJobs alone, the Jobs') status.
/// </summary>
internal sealed class BatchTestHost : IAsyncDisposable
{
    public const string Ns = "default";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly ControllerTestHost _host;
    private readonly EventRecorder _events;
    private readonly List<ReconcileLoop> _loops = [];

    private BatchTestHost(ControllerTestHost host)
    {
        _host = host;
        _events = new EventRecorder(new RegistryEventSink(Registry), "batch-tests", null, Clock, Log);
        _events.Start();
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public FailureLog Log { get; } = new();

    public ResourceRegistry Registry => _host.Registry;

    public static async Task<BatchTestHost> StartAsync(string node, bool jobs, bool cronJobs)
    {
        var test = new BatchTestHost(await ControllerTestHost.StartAsync(node));
        if (jobs)
        {
            var controller = new JobController(test._host.Informers, new RegistryWriter(test.Registry, "job-controller"), test._events, test.Clock, test.Log);
            test._loops.Add(new ReconcileLoop(controller, workers: 2, test.Clock, test.Log));
            controller.Watch(test._loops[^1]);
        }

        if (cronJobs)
        {
            var controller = new CronJobController(test._host.Informers, new RegistryWriter(test.Registry, "cronjob-controller"), test._events, test.Clock, test.Log);
            test._loops.Add(new ReconcileLoop(controller, workers: 2, test.Clock, test.Log));
            controller.Watch(test._loops[^1]);
        }

        await test._host.RunAsync([.. test._loops]);
        return test;
    }

    public Task CreateAsync(ResourceKind kind, string json) => _host.CreateAsync(kind, json);

    public Task UntilInformedAsync(ResourceKind kind, string name) => _host.UntilInformedAsync(kind, name);

    public T? Get<T>(ResourceKind kind, string name)
        where T : class =>
        Registry.Cache(kind).Get(Ns, name) is { } cached ? Parse<T>(cached) : null;

    public List<V1Pod> PodsOf(string job) =>
        [.. Registry.Cache(BuiltInKinds.Pod).List(Ns).Items.Select(Parse<V1Pod>)
            .Where(p => p.Metadata.Labels is { } labels && labels.TryGetValue("batch.kubernetes.io/job-name", out var name) && name == job)
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)];

    public List<V1Job> Jobs() => [.. Registry.Cache(BuiltInKinds.Job).List(Ns).Items.Select(Parse<V1Job>).OrderBy(j => j.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>What the pod's kubelet reports when its container exits: Succeeded (exit 0) or Failed (exit 1), finished now.</summary>
    public Task FinishPodAsync(string pod, bool succeeded)
    {
        var now = ObjectMeta.Timestamp(Clock.GetUtcNow());
        var terminated = new JsonObject { ["exitCode"] = succeeded ? 0 : 1, ["startedAt"] = now, ["finishedAt"] = now };
        var container = new JsonObject
        {
            ["name"] = "main", ["image"] = "busybox", ["imageID"] = "", ["ready"] = false, ["restartCount"] = 0,
            ["state"] = new JsonObject { ["terminated"] = terminated },
        };
        var status = new JsonObject { ["phase"] = succeeded ? "Succeeded" : "Failed", ["containerStatuses"] = new JsonArray(container) };
        return Registry.PatchAsync(BuiltInKinds.Pod, Ns, pod, PatchType.Merge, new JsonObject { ["status"] = status }, "status", WriteOptions.Default, CancellationToken.None);
    }

    /// <summary>What the job controller would write once the Job is done: started and completed now, Complete (or Failed).</summary>
    public Task FinishJobAsync(string job, bool succeeded)
    {
        var now = ObjectMeta.Timestamp(Clock.GetUtcNow());
        var type = succeeded ? "Complete" : "Failed";
        var status = JsonNode.Parse($$"""
            {"startTime":"{{now}}",{{(succeeded ? $"\"completionTime\":\"{now}\"," : "")}}
             "conditions":[{"type":"{{type}}","status":"True","lastTransitionTime":"{{now}}"}]}
            """)!;
        return Registry.PatchAsync(BuiltInKinds.Job, Ns, job, PatchType.Merge, new JsonObject { ["status"] = status }, "status", WriteOptions.Default, CancellationToken.None);
    }

    public async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"never reached: {what}; controllers: {string.Join(", ", _loops.Select(l => l.Stats))}; last failure: {Log.Last}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>The Events of <paramref name="reason"/> about <paramref name="name"/>.</summary>
    public List<Corev1Event> Events(string name, string reason) =>
        [.. Registry.Cache(BuiltInKinds.Event).List(Ns).Items.Select(Parse<Corev1Event>).Where(e => e.InvolvedObject?.Name == name && e.Reason == reason)];

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _events.DisposeAsync();
    }

    private static T Parse<T>(CachedObject obj) => KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(obj.Json));
}
