using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>The node host's own log lines.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Actor system [{System}] terminated")]
    public static partial void SystemTerminated(ILogger logger, string system);
}
