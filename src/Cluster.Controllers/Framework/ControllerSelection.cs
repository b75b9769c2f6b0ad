namespace Cluster.Controllers.Framework;

/// <summary>
/// Which controllers run, as kube-controller-manager's <c>--controllers</c>: a comma-separated list where <c>*</c>
/// enables every controller that is on by default, <c>foo</c> enables foo and <c>-foo</c> disables it; the first
/// entry naming a controller decides, and without <c>*</c> only the controllers named run.
/// </summary>
public sealed class ControllerSelection
{
    private readonly IReadOnlyList<string> _entries;

    private ControllerSelection(IReadOnlyList<string> entries) => _entries = entries;

    /// <summary>Every controller that is on by default (the flag's default, "*").</summary>
    public static ControllerSelection Default { get; } = new(["*"]);

    /// <summary>Parses <paramref name="list"/>; an entry that names no controller in <paramref name="known"/> is refused, naming it.</summary>
    public static ControllerSelection Parse(string list, IReadOnlyCollection<string> known)
    {
        var entries = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var entry in entries)
        {
            var name = entry.StartsWith('-') ? entry[1..] : entry;
            if (entry != "*" && !known.Contains(name, StringComparer.Ordinal))
            {
                throw new FormatException($"\"{entry}\" is not in the list of known controllers ({string.Join(", ", known.Order(StringComparer.Ordinal))})");
            }
        }

        return new ControllerSelection(entries);
    }

    /// <summary>Whether controller <paramref name="name"/> runs; <paramref name="onByDefault"/>: whether "*" includes it.</summary>
    public bool IsEnabled(string name, bool onByDefault = true)
    {
        var star = false;
        foreach (var entry in _entries)
        {
            if (entry == name)
            {
                return true;
            }

            if (entry.Length == name.Length + 1 && entry[0] == '-' && entry.AsSpan(1).SequenceEqual(name))
            {
                return false;
            }

            star |= entry == "*";
        }

        return star && onByDefault;
    }

    public override string ToString() => string.Join(',', _entries);
}
