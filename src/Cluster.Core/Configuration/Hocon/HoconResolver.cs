using System.Runtime.CompilerServices;

namespace Cluster.Core.Configuration.Hocon;

/// <summary>
/// Resolves substitutions against the whole merged tree, in place: each resolved field replaces
/// its unresolved value, which is the memo. A node met again while it is being resolved is a cycle.
/// </summary>
internal sealed class HoconResolver
{
    private readonly HoconObject _root;
    private readonly Func<string, string?>? _environment;
    private readonly HashSet<HoconValue> _inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly List<HoconSubstitution> _activeSubstitutions = [];

    private HoconResolver(HoconObject root, Func<string, string?>? environment)
    {
        _root = root;
        _environment = environment;
    }

    public static void ResolveInPlace(HoconObject root, Func<string, string?>? environment)
    {
        HoconMerge.FinishSelfReferences(root);
        new HoconResolver(root, environment).ResolveObject(root);
    }

    private HoconValue? Resolve(HoconValue value) => value switch
    {
        HoconScalar => value,
        HoconObject o => ResolveObject(o),
        HoconArray a => ResolveArray(a),
        HoconSubstitution s => Guarded(s, () => ResolveSubstitution(s)),
        HoconConcatenation c => Guarded(c, () => ResolveConcatenation(c)),
        HoconDelayedMerge d => Guarded(d, () => ResolveDelayedMerge(d)),
        HoconLookback l => Guarded(l, () => ResolveLookback(l)),
        HoconWhitespace w => HoconScalar.String(w.Text, w.Origin),
        _ => null,
    };

    private HoconValue? Guarded(HoconValue node, Func<HoconValue?> resolve)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new HoconException(HoconErrorKind.UnresolvedSubstitution, node.Origin, "substitutions nest too deeply to resolve");
        }

        if (!_inProgress.Add(node))
        {
            throw CycleError(node.Origin);
        }

        try
        {
            return resolve();
        }
        finally
        {
            _inProgress.Remove(node);
        }
    }

    private HoconException CycleError(HoconOrigin origin)
    {
        var involved = string.Join(", ", _activeSubstitutions.Select(s => s.Describe()));
        var culprit = _activeSubstitutions.Count > 0 ? _activeSubstitutions[^1] : null;
        return new HoconException(HoconErrorKind.UnresolvedSubstitution, culprit?.Origin ?? origin,
            $"could not resolve substitution to a value: {culprit?.Describe() ?? "a value"} is part of a cycle of substitutions ({involved})");
    }

    private HoconObject ResolveObject(HoconObject obj)
    {
        if (obj.IsResolved)
        {
            return obj;
        }

        Guarded(obj, () =>
        {
            foreach (var key in obj.Fields.Keys.ToList())
            {
                ResolveField(obj, key);
            }

            return obj;
        });
        obj.IsResolved = true;
        return obj;
    }

    private HoconArray ResolveArray(HoconArray array)
    {
        if (array.IsResolved)
        {
            return array;
        }

        Guarded(array, () =>
        {
            var resolved = new List<HoconValue>(array.MutableItems.Count);
            foreach (var item in array.MutableItems)
            {
                if (Resolve(item) is { } value)
                {
                    resolved.Add(value);
                }
            }

            array.MutableItems.Clear();
            array.MutableItems.AddRange(resolved);
            return array;
        });
        array.IsResolved = true;
        return array;
    }

    private HoconValue? ResolveField(HoconObject obj, string key)
    {
        if (!obj.Fields.TryGetValue(key, out var value))
        {
            return null;
        }

        if (value is HoconScalar || value is HoconObject { IsResolved: true } || value is HoconArray { IsResolved: true })
        {
            return value;
        }

        var resolved = Resolve(value);
        if (resolved is null)
        {
            obj.Fields.Remove(key);
        }
        else
        {
            obj.Fields[key] = resolved;
        }

        return resolved;
    }

    private HoconValue? ResolveSubstitution(HoconSubstitution substitution)
    {
        _activeSubstitutions.Add(substitution);
        try
        {
            if (Lookup(substitution.Path) is { } found)
            {
                return found;
            }

            var asWritten = substitution.Path[substitution.PrefixLength..];
            if (substitution.PrefixLength > 0 && Lookup(asWritten) is { } foundAsWritten)
            {
                return foundAsWritten;
            }

            // An environment variable named "a.b" answers ${a.b}, never ${"a.b"}: an element holding a dot cannot come from the environment.
            if (_environment is not null && !asWritten.Any(e => e.Contains('.', StringComparison.Ordinal))
                && _environment(string.Join('.', asWritten)) is { } fromEnvironment)
            {
                return HoconScalar.String(fromEnvironment, substitution.Origin);
            }

            return substitution.Optional
                ? null
                : throw new HoconException(HoconErrorKind.UnresolvedSubstitution, substitution.Origin,
                    $"could not resolve substitution to a value: {substitution.Describe()} is not set (use ${{?...}} if it may be missing)");
        }
        finally
        {
            _activeSubstitutions.RemoveAt(_activeSubstitutions.Count - 1);
        }
    }

    /// <summary>Finds and resolves the value at an absolute path; null when the path is not set.</summary>
    private HoconValue? Lookup(string[] path)
    {
        var current = _root;
        for (var i = 0; i < path.Length; i++)
        {
            if (!current.Fields.TryGetValue(path[i], out var child))
            {
                return null;
            }

            if (i == path.Length - 1)
            {
                return ResolveField(current, path[i]);
            }

            // Descend into an object without resolving all of it, so an object may refer into itself.
            if (child is HoconDelayedMerge delayed && TryFindDefiningLayer(delayed, path[i + 1]) is { } layer)
            {
                current = layer;
                continue;
            }

            if (child is not HoconObject childObject)
            {
                if (child is HoconScalar or HoconArray || ResolveField(current, path[i]) is not HoconObject resolvedObject)
                {
                    return null;
                }

                childObject = resolvedObject;
            }

            current = childObject;
        }

        return null;
    }

    /// <summary>
    /// In a pending merge, the literal object whose (non-object) value for <paramref name="key"/> wins
    /// regardless of older layers, so <c>a = ${x}, a = { b = 1, c = ${a.b} }</c> can read a.b while a
    /// itself is still being resolved. Null when a newer layer is unresolved and might define the key.
    /// </summary>
    private static HoconObject? TryFindDefiningLayer(HoconDelayedMerge delayed, string key)
    {
        for (var i = delayed.Stack.Count - 1; i >= 0; i--)
        {
            if (delayed.Stack[i] is not HoconObject layer)
            {
                return null;
            }

            if (layer.Fields.TryGetValue(key, out var value))
            {
                return value is HoconScalar or HoconArray ? layer : null;
            }
        }

        return null;
    }

    private HoconValue? ResolveConcatenation(HoconConcatenation concatenation)
    {
        var resolved = new List<HoconValue>(concatenation.Pieces.Count);
        foreach (var piece in concatenation.Pieces)
        {
            if (piece is HoconWhitespace)
            {
                resolved.Add(piece);
            }
            else if (Resolve(piece) is { } value)
            {
                resolved.Add(value);
            }
        }

        var values = resolved.Where(v => v is not HoconWhitespace).ToList();
        if (values.Count == 0)
        {
            return null;
        }

        if (values.Exists(v => v is HoconObject or HoconArray))
        {
            return JoinContainers(values, concatenation.Origin);
        }

        if (resolved.Count == 1)
        {
            return resolved[0];
        }

        var text = string.Concat(resolved.Select(v => v is HoconWhitespace w ? w.Text : ((HoconScalar)v).Text));
        return HoconScalar.String(text, concatenation.Origin);
    }

    private static HoconValue JoinContainers(List<HoconValue> values, HoconOrigin origin)
    {
        // Concatenated with a list, an object with numeric keys ({ "0": a, "1": b }) is that list.
        if (values.Exists(v => v is HoconArray))
        {
            values = values.ConvertAll(v => v is HoconObject obj && HoconConfig.TryNumericallyIndexed(obj, out var items)
                ? new HoconArray([.. items], v.Origin) { IsResolved = true }
                : v);
        }

        if (values.TrueForAll(v => v is HoconArray))
        {
            var items = values.SelectMany(v => ((HoconArray)v).MutableItems).ToList();
            return new HoconArray(items, origin) { IsResolved = true };
        }

        if (values.TrueForAll(v => v is HoconObject))
        {
            return values.Skip(1).Aggregate(values[0], HoconMerge.MergeResolved);
        }

        var offender = values.Find(v => v is HoconScalar) ?? values[0];
        throw new HoconException(HoconErrorKind.WrongType, offender.Origin,
            "cannot concatenate an object or list with a value of another type (for example a list with an object, or += on a non-list)");
    }

    private HoconValue? ResolveDelayedMerge(HoconDelayedMerge merge)
    {
        HoconValue? result = null;
        for (var i = merge.Stack.Count - 1; i >= 0; i--)
        {
            var value = Resolve(merge.Stack[i]);
            if (value is null)
            {
                continue;
            }

            if (result is null)
            {
                result = value;
            }
            else if (value is HoconObject)
            {
                result = HoconMerge.MergeResolved(value, result);
            }

            // A non-object hides everything defined before it, so the older definitions are never evaluated.
            if (value is not HoconObject)
            {
                break;
            }
        }

        return result;
    }

    private HoconValue? ResolveLookback(HoconLookback lookback)
    {
        var current = Resolve(lookback.Previous);
        foreach (var key in lookback.Remainder)
        {
            current = current is HoconObject obj && obj.Fields.TryGetValue(key, out var child) ? child : null;
        }

        if (current is not null || lookback.Substitution.Optional)
        {
            return current;
        }

        throw new HoconException(HoconErrorKind.UnresolvedSubstitution, lookback.Origin,
            $"could not resolve substitution to a value: {lookback.Substitution.Describe()} refers to an earlier value that does not contain it");
    }
}
