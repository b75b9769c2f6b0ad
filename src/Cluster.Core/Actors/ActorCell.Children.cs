namespace Cluster.Core.Actors;

/// <summary>Children: creation, lookup, stopping, and suspension of the subtree.</summary>
internal sealed partial class ActorCell
{
    private const string NameAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+~";

    /// <summary>Children by name; also the lock for itself (ActorOf may be called from outside the actor).</summary>
    private Dictionary<string, LocalActorRef>? _children;
    private int _stoppingChildren;
    private long _nextChildNameId;

    private Dictionary<string, LocalActorRef> Children =>
        _children ?? Interlocked.CompareExchange(ref _children, [], null) ?? _children;

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is null)
        {
            name = "$" + EncodeName(Interlocked.Increment(ref _nextChildNameId));
        }
        else if (!ActorPath.IsValidActorName(name))
        {
            throw new InvalidActorNameException(
                $"Illegal actor name [{name}]: names must be non-empty, must not start with '$', and may use ASCII letters, digits and -_.*$+:@&=,!~';()");
        }

        var children = Children;
        LocalActorRef child;
        lock (children)
        {
            // Checked under the lock that Terminate takes to set the flag: a child is either in
            // the snapshot that Terminate stops, or refused here.
            if (IsTerminating)
            {
                throw new InvalidOperationException($"Cannot create child [{name}]: [{_self.Path}] is terminating.");
            }

            if (children.ContainsKey(name))
            {
                throw new InvalidActorNameException($"Actor name [{name}] is not unique under [{_self.Path}].");
            }

            var path = _self.Path.Child(name, _system.NextUid());
            child = new LocalActorRef(_system, props, _system.DefaultDispatcher, _self, path);
            children.Add(name, child);
        }

        child.Cell.Start();
        return child;
    }

    public IActorRef? Child(string name)
    {
        if (_children is not { } children)
        {
            return null;
        }

        lock (children)
        {
            return children.TryGetValue(name, out var entry) ? entry : null;
        }
    }

    public IReadOnlyCollection<IActorRef> GetChildren()
    {
        if (_children is not { } children)
        {
            return [];
        }

        lock (children)
        {
            return children.Values.Select(static e => (IActorRef)e).ToArray();
        }
    }

    public void Stop(IActorRef actor)
    {
        if (actor is not InternalActorRef target)
        {
            return;
        }

        if (target.Path.Parent?.Equals(_self.Path) == true)
        {
            MarkChildStopping(target);
        }

        target.Stop();
    }

    private void MarkChildStopping(InternalActorRef child)
    {
        if (_children is not { } children)
        {
            return;
        }

        lock (children)
        {
            if (children.TryGetValue(child.Path.Name, out var entry) && entry.Equals(child) && !entry.Cell.RestartStats.Stopping)
            {
                entry.Cell.RestartStats.Stopping = true;
                _stoppingChildren++;
            }
        }
    }

    /// <summary>Stops every child; returns whether any is still alive (so the caller must wait).</summary>
    private bool StopAllChildren()
    {
        foreach (var child in ChildrenSnapshot())
        {
            Stop(child);
        }

        return ChildCount > 0;
    }

    private int ChildCount
    {
        get
        {
            if (_children is not { } children)
            {
                return 0;
            }

            lock (children)
            {
                return children.Count;
            }
        }
    }

    private LocalActorRef[] ChildrenSnapshot()
    {
        if (_children is not { } children)
        {
            return [];
        }

        lock (children)
        {
            return children.Values.ToArray();
        }
    }

    private LocalActorRef? FindChild(IActorRef child)
    {
        if (_children is not { } children)
        {
            return null;
        }

        lock (children)
        {
            return children.TryGetValue(child.Path.Name, out var entry) && entry.Path.Uid == child.Path.Uid
                ? entry
                : null;
        }
    }

    /// <summary>Removes a terminated child; its name becomes free again.</summary>
    private bool RemoveChild(IActorRef child)
    {
        if (_children is not { } children)
        {
            return false;
        }

        lock (children)
        {
            if (!children.TryGetValue(child.Path.Name, out var entry) || !entry.Equals(child))
            {
                return false;
            }

            children.Remove(child.Path.Name);
            if (entry.Cell.RestartStats.Stopping)
            {
                _stoppingChildren--;
            }

            return true;
        }
    }

    private void SuspendChildren()
    {
        foreach (var child in ChildrenSnapshot())
        {
            child.Suspend();
        }
    }

    private void ResumeChildren()
    {
        foreach (var child in ChildrenSnapshot())
        {
            child.Resume(causedByFailure: null);
        }
    }

    private static string EncodeName(long id)
    {
        Span<char> buffer = stackalloc char[12];
        var i = buffer.Length;
        do
        {
            buffer[--i] = NameAlphabet[(int)(id & 63)];
            id >>= 6;
        }
        while (id != 0);

        return new string(buffer[i..]);
    }
}
