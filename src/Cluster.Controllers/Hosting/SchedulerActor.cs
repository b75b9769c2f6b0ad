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
public sealed partial class SchedulerActor : ReceiveActor
{
    private readonly ResourceRegistry _registry;
    private readonly SchedulerSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private InformerFactory? _informers;
    private EventRecorder? _events;
    private Scheduler? _scheduler;

    public SchedulerActor(ResourceRegistry registry, SchedulerSettings settings, TimeProvider clock, ILoggerFactory loggers)
    {
        _registry = registry;
        _settings = settings;
        _clock = clock;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SchedulerActor>();
        Receive<GetStats>(_ => Sender.Tell(_scheduler?.Stats));
    }

    public static Props Props(ResourceRegistry registry, SchedulerSettings settings, TimeProvider clock, ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new SchedulerActor(registry, settings, clock, loggers));

    protected override void PreStart()
    {
        _informers = new InformerFactory(new RegistrySource(_registry), _clock, _loggers);
        _events = new EventRecorder(new RegistryEventSink(_registry), SchedulerProfile.DefaultSchedulerName, null, _clock, _loggers.CreateLogger<EventRecorder>());
        _scheduler = new Scheduler(_informers, new RegistryBinder(_registry), _events, DefaultProfile.Create(new SpreadSelectors(_informers).For), _settings, _clock, _loggers.CreateLogger<Scheduler>(), Random.Shared);
        _scheduler.Watch();
        _ = StartAsync(_informers, _scheduler, _events, _stopping.Token);
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
        LogStarted(_logger);
    }

    /// <summary>Asks for the <see cref="SchedulerStats"/> (null until the scheduler has started).</summary>
    public sealed record GetStats
    {
        public static GetStats Instance { get; } = new();
    }

    [LoggerMessage(EventId = 7310, Level = LogLevel.Information, Message = "Scheduler started")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(EventId = 7311, Level = LogLevel.Information, Message = "Scheduler stopped")]
    private static partial void LogStopped(ILogger logger);
}
