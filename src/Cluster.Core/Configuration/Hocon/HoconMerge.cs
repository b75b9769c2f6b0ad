namespace Cluster.Core.Configuration.Hocon;

/// <summary>
/// Duplicate-key semantics: a later object merges into an earlier object, anything else replaces
/// it, and a merge that involves an unresolved value waits for resolution (a delayed merge).
/// The same rules serve repeated keys, path keys, includes and <c>WithFallback</c>.
/// </summary>
internal static class HoconMerge
{
    /// <summary>Merges a later definition over an earlier one of the field at <paramref name="path"/>.</summary>
    public static HoconValue Merge(HoconValue? older, HoconValue newer, string[] path)
    {
        if (older is null)
        {
            return newer;
        }

        // A self-reference means "the value before this definition", which is exactly `older`.
        var withLookback = ReplaceSelfReferences(newer, path, older);
        if (!ReferenceEquals(withLookback, newer))
        {
            return withLookback;
        }

        if (older is HoconObject olderObject && newer is HoconObject newerObject)
        {
            return MergeObjects(olderObject, newerObject, path);
        }

        var delay = newer.IsResolvable || (newer is HoconObject && older.IsResolvable);
        return delay ? Delayed(older, newer) : newer;
    }

    public static HoconObject MergeObjects(HoconObject older, HoconObject newer, string[] path)
    {
        var result = new HoconObject(newer.Origin) { IsResolved = older.IsResolved && newer.IsResolved };
        foreach (var (key, value) in older.Fields)
        {
            result.Fields[key] = value;
        }

        foreach (var (key, value) in newer.Fields)
        {
            result.Fields[key] = result.Fields.TryGetValue(key, out var existing)
                ? Merge(existing, value, [.. path, key])
                : value;
        }

        return result;
    }

    /// <summary>Merge of two resolved values, as the last step of a delayed merge or of <c>WithFallback</c> on resolved configs.</summary>
    public static HoconValue MergeResolved(HoconValue older, HoconValue newer)
    {
        if (older is not HoconObject olderObject || newer is not HoconObject newerObject)
        {
            return newer;
        }

        var result = new HoconObject(newerObject.Origin) { IsResolved = true };
        foreach (var (key, value) in olderObject.Fields)
        {
            result.Fields[key] = value;
        }

        foreach (var (key, value) in newerObject.Fields)
        {
            result.Fields[key] = result.Fields.TryGetValue(key, out var existing) ? MergeResolved(existing, value) : value;
        }

        return result;
    }

    /// <summary>
    /// Prefixes the substitution paths of an included tree with the include point, remembering the
    /// prefix so the lookup can fall back to the path as written.
    /// </summary>
    public static HoconValue Relativize(HoconValue value, string[] prefix) => value switch
    {
        HoconSubstitution s => new HoconSubstitution([.. prefix, .. s.Path], s.Optional, s.PrefixLength + prefix.Length, s.Origin),
        HoconObject o => MapInPlace(o, v => Relativize(v, prefix)),
        HoconArray a => MapInPlace(a, v => Relativize(v, prefix)),
        HoconConcatenation c => MapInPlace(c, c.Pieces, v => Relativize(v, prefix)),
        HoconDelayedMerge d => MapInPlace(d, d.Stack, v => Relativize(v, prefix)),
        HoconLookback l => new HoconLookback(Relativize(l.Previous, prefix), l.Remainder,
            (HoconSubstitution)Relativize(l.Substitution, prefix)),
        _ => value,
    };

    /// <summary>
    /// Runs once the whole tree is merged: a self-reference that found no earlier value is
    /// undefined, which drops an optional one (<c>foo = ${?foo}</c> disappears) and leaves a required
    /// one to fail as a cycle.
    /// </summary>
    public static void FinishSelfReferences(HoconObject root) => FinishSelfReferences(root, []);

    private static void FinishSelfReferences(HoconObject obj, List<string> path)
    {
        if (obj.IsResolved)
        {
            return;
        }

        // Keys are rewritten in place; a snapshot is only needed when some value can change.
        foreach (var key in obj.Fields.Keys.ToArray())
        {
            var value = obj.Fields[key];
            if (value is HoconScalar or HoconArray)
            {
                continue;
            }

            path.Add(key);
            obj.Fields[key] = DropUnmatchedSelfReferences(value, path);
            path.RemoveAt(path.Count - 1);
        }
    }

    private static HoconValue DropUnmatchedSelfReferences(HoconValue value, List<string> path)
    {
        switch (value)
        {
            case HoconSubstitution s when s.Optional && IsSelfReference(s, path):
                return new HoconUndefined(s.Origin);
            case HoconObject o:
                FinishSelfReferences(o, path);
                return o;
            case HoconConcatenation c:
                return MapInPlace(c, c.Pieces, v => DropUnmatchedSelfReferences(v, path));
            case HoconDelayedMerge d:
                return MapInPlace(d, d.Stack, v => DropUnmatchedSelfReferences(v, path));
            case HoconLookback l:
                return new HoconLookback(DropUnmatchedSelfReferences(l.Previous, path), l.Remainder, l.Substitution);
            default:
                return value;
        }
    }

    private static HoconValue ReplaceSelfReferences(HoconValue newer, string[] path, HoconValue older)
    {
        switch (newer)
        {
            case HoconSubstitution s when IsSelfReference(s, path):
                return new HoconLookback(older, s.Path[path.Length..], s);
            case HoconConcatenation c:
                var pieces = c.Pieces.Select(p => ReplaceSelfReferences(p, path, older)).ToList();
                return pieces.SequenceEqual(c.Pieces) ? c : new HoconConcatenation(pieces, c.Origin);
            case HoconDelayedMerge d:
                var stack = d.Stack.Select(p => ReplaceSelfReferences(p, path, older)).ToList();
                return stack.SequenceEqual(d.Stack) ? d : new HoconDelayedMerge(stack, d.Origin);
            default:
                return newer;
        }
    }

    private static bool IsSelfReference(HoconSubstitution substitution, IReadOnlyList<string> fieldPath)
    {
        if (substitution.Path.Length < fieldPath.Count)
        {
            return false;
        }

        for (var i = 0; i < fieldPath.Count; i++)
        {
            if (!string.Equals(substitution.Path[i], fieldPath[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static HoconDelayedMerge Delayed(HoconValue older, HoconValue newer)
    {
        var stack = new List<HoconValue>();
        Append(older);
        Append(newer);
        return new HoconDelayedMerge(stack, newer.Origin);

        void Append(HoconValue value)
        {
            if (value is HoconDelayedMerge delayed)
            {
                stack.AddRange(delayed.Stack);
            }
            else
            {
                stack.Add(value);
            }
        }
    }

    private static HoconObject MapInPlace(HoconObject obj, Func<HoconValue, HoconValue> map)
    {
        foreach (var key in obj.Fields.Keys.ToList())
        {
            obj.Fields[key] = map(obj.Fields[key]);
        }

        return obj;
    }

    private static HoconArray MapInPlace(HoconArray array, Func<HoconValue, HoconValue> map)
    {
        for (var i = 0; i < array.MutableItems.Count; i++)
        {
            array.MutableItems[i] = map(array.MutableItems[i]);
        }

        return array;
    }

    private static T MapInPlace<T>(T owner, List<HoconValue> items, Func<HoconValue, HoconValue> map)
    {
        for (var i = 0; i < items.Count; i++)
        {
            items[i] = map(items[i]);
        }

        return owner;
    }
}
