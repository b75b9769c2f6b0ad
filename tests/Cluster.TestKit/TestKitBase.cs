using System.Diagnostics;
using Cluster.Core.Actors;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Cluster.TestKit;

/// <summary>Options for one test's actor system.</summary>
public sealed record TestKitOptions
{
    /// <summary>Runtime settings for the system under test.</summary>
    public ActorSystemSettings Settings { get; init; } = ActorSystemSettings.Default;

    /// <summary>Drive timers with a <see cref="ManualTimeProvider"/> instead of the real clock.</summary>
    public bool UseManualClock { get; init; }

    /// <summary>Akka's single-expect-default: how long an expectation waits by default.</summary>
    public TimeSpan SingleExpectDefault { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long Dispose waits for the system to terminate.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Debug;
}

/// <summary>
/// The framework-neutral part of the TestKit: one actor system, a default probe
/// (<see cref="TestActor"/>), and the timing helpers (<see cref="Within(TimeSpan, Action)"/>,
/// <see cref="AwaitCondition"/>, <see cref="AwaitAssert"/>).
/// </summary>
public abstract class TestKitBase : IDisposable
{
    private readonly AsyncLocal<DateTime?> _withinDeadline = new();
    private readonly TestOutputLoggerProvider _logs;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TestProbe _testActor;
    private bool _disposed;

    protected TestKitBase(ITestOutputHelper? output, TestKitOptions? options, string? systemName)
    {
        Options = options ?? new TestKitOptions();
        _logs = new TestOutputLoggerProvider(output, Options.MinimumLogLevel);
        _loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(Options.MinimumLogLevel));
        Clock = Options.UseManualClock ? new ManualTimeProvider() : null;
        Sys = ActorSystem.Create(systemName ?? "test", Options.Settings, _loggerFactory, (TimeProvider?)Clock ?? TimeProvider.System);
        _testActor = new TestProbe(this, "testActor");
    }

    public TestKitOptions Options { get; }

    public ActorSystem Sys { get; }

    /// <summary>The manual clock, when <see cref="TestKitOptions.UseManualClock"/> is on.</summary>
    public ManualTimeProvider? Clock { get; }

    /// <summary>The default probe's ref: pass it as sender or reply-to.</summary>
    public IActorRef TestActor => _testActor.Ref;

    /// <summary>The default probe itself.</summary>
    public TestProbe Probe => _testActor;

    public IReadOnlyCollection<LogRecord> LogRecords => _logs.Records;

    public TimeSpan DefaultTimeout => Options.SingleExpectDefault;

    /// <summary>Time left in the innermost <c>Within</c> block, or the single-expect default outside one.</summary>
    public TimeSpan Remaining => RemainingOr(null);

    public IActorRef ActorOf(Props props, string? name = null) => Sys.ActorOf(props, name);

    public TestProbe CreateTestProbe(string? name = null) => new(this, name);

    public T ExpectMsg<T>(TimeSpan? duration = null, string? hint = null) => _testActor.ExpectMsg<T>(duration, hint);

    public T ExpectMsg<T>(Predicate<T> predicate, TimeSpan? duration = null, string? hint = null) =>
        _testActor.ExpectMsg(predicate, duration, hint);

    public T ExpectMsg<T>(T expected, TimeSpan? duration = null, string? hint = null)
        where T : notnull => _testActor.ExpectMsg(expected, duration, hint);

    public void ExpectNoMsg(TimeSpan? duration = null) => _testActor.ExpectNoMsg(duration);

    public Terminated ExpectTerminated(IActorRef target, TimeSpan? duration = null) => _testActor.ExpectTerminated(target, duration);

    public object FishForMessage(Predicate<object> isMessage, TimeSpan? max = null, string? hint = null) =>
        _testActor.FishForMessage(isMessage, max, hint);

    public IActorRef Watch(IActorRef target) => _testActor.Watch(target);

    public IActorRef Unwatch(IActorRef target) => _testActor.Unwatch(target);

    public object? LastMessage => _testActor.LastMessage;

    public IActorRef? LastSender => _testActor.LastSender;

    /// <summary>Runs <paramref name="action"/>, which must finish within <paramref name="max"/>; expectations inside inherit the deadline.</summary>
    public void Within(TimeSpan max, Action action) => Within(TimeSpan.Zero, max, action);

    public void Within(TimeSpan min, TimeSpan max, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var outer = _withinDeadline.Value;
        var deadline = DateTime.UtcNow + max;
        if (outer is { } o && o < deadline)
        {
            deadline = o;
        }

        var watch = Stopwatch.StartNew();
        _withinDeadline.Value = deadline;
        try
        {
            action();
        }
        finally
        {
            _withinDeadline.Value = outer;
        }

        var elapsed = watch.Elapsed;
        if (elapsed < min)
        {
            throw new XunitException($"Within: block finished in {elapsed.TotalMilliseconds:F0} ms, earlier than the minimum {min.TotalMilliseconds} ms");
        }

        if (elapsed > max)
        {
            throw new XunitException($"Within: block took {elapsed.TotalMilliseconds:F0} ms, more than the maximum {max.TotalMilliseconds} ms");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="max"/>.</summary>
    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + RemainingOr(max);
        var poll = interval ?? TimeSpan.FromMilliseconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new XunitException($"Condition not met in time{(message is null ? string.Empty : ": " + message)}");
            }

            Thread.Sleep(poll);
        }
    }

    /// <summary>Retries <paramref name="assertion"/> until it stops throwing; rethrows its last failure after <paramref name="duration"/>.</summary>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var deadline = DateTime.UtcNow + RemainingOr(duration);
        var poll = interval ?? TimeSpan.FromMilliseconds(10);
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(poll);
            }
        }
    }

    /// <summary>The wait for one expectation: the explicit duration, capped by an enclosing Within.</summary>
    internal TimeSpan RemainingOr(TimeSpan? duration)
    {
        var wait = duration ?? DefaultTimeout;
        if (_withinDeadline.Value is { } deadline)
        {
            var left = deadline - DateTime.UtcNow;
            if (duration is null || left < wait)
            {
                wait = left;
            }
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    /// <summary>Terminates the system, failing the test if it does not stop in time.</summary>
    protected virtual void Shutdown()
    {
        if (!Sys.Terminate().Wait(Options.ShutdownTimeout))
        {
            throw new XunitException($"The actor system [{Sys.Name}] did not terminate within {Options.ShutdownTimeout}.");
        }
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            try
            {
                Shutdown();
            }
            finally
            {
                _loggerFactory.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The xunit TestKit: xunit creates one test-class instance per test, so every test gets its
/// own actor system, shut down when the test ends. Log output goes to the test's output.
/// </summary>
public abstract class TestKit(ITestOutputHelper? output = null, TestKitOptions? options = null, string? systemName = null)
    : TestKitBase(output, options, systemName);
