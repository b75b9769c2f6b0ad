using Microsoft.Extensions.Logging;

namespace Cluster.Core.Actors;

/// <summary>The runtime's log events, with stable event ids (1000-1099).</summary>
internal static partial class ActorLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Message [{MessageType}] from {Sender} to {Recipient} was not delivered. [{Count}/{Limit}] dead letters encountered.")]
    public static partial void DeadLetter(ILogger logger, string? messageType, string sender, string recipient, long count, int limit);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "{Limit} dead letters logged; further dead letters are not logged (actors.log-dead-letters).")]
    public static partial void DeadLettersSuppressed(ILogger logger, int limit);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Unhandled message [{MessageType}] at {Path}")]
    public static partial void UnhandledMessage(ILogger logger, string? messageType, string path);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error,
        Message = "Actor {Path} failed while processing a message of type [{MessageType}]")]
    public static partial void ActorFailed(ILogger logger, Exception exception, string path, string messageType);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning,
        Message = "Actor {Path} failed again while already failed or stopped; the failure is ignored")]
    public static partial void FailureWhileFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug,
        Message = "Supervisor {Supervisor} decided {Directive} for child {Child} after {ExceptionType}")]
    public static partial void SupervisorDecided(ILogger logger, string supervisor, string child, Directive directive, string exceptionType);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning,
        Message = "Child {Child} exceeded {MaxRetries} restarts within the window and is stopped")]
    public static partial void RestartLimitReached(ILogger logger, string child, int maxRetries);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Actor {Path} threw in {Hook}")]
    public static partial void LifecycleHookFailed(ILogger logger, Exception exception, string path, string hook);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning,
        Message = "Coordinated shutdown phase [{Phase}] timed out after {Timeout}; continuing with the next phase")]
    public static partial void PhaseTimedOut(ILogger logger, string phase, TimeSpan timeout);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error,
        Message = "Coordinated shutdown task [{Task}] in phase [{Phase}] failed")]
    public static partial void ShutdownTaskFailed(ILogger logger, Exception exception, string phase, string task);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information,
        Message = "Running coordinated shutdown of actor system [{System}], reason: {Reason}")]
    public static partial void ShutdownStarted(ILogger logger, string system, string reason);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Actor system [{System}] terminated")]
    public static partial void SystemTerminated(ILogger logger, string system);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information,
        Message = "Back-off supervisor {Path} restarts its child in {Delay} (restart {Count})")]
    public static partial void BackoffRestarting(ILogger logger, string path, TimeSpan delay, int count);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "Actor system [{System}] started")]
    public static partial void SystemStarted(ILogger logger, string system);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Error, Message = "A scheduled action threw; the scheduler carries on")]
    public static partial void ScheduledActionFailed(ILogger logger, Exception exception);
}
