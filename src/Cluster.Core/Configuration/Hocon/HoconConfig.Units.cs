namespace Cluster.Core.Configuration.Hocon;

public sealed partial class HoconConfig
{
    /// <summary>A duration in nanoseconds (the reference implementation's precision); a bare number means milliseconds.</summary>
    public long GetDurationNanoseconds(string path)
    {
        var value = Require(path);
        return value is HoconScalar { Type: HoconValueType.Number or HoconValueType.String } scalar
            && HoconUnits.TryParseDurationNanoseconds(scalar.Text, out var nanoseconds)
            ? nanoseconds
            : throw DurationError(path, value);
    }

    /// <summary>
    /// A duration as a TimeSpan (100 ns resolution, so smaller parts are truncated). With
    /// <paramref name="allowInfinite"/> Akka's <c>infinite</c> (any case) gives <see cref="Timeout.InfiniteTimeSpan"/>;
    /// the specification itself has no such value.
    /// </summary>
    public TimeSpan GetDuration(string path, bool allowInfinite = false)
    {
        var value = Require(path);
        if (allowInfinite && value is HoconScalar { Type: HoconValueType.String } scalar
            && scalar.Text.Trim().Equals("infinite", StringComparison.OrdinalIgnoreCase))
        {
            return Timeout.InfiniteTimeSpan;
        }

        return TimeSpan.FromTicks(GetDurationNanoseconds(path) / 100);
    }

    /// <summary>A size in bytes: bare numbers are bytes, kB/MB are powers of ten and K/Ki/KiB powers of two. Negative sizes are refused.</summary>
    public long GetBytes(string path)
    {
        var value = Require(path);
        if (value is not HoconScalar { Type: HoconValueType.Number or HoconValueType.String } scalar)
        {
            throw WrongType(path, value, "a size in bytes");
        }

        return HoconUnits.TryParseBytes(scalar.Text, out var bytes)
            ? bytes
            : throw BadValue(path, value, $"'{scalar.Text}' is not a size in bytes: expected a non-negative number with an optional unit "
                + "(B, kB, MB, GB, TB, ... or K, Ki, KiB, M, Mi, MiB, ...; units are case-sensitive)");
    }

    /// <summary>
    /// A list. An object whose keys are non-negative integers also reads as a list (ordered by key,
    /// gaps dropped), which is how properties-style and environment overrides spell lists.
    /// </summary>
    public IReadOnlyList<HoconValue> GetList(string path)
    {
        var value = Require(path);
        return value switch
        {
            HoconArray array => array.Items,
            HoconObject obj when TryNumericallyIndexed(obj, out var items) => items,
            _ => throw WrongType(path, value, "a list"),
        };
    }

    public IReadOnlyList<string> GetStringList(string path) =>
        GetList(path).Select((item, index) => item is HoconScalar { Type: not HoconValueType.Null } scalar
            ? scalar.Text
            : throw WrongType($"{path}[{index}]", item, "a string")).ToList();

    internal static bool TryNumericallyIndexed(HoconObject obj, out IReadOnlyList<HoconValue> items)
    {
        var indexed = new List<(long Index, HoconValue Value)>();
        foreach (var (key, value) in obj.Fields)
        {
            if (key.Length > 0 && key.All(char.IsAsciiDigit) && long.TryParse(key, out var index))
            {
                indexed.Add((index, value));
            }
        }

        items = indexed.OrderBy(entry => entry.Index).Select(entry => entry.Value).ToList();
        return indexed.Count > 0;
    }

    private static HoconException DurationError(string path, HoconValue value) => value is HoconScalar { Type: HoconValueType.Number or HoconValueType.String } scalar
        ? BadValue(path, value, $"'{scalar.Text}' is not a duration: expected a number with an optional unit "
            + "(ns, us, ms, s, m, h, d or their word forms such as 'seconds'; units are case-sensitive)")
        : WrongType(path, value, "a duration");
}
