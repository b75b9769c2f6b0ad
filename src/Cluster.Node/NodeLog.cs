using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>The node host's own log lines.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Actor system [{System}] terminated")]
    public static partial void SystemTerminated(ILogger logger, string system);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "This member was {Reason} by the cluster; the node exits with a non-zero code and must be restarted to rejoin")]
    public static partial void RemovedFromCluster(ILogger logger, string reason);
}
