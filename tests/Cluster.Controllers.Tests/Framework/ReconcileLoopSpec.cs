using System.Collections.Concurrent;
using Cluster.Controllers.Framework;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.Framework;

public sealed class ReconcileLoopSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task Enqueue_OneKeyManyTimesWithFourWorkers_NeverReconciledConcurrently()
    {
        var reconciler = new Recording((_, _) => Task.Delay(2));
        await using var loop = new ReconcileLoop(reconciler, workers: 4, _clock, NullLogger.Instance);
        loop.Start();
        for (var i = 0; i < 200; i++)
        {
            loop.Enqueue("ns/" + (i % 3));
            if (i % 10 == 0)
            {
                await Task.Delay(1);
            }
        }

        await Until(() => loop.Stats.QueueDepth == 0 && reconciler.InFlight == 0);
        Assert.Equal(1, reconciler.MaxConcurrentPerKey);
        Assert.Equal(["ns/0", "ns/1", "ns/2"], reconciler.Keys.Distinct().Order());
    }

    [Fact]
    public async Task Reconcile_Failing_RetriedWithGrowingBackOff_ThenForgottenOnSuccess()
    {
        var reconciler = new Recording((key, calls) => calls < 4 ? throw new InvalidOperationException("not yet") : Task.CompletedTask);
        var limiter = new ExponentialFailureRateLimiter<string>(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        await using var loop = new ReconcileLoop(reconciler, workers: 1, _clock, NullLogger.Instance, limiter);
        loop.Start();
        loop.Enqueue("ns/a");

        // Attempt n waits 2^(n-1) s after the one before: 1 s, 2 s, 4 s.
        await Until(() => reconciler.Calls == 1 && loop.Stats.Waiting == 1);
        foreach (var (wait, calls) in new[] { (1, 2), (2, 3), (4, 4) })
        {
            _clock.Advance(TimeSpan.FromSeconds(wait) - TimeSpan.FromMilliseconds(1));
            await Task.Delay(50);
            Assert.Equal(calls - 1, reconciler.Calls);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            await Until(() => reconciler.Calls == calls && (calls == 4 || loop.Stats.Waiting == 1));
        }

        await Until(() => loop.Stats.Reconciles == 4);
        Assert.Equal((4, 3), (loop.Stats.Reconciles, loop.Stats.Failures));
        Assert.Equal(0, limiter.Requeues("ns/a"));
        Assert.Equal(0, loop.Stats.Waiting);
    }

    [Fact]
    public async Task Reconcile_AsksToBeRequeued_RunsAgainAfterThatTime()
    {
        var reconciler = new Recording((_, _) => Task.CompletedTask, new ReconcileResult(TimeSpan.FromMinutes(1)));
        await using var loop = new ReconcileLoop(reconciler, workers: 1, _clock, NullLogger.Instance);
        loop.Start();
        loop.Enqueue("ns/cron");
        await Until(() => reconciler.Calls == 1 && loop.Stats.Waiting == 1);

        _clock.Advance(TimeSpan.FromMinutes(1));
        await Until(() => reconciler.Calls == 2);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }

    private sealed class Recording(Func<string, int, Task> body, ReconcileResult? result = null) : IReconciler
    {
        private readonly ConcurrentDictionary<string, int> _running = new();
        private int _calls;
        private int _inFlight;
        private int _maxPerKey;

        public string Name => "recording";

        public ConcurrentQueue<string> Keys { get; } = new();

        public int Calls => Volatile.Read(ref _calls);

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MaxConcurrentPerKey => Volatile.Read(ref _maxPerKey);

        public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
        {
            var calls = Interlocked.Increment(ref _calls);
            Interlocked.Increment(ref _inFlight);
            var running = _running.AddOrUpdate(key, 1, (_, n) => n + 1);
            InterlockedMax(ref _maxPerKey, running);
            Keys.Enqueue(key);
            try
            {
                await body(key, calls);
                return result ?? ReconcileResult.Done;
            }
            finally
            {
                _running.AddOrUpdate(key, 0, (_, n) => n - 1);
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }
}
