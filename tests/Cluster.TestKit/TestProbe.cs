using System.Collections.Concurrent;
using Cluster.Core.Actors;
using Xunit.Sdk;

namespace Cluster.TestKit;

/// <summary>
/// An actor whose mailbox the test reads: every message it receives is queued with its sender,
/// and the <c>Expect…</c> methods take them off in order or fail the test with a clear message.
/// </summary>
public class TestProbe
{
    private readonly BlockingCollection<(object Message, IActorRef? Sender)> _queue = new();
    private readonly TestKitBase _kit;

    internal TestProbe(TestKitBase kit, string? name)
    {
        _kit = kit;
        Ref = kit.Sys.ActorOf(Props.CreateFrom(() => new ProbeActor(_queue)), name);
    }

    public IActorRef Ref { get; }

    public object? LastMessage { get; private set; }

    public IActorRef? LastSender { get; private set; }

    /// <summary>Messages received and not yet taken by an expectation.</summary>
    public int PendingCount => _queue.Count;

    /// <summary>Sends with this probe as sender.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, Ref);

    /// <summary>Replies to the sender of the last received message.</summary>
    public void Reply(object message) =>
        (LastSender ?? throw new XunitException("Reply: no message has been received yet.")).Tell(message, Ref);

    /// <summary>Forwards the last received message to <paramref name="target"/>, keeping its sender.</summary>
    public void Forward(IActorRef target) =>
        target.Tell(LastMessage ?? throw new XunitException("Forward: no message has been received yet."), LastSender);

    /// <summary>Watches <paramref name="target"/>; its <see cref="Terminated"/> arrives in this probe's queue.</summary>
    public IActorRef Watch(IActorRef target) => SendWatchCommand(target, unwatch: false);

    public IActorRef Unwatch(IActorRef target) => SendWatchCommand(target, unwatch: true);

    /// <summary>Has the probe actor (un)watch and waits until it has, so the caller can rely on it at once.</summary>
    private IActorRef SendWatchCommand(IActorRef target, bool unwatch)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Ref.Tell(new ProbeActor.WatchCommand(target, unwatch, done), null);
        if (!done.Task.Wait(_kit.DefaultTimeout))
        {
            throw new XunitException($"{(unwatch ? "Unwatch" : "Watch")} of {target.Path} did not take effect within {_kit.DefaultTimeout}");
        }

        return target;
    }

    /// <summary>Takes the next message, or null if none arrives within <paramref name="max"/>.</summary>
    public object? ReceiveOne(TimeSpan? max = null)
    {
        var wait = _kit.RemainingOr(max);
        if (!_queue.TryTake(out var item, wait < TimeSpan.Zero ? TimeSpan.Zero : wait))
        {
            return null;
        }

        LastMessage = item.Message;
        LastSender = item.Sender;
        return item.Message;
    }

    public T ExpectMsg<T>(TimeSpan? duration = null, string? hint = null) =>
        ExpectMsg<T>(static _ => true, duration, hint);

    public T ExpectMsg<T>(Predicate<T> predicate, TimeSpan? duration = null, string? hint = null)
    {
        var max = _kit.RemainingOr(duration);
        var message = ReceiveOne(max)
            ?? throw new XunitException($"Timeout ({max.TotalMilliseconds} ms) while waiting for a message of type {typeof(T).Name}{Hint(hint)}");
        if (message is not T typed)
        {
            throw new XunitException($"Expected a message of type {typeof(T).Name}{Hint(hint)}, but received {Describe(message)}");
        }

        if (!predicate(typed))
        {
            throw new XunitException($"The message {Describe(message)} did not match the predicate{Hint(hint)}");
        }

        return typed;
    }

    /// <summary>Expects a message equal to <paramref name="expected"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? duration = null, string? hint = null)
        where T : notnull =>
        ExpectMsg<T>(m => EqualityComparer<T>.Default.Equals(m, expected), duration, hint ?? $"equal to {expected}");

    /// <summary>Expects a message of type <typeparamref name="T"/> from <paramref name="sender"/>.</summary>
    public T ExpectMsgFrom<T>(IActorRef sender, TimeSpan? duration = null)
    {
        var message = ExpectMsg<T>(duration);
        if (!Equals(LastSender, sender))
        {
            throw new XunitException($"Expected {typeof(T).Name} from {sender.Path} but it came from {LastSender?.Path.ToString() ?? "no sender"}");
        }

        return message;
    }

    /// <summary>Fails if any message arrives within <paramref name="duration"/>.</summary>
    public void ExpectNoMsg(TimeSpan? duration = null)
    {
        var wait = duration ?? TimeSpan.FromMilliseconds(100);
        if (_queue.TryTake(out var item, wait))
        {
            LastMessage = item.Message;
            LastSender = item.Sender;
            throw new XunitException($"Expected no message for {wait.TotalMilliseconds} ms, but received {Describe(item.Message)}");
        }
    }

    /// <summary>Expects the <see cref="Terminated"/> of a watched actor.</summary>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? duration = null) =>
        ExpectMsg<Terminated>(t => t.ActorRef.Equals(target), duration, $"Terminated of {target.Path}");

    /// <summary>Skips messages until one matches; fails if none matches in time.</summary>
    public object FishForMessage(Predicate<object> isMessage, TimeSpan? max = null, string? hint = null)
    {
        var deadline = DateTime.UtcNow + _kit.RemainingOr(max);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var message = ReceiveOne(left < TimeSpan.Zero ? TimeSpan.Zero : left)
                ?? throw new XunitException($"Timeout while fishing for a message{Hint(hint)}");
            if (isMessage(message))
            {
                return message;
            }
        }
    }

    public T FishForMessage<T>(Predicate<T>? isMessage = null, TimeSpan? max = null, string? hint = null) =>
        (T)FishForMessage(m => m is T t && (isMessage is null || isMessage(t)), max, hint ?? typeof(T).Name);

    /// <summary>Takes exactly <paramref name="count"/> messages.</summary>
    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? max = null)
    {
        var deadline = DateTime.UtcNow + _kit.RemainingOr(max);
        var messages = new List<object>(count);
        while (messages.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            messages.Add(ReceiveOne(left < TimeSpan.Zero ? TimeSpan.Zero : left)
                ?? throw new XunitException($"Timeout: received {messages.Count} of {count} messages"));
        }

        return messages;
    }

    private static string Hint(string? hint) => hint is null ? string.Empty : $" ({hint})";

    private static string Describe(object message) => $"{message.GetType().Name}: {message}";

    private sealed class ProbeActor : UntypedActor
    {
        private readonly BlockingCollection<(object Message, IActorRef? Sender)> _queue;

        public ProbeActor(BlockingCollection<(object Message, IActorRef? Sender)> queue) => _queue = queue;

        protected override void OnReceive(object message)
        {
            if (message is WatchCommand command)
            {
                if (command.Unwatch)
                {
                    Context.Unwatch(command.Target);
                }
                else
                {
                    Context.Watch(command.Target);
                }

                command.Done.TrySetResult();
                return;
            }

            var sender = Context.Sender;
            _queue.Add((message, sender.Equals(Context.System.DeadLetters) ? null : sender));
        }

        public sealed record WatchCommand(IActorRef Target, bool Unwatch, TaskCompletionSource Done);
    }
}
