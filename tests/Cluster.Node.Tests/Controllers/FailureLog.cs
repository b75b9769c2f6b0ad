namespace Cluster.Node.Tests.Controllers;

/// <summary>Keeps the controller's last logged failure, for the assertion messages.</summary>
internal sealed class FailureLog : Microsoft.Extensions.Logging.ILogger
{
    public string Last { get; private set; } = "none";

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Last = formatter(state, exception) + " " + exception;
}
