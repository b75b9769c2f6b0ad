using System.Collections.Concurrent;
using Cluster.Controllers.Events;
using Cluster.Core.Registry;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.Events;

public sealed class EventRecorderSpec
{
    private static readonly V1ObjectReference Rs = new() { Kind = "ReplicaSet", NamespaceProperty = "shop", Name = "web-5d8f", Uid = "uid-rs", ApiVersion = "apps/v1" };
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly Sink _sink = new();

    [Fact]
    public async Task Record_SameEventThreeTimes_OneEventWithCountThree()
    {
        await using (var recorder = Started())
        {
            recorder.Normal(Rs, "SuccessfulCreate", "Created pod: web-5d8f-abcde");
            _clock.Advance(TimeSpan.FromSeconds(5));
            recorder.Normal(Rs, "SuccessfulCreate", "Created pod: web-5d8f-abcde");
            _clock.Advance(TimeSpan.FromSeconds(5));
            recorder.Normal(Rs, "SuccessfulCreate", "Created pod: web-5d8f-abcde");
        }

        var created = Assert.Single(_sink.Created);
        Assert.Equal(("shop", "Normal", "SuccessfulCreate", "ReplicaSet", "web-5d8f", "replicaset-controller"), (created.Metadata.NamespaceProperty, created.Type, created.Reason, created.InvolvedObject.Kind, created.InvolvedObject.Name, created.Source.Component));
        Assert.StartsWith("web-5d8f.", created.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(
            [(created.Metadata.Name, 2, _clock.GetUtcNow().AddSeconds(-5)), (created.Metadata.Name, 3, _clock.GetUtcNow())],
            _sink.Counted.Select(c => (c.Name, c.Count, c.Last)));
    }

    [Fact]
    public async Task Record_DifferentMessagesAtOneInstant_TwoEventsWithDistinctNames()
    {
        await using (var recorder = Started())
        {
            recorder.Warning(Rs, "FailedCreate", "exceeded quota: compute, requested: pods=1");
            recorder.Warning(Rs, "FailedCreate", "exceeded quota: compute, requested: pods=2");
        }

        Assert.Equal(2, _sink.Created.Count);
        Assert.Equal(2, _sink.Created.Select(e => e.Metadata.Name).Distinct().Count());
        Assert.Empty(_sink.Counted);
    }

    [Fact]
    public async Task Record_FirstEventGoneBeforeItsRepeat_ANewEventStartsAtOne()
    {
        await using (var recorder = Started())
        {
            recorder.Normal(Rs, "ScalingReplicaSet", "Scaled up to 3");
            await Until(() => _sink.Created.Count == 1);
            _sink.Deleted.Add(_sink.Created.Single().Metadata.Name);
            recorder.Normal(Rs, "ScalingReplicaSet", "Scaled up to 3");
        }

        Assert.Equal(2, _sink.Created.Count);
        Assert.Equal(1, _sink.Created.Last().Count);
    }

    [Fact]
    public async Task Record_MoreDistinctEventsThanRemembered_TheOldestRepeatStartsANewEvent()
    {
        await using (var recorder = Started(remembered: 2))
        {
            recorder.Normal(Rs, "A", "a");
            recorder.Normal(Rs, "B", "b");
            recorder.Normal(Rs, "C", "c");
            recorder.Normal(Rs, "C", "c");
            recorder.Normal(Rs, "A", "a");
        }

        Assert.Equal(["A", "B", "C", "A"], _sink.Created.Select(e => e.Reason));
        Assert.Equal([2], _sink.Counted.Select(c => c.Count));
    }

    [Fact]
    public async Task Record_WriterStuck_CallerNeverBlocks_OverflowDropped()
    {
        _sink.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = Started();
        for (var i = 0; i < EventRecorder.QueueCapacity + 50; i++)
        {
            // One object each: the correlator's limits per object stay out of this.
            recorder.Normal(new V1ObjectReference { Kind = "Pod", NamespaceProperty = "shop", Name = "p" + i }, "Burst", "event " + i);
        }

        _sink.Gate.SetResult();
        await recorder.DisposeAsync();

        // The writer held one event when the queue filled: at most capacity + 1 were written, and the first ones were.
        Assert.InRange(_sink.Created.Count, EventRecorder.QueueCapacity, EventRecorder.QueueCapacity + 1);
        Assert.Equal("event 0", _sink.Created[0].Message);
    }

    [Fact]
    public async Task Record_TenthSimilarEventAboutAnObject_CombinedEventCountsTheRest()
    {
        await using (var recorder = Started())
        {
            for (var i = 0; i < 12; i++)
            {
                recorder.Normal(Rs, "SuccessfulCreate", "Created pod: web-5d8f-" + i);
            }
        }

        // Upstream's aggregator: nine distinct messages are written as they are, the tenth opens a combined Event.
        Assert.Equal(10, _sink.Created.Count);
        Assert.All(_sink.Created.Take(9), e => Assert.DoesNotContain("combined", e.Message, StringComparison.Ordinal));
        var combined = _sink.Created[9];
        Assert.Equal("(combined from similar events): Created pod: web-5d8f-9", combined.Message);
        Assert.Equal([(combined.Metadata.Name, 2), (combined.Metadata.Name, 3)], _sink.Counted.Select(c => (c.Name, c.Count)));
    }

    [Fact]
    public async Task Record_MoreThanTheBurstAboutOneObject_RestSkippedUntilATokenRefills()
    {
        var recorder = Started();
        for (var i = 0; i < 30; i++)
        {
            recorder.Normal(Rs, "SuccessfulCreate", "Created pod: web-5d8f-" + i);
        }

        await Until(() => recorder.Writes + recorder.Skipped == 30);

        // 25 writes (9 Events, the combined one, 15 counts), then the burst is spent; a token comes back in 5 minutes.
        Assert.Equal((25, 5), (recorder.Writes, recorder.Skipped));
        _clock.Advance(TimeSpan.FromMinutes(2));
        recorder.Normal(Rs, "SuccessfulCreate", "Created pod: web-5d8f-30");
        _clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        recorder.Normal(Rs, "SuccessfulCreate", "Created pod: web-5d8f-31");
        await recorder.DisposeAsync();

        Assert.Equal((26, 6), (recorder.Writes, recorder.Skipped));
        // The skipped repeats were counted: the write after the refill carries all of them.
        Assert.Equal(23, _sink.Counted[^1].Count);
        Assert.Equal(10, _sink.Created.Count);
    }

    [Fact]
    public async Task Record_ManyObjectsOnce_NoneCombinedOrSkipped()
    {
        await using (var recorder = Started())
        {
            for (var i = 0; i < 40; i++)
            {
                recorder.Normal(new V1ObjectReference { Kind = "Pod", NamespaceProperty = "shop", Name = "web-" + i, Uid = "uid-" + i }, "Scheduled", "Successfully assigned shop/web-" + i + " to n1");
            }
        }

        Assert.Equal(40, _sink.Created.Count);
        Assert.Empty(_sink.Counted);
    }

    private EventRecorder Started(int remembered = 4096)
    {
        var recorder = new EventRecorder(_sink, "replicaset-controller", "cp-1", _clock, NullLogger.Instance, remembered);
        recorder.Start();
        return recorder;
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }

    /// <summary>Keeps what was written; an Event named in <see cref="Deleted"/> answers 404 to a count update, as the registry would.</summary>
    private sealed class Sink : IEventSink
    {
        public List<Corev1Event> Created { get; } = [];

        public List<(string Name, int Count, DateTimeOffset Last)> Counted { get; } = [];

        public ConcurrentBag<string> Deleted { get; } = [];

        public TaskCompletionSource? Gate { get; set; }

        public async Task CreateAsync(Corev1Event e, CancellationToken ct)
        {
            if (Gate is { } gate)
            {
                await gate.Task;
            }

            lock (Created)
            {
                Created.Add(e);
            }
        }

        public Task UpdateCountAsync(string ns, string name, int count, DateTimeOffset last, CancellationToken ct)
        {
            if (Deleted.Contains(name))
            {
                throw ApiException.NotFound(BuiltInKinds.Event, name);
            }

            Counted.Add((name, count, last));
            return Task.CompletedTask;
        }
    }
}
