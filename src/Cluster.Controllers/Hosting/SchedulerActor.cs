using Akka.Actor;
using Cluster.Controllers.Events;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Scheduling;
using Cluster.Core.Registry;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Hosting;

/// <summary>
/// The scheduler as a cluster singleton (one in the cluster, on the oldest control-plane member, holding the SQL
/// lease): two schedulers would bind the same pod twice or overfill a node.
/// <code>
///   starting ──registry serves, informers listed──▶ scheduling ──PostStop──▶ stopped
/// </code>
/// </summary>
public sealed partial class SchedulerActor : ReceiveActor, IWithTimers
{
    /// <summary>How often the scheduler's figures are logged while it has work.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);

    private readonly ResourceRegistry _registry;
    private readonly SchedulerSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private InformerFactory? _informers;
    private EventRecorder? _events;
    private Scheduler? _scheduler;
    private SchedulerStats? _reported;
    private volatile bool _started;

    public SchedulerActor(ResourceRegistry registry, SchedulerSettings settings, TimeProvider clock, ILoggerFactory loggers)
    {
        _registry = registry;
        _settings = settings;
        _clock = clock;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SchedulerActor>();
        Receive<Report>(_ => LogStats());
        Receive<ControlPlaneStatus.Get>(_ => Sender.Tell(new ControlPlaneStatus.Scheduler(
            Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString(), _started, _started ? _scheduler?.Stats : null)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ResourceRegistry registry, SchedulerSettings settings, TimeProvider clock, ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new SchedulerActor(registry, settings, clock, loggers));

    protected override void PreStart()
    {
        _informers = new InformerFactory(new RegistrySource(_registry), _clock, _loggers);
        _events = new EventRecorder(new RegistryEventSink(_registry), SchedulerProfile.DefaultSchedulerName, null, _clock, _loggers.CreateLogger<EventRecorder>());
        _scheduler = new Scheduler(_informers, new RegistryBinder(_registry), _events, DefaultProfile.Create(new SpreadSelectors(_informers).For, new InformerVolumeLookup(_informers)), _settings, _clock, _loggers.CreateLogger<Scheduler>(), Random.Shared);
        _scheduler.Watch();
        _ = StartAsync(_informers, _scheduler, _events, _stopping.Token);
        Timers.StartPeriodicTimer("report", Report.Instance, ReportInterval);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _scheduler?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        _events?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        _informers?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        _stopping.Dispose();
        LogStopped(_logger);
    }

    private async Task StartAsync(InformerFactory informers, Scheduler scheduler, EventRecorder events, CancellationToken ct)
    {
        await RegistryStartup.WaitForInformersAsync(_registry, informers, _clock, ct).ConfigureAwait(false);
        events.Start();
        scheduler.Start();
        _started = true;
        LogStarted(_logger);
    }

    /// <summary>Logs the figures when they moved since the last report (an idle scheduler stays quiet).</summary>
    private void LogStats()
    {
        if (_scheduler?.Stats is not { } stats || (_reported is not null && stats with { NodeCount = 0 } == _reported with { NodeCount = 0 }))
        {
            return;
        }

        _reported = stats;
        LogFigures(_logger, stats.Scheduled, stats.Unschedulable, stats.BindFailures, stats.Pending, stats.NodeCount, stats.MeanCycle.TotalMilliseconds, stats.MeanBind.TotalMilliseconds, stats.MaxBindTime.TotalMilliseconds);
    }

    private sealed record Report
    {
        public static Report Instance { get; } = new();
    }

    [LoggerMessage(EventId = 7310, Level = LogLevel.Information, Message = "Scheduler started")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(EventId = 7312, Level = LogLevel.Information, Message = "Scheduler: {Scheduled} bound, {Unschedulable} unschedulable attempts, {BindFailures} binding failures, {Pending} pending, {Nodes} nodes; cycle {CycleMs:0.000} ms, binding {BindMs:0.0} ms mean, {MaxBindMs:0} ms max")]
    private static partial void LogFigures(ILogger logger, long scheduled, long unschedulable, long bindFailures, int pending, int nodes, double cycleMs, double bindMs, double maxBindMs);

    [LoggerMessage(EventId = 7311, Level = LogLevel.Information, Message = "Scheduler stopped")]
    private static partial void LogStopped(ILogger logger);
}
