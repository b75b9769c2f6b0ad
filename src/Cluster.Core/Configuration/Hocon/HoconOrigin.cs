namespace Cluster.Core.Configuration.Hocon;

/// <summary>Where a value or an error comes from: a file (or a description of a string source), a line and a column, all 1-based.</summary>
public readonly record struct HoconOrigin(string Description, int Line, int Column)
{
    public static HoconOrigin Unknown { get; } = new("<unknown>", 0, 0);

    public override string ToString() => Line > 0 ? $"{Description}:{Line}:{Column}" : Description;
}
