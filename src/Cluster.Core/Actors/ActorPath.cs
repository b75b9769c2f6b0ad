using System.Text;

namespace Cluster.Core.Actors;

/// <summary>
/// The logical address of an actor: <c>cluster://system/user/parent/child</c>, plus the
/// uid of one incarnation. Two paths are equal when their elements are equal; the uid only
/// matters to <see cref="IActorRef"/> equality, where it tells incarnations apart.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    /// <summary>The protocol token of actor addresses (not Akka's: we are not wire-compatible).</summary>
    public const string Scheme = "cluster";

    /// <summary>Characters allowed in actor names besides ASCII letters and digits (Akka's set).</summary>
    private const string ValidSymbols = "-_.*$+:@&=,!~';()";

    private string? _text;

    private ActorPath(string systemName, ActorPath? parent, string name, long uid)
    {
        SystemName = systemName;
        Parent = parent;
        Name = name;
        Uid = uid;
        Depth = parent is null ? 0 : parent.Depth + 1;
    }

    public string SystemName { get; }

    /// <summary>The parent path; null only for the root.</summary>
    public ActorPath? Parent { get; }

    public string Name { get; }

    /// <summary>The incarnation uid; 0 means "any incarnation".</summary>
    public long Uid { get; }

    public int Depth { get; }

    public static ActorPath Root(string systemName) => new(systemName, null, string.Empty, 0);

    public ActorPath Child(string name, long uid = 0) => new(SystemName, this, name, uid);

    public ActorPath WithUid(long uid) => uid == Uid ? this : new ActorPath(SystemName, Parent, Name, uid);

    /// <summary>The path elements below the root, e.g. ["user", "a", "b"].</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var elements = new string[Depth];
            var p = this;
            for (var i = Depth - 1; i >= 0; i--)
            {
                elements[i] = p!.Name;
                p = p.Parent;
            }

            return elements;
        }
    }

    /// <summary>Whether <paramref name="name"/> may name a user actor (not empty, not '$'-prefixed, Akka's character set).</summary>
    public static bool IsValidActorName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name[0] == '$')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || ValidSymbols.Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The path with the uid appended as Akka prints it on the wire: <c>.../user/a#1234</c>.</summary>
    public string ToStringWithUid() => Uid == 0 ? ToString() : $"{this}#{Uid}";

    public override string ToString()
    {
        if (_text is not null)
        {
            return _text;
        }

        var sb = new StringBuilder();
        sb.Append(Scheme).Append("://").Append(SystemName);
        if (Depth == 0)
        {
            sb.Append('/');
        }

        foreach (var element in Elements)
        {
            sb.Append('/').Append(element);
        }

        return _text = sb.ToString();
    }

    public bool Equals(ActorPath? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Depth != Depth)
        {
            return false;
        }

        var a = this;
        var b = other;
        while (a is not null && b is not null)
        {
            if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal))
            {
                return false;
            }

            if (ReferenceEquals(a.Parent, b.Parent))
            {
                return true;
            }

            a = a.Parent;
            b = b.Parent;
        }

        return string.Equals(SystemName, other.SystemName, StringComparison.Ordinal);
    }

    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    public override int GetHashCode() => HashCode.Combine(Name, Depth, Parent?.Name);
}
