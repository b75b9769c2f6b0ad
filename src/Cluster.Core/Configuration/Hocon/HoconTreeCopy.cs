namespace Cluster.Core.Configuration.Hocon;

/// <summary>Deep copies of unresolved trees, because resolution rewrites a tree in place and documents are reusable.</summary>
internal static class HoconTreeCopy
{
    public static HoconValue Copy(HoconValue value) => value switch
    {
        HoconObject o => CopyObject(o),
        HoconArray a => a.IsResolved ? a : new HoconArray(a.MutableItems.Select(Copy).ToList(), a.Origin),
        HoconConcatenation c => new HoconConcatenation(c.Pieces.Select(Copy).ToList(), c.Origin),
        HoconDelayedMerge d => new HoconDelayedMerge(d.Stack.Select(Copy).ToList(), d.Origin),
        HoconLookback l => new HoconLookback(Copy(l.Previous), l.Remainder, l.Substitution),
        _ => value,
    };

    public static HoconObject CopyObject(HoconObject obj)
    {
        if (obj.IsResolved)
        {
            return obj;
        }

        var copy = new HoconObject(obj.Origin);
        foreach (var (key, value) in obj.Fields)
        {
            copy.Fields[key] = Copy(value);
        }

        return copy;
    }
}
