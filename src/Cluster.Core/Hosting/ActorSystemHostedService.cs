using Cluster.Core.Actors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Hosting;

/// <summary>
/// Binds the actor system's life to the host's, both ways: stopping the host (Ctrl+C, SIGTERM)
/// runs coordinated shutdown; the system terminating on its own stops the host.
/// </summary>
internal sealed partial class ActorSystemHostedService(
    ActorSystem system,
    ActorSystemBuilder builder,
    ActorRegistry registry,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<ActorSystemHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = system.WhenTerminated.ContinueWith(
            _ =>
            {
                LogSystemTerminated(logger, system.Name);
                lifetime.StopApplication();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        foreach (var start in builder.Startup)
        {
            await start(system, registry, services, cancellationToken).ConfigureAwait(false);
        }

        LogStarted(logger, system.Name);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await system.CoordinatedShutdown.Run(ShutdownReason.ClrExit).WaitAsync(cancellationToken).ConfigureAwait(false);
        await system.WhenTerminated.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Actor system [{System}] is up")]
    private static partial void LogStarted(ILogger logger, string system);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Actor system [{System}] terminated; stopping the host")]
    private static partial void LogSystemTerminated(ILogger logger, string system);
}
