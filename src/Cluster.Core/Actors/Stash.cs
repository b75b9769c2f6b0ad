namespace Cluster.Core.Actors;

/// <summary>Actors that implement this get a stash, assigned by the runtime right after construction.</summary>
public interface IWithStash
{
    IStash Stash { get; set; }
}

/// <summary>
/// Set messages aside and take them back later, in order. Unstashed messages are processed
/// before anything else in the mailbox; on restart the stash is put back in the mailbox, on
/// stop it goes to dead letters.
/// </summary>
public interface IStash
{
    int Count { get; }

    /// <summary>Stashes the message being processed.</summary>
    void Stash();

    /// <summary>Puts the oldest stashed message back at the front of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts every stashed message back at the front of the mailbox, oldest first.</summary>
    void UnstashAll();
}

internal sealed class ActorStash(ActorCell cell, int capacity = 0) : IStash
{
    private readonly List<Envelope> _stashed = [];

    public int Count => _stashed.Count;

    public void Stash()
    {
        var message = cell.CurrentMessage
            ?? throw new IllegalActorStateException("There is no current message to stash.");
        var sender = cell.CurrentSender;
        if (_stashed.Count > 0 && ReferenceEquals(_stashed[^1].Message, message) && ReferenceEquals(_stashed[^1].Sender, sender))
        {
            throw new IllegalActorStateException($"Can't stash the same message [{message}] more than once.");
        }

        if (capacity > 0 && _stashed.Count >= capacity)
        {
            throw new StashOverflowException($"Couldn't enqueue message [{message.GetType()}] to the stash of [{cell.Self.Path}]: capacity {capacity} reached.");
        }

        _stashed.Add(new Envelope(message, sender));
    }

    public void Unstash()
    {
        if (_stashed.Count == 0)
        {
            return;
        }

        var first = _stashed[0];
        _stashed.RemoveAt(0);
        cell.Mailbox.Messages.EnqueueFirst(first);
    }

    public void UnstashAll()
    {
        for (var i = _stashed.Count - 1; i >= 0; i--)
        {
            cell.Mailbox.Messages.EnqueueFirst(_stashed[i]);
        }

        _stashed.Clear();
    }

    internal Envelope[] ClearStashedEnvelopes()
    {
        var all = _stashed.ToArray();
        _stashed.Clear();
        return all;
    }
}
