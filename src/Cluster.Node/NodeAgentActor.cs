using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>
/// The node's own top-level actor. For now it announces the node and answers status queries;
/// the node-agent issue gives it the host's containers.
/// </summary>
public sealed partial class NodeAgentActor : ReceiveActor
{
    private readonly NodeSettings _settings;
    private readonly ILogger _logger;

    public NodeAgentActor(NodeSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        Receive<GetStatus>(_ => Sender.Tell(new NodeStatus(_settings.Name, Self.Path.ToString())));
    }

    public static Props Props(NodeSettings settings, ILogger logger) => Akka.Actor.Props.Create(() => new NodeAgentActor(settings, logger));

    protected override void PreStart() => LogUp(_logger, _settings.Name, Self.Path.ToString());

    protected override void PostStop() => LogDown(_logger, _settings.Name);

    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();
    }

    public sealed record NodeStatus(string NodeName, string AgentPath);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Node {Node} is up (agent {Path})")]
    private static partial void LogUp(ILogger logger, string node, string path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Node {Node} agent stopped")]
    private static partial void LogDown(ILogger logger, string node);
}
