using System.Text;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Patching;

/// <summary>
/// A set of field paths (structured-merge-diff's fieldpath.Set) as a tree keyed by path
/// elements in their FieldsV1 spelling: <c>f:name</c> (a field), <c>k:{"name":"app"}</c> (an item
/// of a keyed list), <c>v:"x"</c> (an item of a set), <c>i:0</c> (a position). A node is a member
/// when its own path is in the set; FieldsV1 writes that as <c>".":{}</c> beside its children.
/// </summary>
internal sealed class FieldSet
{
    // Most nodes are leaves: their dictionary is only made once they get a child.
    private Dictionary<string, FieldSet>? _children;

    public bool Member { get; set; }

    public IReadOnlyDictionary<string, FieldSet> Children => _children ?? NoChildren;

    public bool IsEmpty => !Member && ChildCount == 0;

    private int ChildCount => _children?.Count ?? 0;

    private static readonly Dictionary<string, FieldSet> NoChildren = new(StringComparer.Ordinal);

    public FieldSet? Get(string element) => _children?.GetValueOrDefault(element);

    public FieldSet Child(string element)
    {
        _children ??= new Dictionary<string, FieldSet>(StringComparer.Ordinal);
        if (!_children.TryGetValue(element, out var child))
        {
            child = new FieldSet();
            _children[element] = child;
        }

        return child;
    }

    private void Set(string element, FieldSet child) => (_children ??= new Dictionary<string, FieldSet>(StringComparer.Ordinal))[element] = child;

    public void Insert(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            node = node.Child(element);
        }

        node.Member = true;
    }

    /// <summary>Every member path, in FieldsV1 order.</summary>
    public IEnumerable<IReadOnlyList<string>> Paths() => Paths([]);

    private IEnumerable<IReadOnlyList<string>> Paths(List<string> prefix)
    {
        if (Member && prefix.Count > 0)
        {
            yield return prefix.ToArray();
        }

        foreach (var (element, child) in Ordered())
        {
            prefix.Add(element);
            foreach (var path in child.Paths(prefix))
            {
                yield return path;
            }

            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    public FieldSet Union(FieldSet other) => Combine(this, other, static (a, b) => a || b);

    public FieldSet Intersection(FieldSet other) => Combine(this, other, static (a, b) => a && b);

    public FieldSet Difference(FieldSet other) => Combine(this, other, static (a, b) => a && !b);

    /// <summary>This set without any path at or below a member of <paramref name="removed"/> (fieldpath's RecursiveDifference).</summary>
    public FieldSet WithoutSubtrees(FieldSet removed)
    {
        var result = new FieldSet { Member = Member };
        if (_children is null)
        {
            return result;
        }

        foreach (var (element, child) in _children)
        {
            var cut = removed.Get(element);
            if (cut is { Member: true })
            {
                continue;
            }

            var kept = cut is null ? child.Clone() : child.WithoutSubtrees(cut);
            if (!kept.IsEmpty)
            {
                result.Set(element, kept);
            }
        }

        return result;
    }

    public FieldSet Clone() => Combine(this, Empty, static (a, _) => a);

    public bool SetEquals(FieldSet other) => Difference(other).IsEmpty && other.Difference(this).IsEmpty;

    private static readonly FieldSet Empty = new();

    private static FieldSet Combine(FieldSet a, FieldSet b, Func<bool, bool, bool> member)
    {
        var result = new FieldSet { Member = member(a.Member, b.Member) };
        if (a._children is { } left)
        {
            foreach (var (element, child) in left)
            {
                result.SetUnlessEmpty(element, Combine(child, b.Get(element) ?? Empty, member));
            }
        }

        if (b._children is { } right)
        {
            foreach (var (element, child) in right)
            {
                if (a.Get(element) is null)
                {
                    result.SetUnlessEmpty(element, Combine(Empty, child, member));
                }
            }
        }

        return result;
    }

    private void SetUnlessEmpty(string element, FieldSet child)
    {
        if (!child.IsEmpty)
        {
            Set(element, child);
        }
    }

    /// <summary>Reads the <c>fieldsV1</c> of a managedFields entry.</summary>
    public static FieldSet FromFieldsV1(JsonObject fields)
    {
        var set = new FieldSet();
        foreach (var (element, value) in fields)
        {
            if (element == ".")
            {
                set.Member = true;
            }
            else if (value is JsonObject child)
            {
                var node = FromFieldsV1(child);
                if (child.Count == 0)
                {
                    node.Member = true;
                }

                set.SetUnlessEmpty(element, node);
            }
        }

        return set;
    }

    /// <summary>Writes the set as <c>fieldsV1</c>: <c>{}</c> for a member leaf, <c>".":{}</c> first for a member with children.</summary>
    public JsonObject ToFieldsV1()
    {
        var result = new JsonObject();
        if (Member && ChildCount > 0)
        {
            result["."] = new JsonObject();
        }

        foreach (var (element, child) in Ordered())
        {
            result[element] = child.ToFieldsV1();
        }

        return result;
    }

    private KeyValuePair<string, FieldSet>[] Ordered()
    {
        if (_children is null)
        {
            return [];
        }

        var ordered = _children.ToArray();
        if (ordered.Length > 1)
        {
            Array.Sort(ordered, static (x, y) => Rank(x.Key) != Rank(y.Key) ? Rank(x.Key).CompareTo(Rank(y.Key)) : string.CompareOrdinal(x.Key, y.Key));
        }

        return ordered;
    }

    /// <summary>Fields sort before keyed items, then set values, then positions, as fieldpath orders path elements.</summary>
    private static int Rank(string element) => element.Length == 0 ? 4 : element[0] switch
    {
        'f' => 0,
        'k' => 1,
        'v' => 2,
        'i' => 3,
        _ => 4,
    };

    /// <summary>A path as structured-merge-diff prints it in conflict messages: <c>.spec.containers[name="app"].image</c>.</summary>
    public static string Describe(IReadOnlyList<string> path)
    {
        var text = new StringBuilder();
        foreach (var element in path)
        {
            var body = element.Length > 2 ? element[2..] : "";
            switch (element.Length > 0 ? element[0] : ' ')
            {
                case 'f':
                    text.Append('.').Append(body);
                    break;
                case 'k' when JsonNode.Parse(body) is JsonObject key:
                    text.Append('[').AppendJoin(',', key.Select(p => p.Key + "=" + FieldSetWalker.Canonical(p.Value))).Append(']');
                    break;
                case 'v':
                    text.Append("[=").Append(body).Append(']');
                    break;
                default:
                    text.Append('[').Append(body).Append(']');
                    break;
            }
        }

        return text.ToString();
    }
}
