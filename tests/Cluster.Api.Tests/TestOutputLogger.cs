using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Cluster.Api.Tests;

/// <summary>A log entry captured during a test.</summary>
public sealed record LogRecord(LogLevel Level, EventId EventId, string Category, string Message, Exception? Exception);

/// <summary>
/// Routes log output to xunit's <see cref="ITestOutputHelper"/> and keeps every record, so a
/// test can assert on what was logged.
/// </summary>
public sealed class TestOutputLoggerProvider(ITestOutputHelper? output, LogLevel minimumLevel = LogLevel.Debug) : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public LogLevel MinimumLevel { get; } = minimumLevel;

    public IReadOnlyCollection<LogRecord> Records => _records;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(LogRecord record)
    {
        _records.Enqueue(record);
        if (output is null)
        {
            return;
        }

        try
        {
            output.WriteLine($"[{record.Level}] {record.Category}: {record.Message}{(record.Exception is null ? string.Empty : Environment.NewLine + record.Exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; xunit no longer accepts output for it.
        }
    }

    private sealed class Logger(TestOutputLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(new LogRecord(logLevel, eventId, category, formatter(state, exception), exception));
            }
        }
    }
}
