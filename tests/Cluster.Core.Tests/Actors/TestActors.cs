using Cluster.Core.Actors;

namespace Cluster.Core.Tests.Actors;

/// <summary>Small actors shared by the runtime's spec tests.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m));
}

/// <summary>Reports its lifecycle hooks to a probe and fails on demand.</summary>
internal sealed class LifecycleActor : ReceiveActor
{
    private readonly IActorRef _probe;
    private int _state;

    public LifecycleActor(IActorRef probe, string? childName = null)
    {
        _probe = probe;
        var id = Guid.NewGuid();
        probe.Tell(("ctor", id));
        if (childName is not null)
        {
            Context.ActorOf(Props.CreateFrom(() => new StopReporter(probe, childName)), childName);
        }

        Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("boom"));
        Receive<string>(s => s == "state", _ => Sender.Tell(_state));
        Receive<string>(s => s == "inc", _ => _state++);
        Receive<string>(s => s == "children", _ => Sender.Tell(Context.GetChildren().Count));
        ReceiveAny(m => _probe.Tell(("got", m)));
    }

    protected override void PreStart() => _probe.Tell("preStart");

    protected override void PostStop() => _probe.Tell("postStop");

    protected override void PreRestart(Exception reason, object? message)
    {
        _probe.Tell(("preRestart", reason.Message, message));
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _probe.Tell(("postRestart", reason.Message));
        base.PostRestart(reason);
    }
}

/// <summary>Tells a probe when it stops.</summary>
internal sealed class StopReporter(IActorRef probe, string name) : ReceiveActor
{
    protected override void PostStop() => probe.Tell(("stopped", name));
}

/// <summary>A parent that creates children on request and supervises them with a given strategy.</summary>
internal sealed class Supervisor : ReceiveActor
{
    private readonly SupervisorStrategy _strategy;

    public Supervisor(SupervisorStrategy strategy)
    {
        _strategy = strategy;
        Receive<Props>(p => Sender.Tell(Context.ActorOf(p)));
        Receive<(Props Props, string Name)>(p => Sender.Tell(Context.ActorOf(p.Props, p.Name)));
    }

    protected override SupervisorStrategy SupervisorStrategy() => _strategy;
}
