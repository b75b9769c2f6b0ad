using System.Text;
using Cluster.Controllers.Framework;
using Cluster.Controllers.PodGarbageCollection;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The podgc controller on a node's real registry and a fake clock: the pods of a node that is gone go after the quarantine.</summary>
public sealed class PodGarbageCollectorTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly FailureLog _log = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ControllerTestHost _host = null!;
    private ReconcileLoop _loop = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("podgc-node");
        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"lost"},"spec":{"nodeName":"ghost","containers":[{"name":"app","image":"simulated"}]}}""");
        await _host.CreateAsync(BuiltInKinds.Pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"kept"},"spec":{"nodeName":"podgc-node","containers":[{"name":"app","image":"simulated"}]}}""");
        var collector = new PodGarbageCollector(_host.Informers, new RegistryWriter(Registry, PodGarbageCollector.Component), terminatedPodThreshold: 12500, _clock, _log);
        _loop = new ReconcileLoop(collector, workers: 1, _clock, _log);
        collector.Watch(_loop);
        await _host.RunAsync(_loop);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PodOfAMissingNode_DeletedOnceTheQuarantinePassed_OthersKept()
    {
        await UntilAsync(() => _loop.Stats.Reconciles >= 1, "the first sweep");
        _clock.Advance(PodGarbageCollector.CheckPeriod);
        await UntilAsync(() => _loop.Stats.Reconciles >= 2, "the second sweep");
        Assert.NotNull(Pod("lost")); // missing for 20 s: still in quarantine

        _clock.Advance(PodGarbageCollector.CheckPeriod);
        await UntilAsync(() => Pod("lost") is null, "the orphan deleted");
        Assert.NotNull(Pod("kept"));
        Assert.Equal(0, _loop.Stats.Failures);
    }

    private V1Pod? Pod(string name) =>
        Registry.Cache(BuiltInKinds.Pod).Get("default", name) is { } cached ? KubernetesJson.Deserialize<V1Pod>(Encoding.UTF8.GetString(cached.Json)) : null;

    private async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"never reached: {what}; podgc: {_loop.Stats}; last failure: {_log.Last}");
            }

            await Task.Delay(25);
        }
    }
}
