using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Cluster.Core.Configuration.Hocon;

/// <summary>
/// Duration and size strings as the reference implementation reads them: a number, optional
/// whitespace, and an optional case-sensitive unit made of letters.
/// </summary>
public static partial class HoconUnits
{
    private static readonly Dictionary<string, long> NanosPerDurationUnit = new(StringComparer.Ordinal)
    {
        [string.Empty] = 1_000_000,
        ["ms"] = 1_000_000,
        ["millis"] = 1_000_000,
        ["milliseconds"] = 1_000_000,
        ["us"] = 1_000,
        ["micros"] = 1_000,
        ["microseconds"] = 1_000,
        ["ns"] = 1,
        ["nanos"] = 1,
        ["nanoseconds"] = 1,
        ["d"] = 86_400_000_000_000,
        ["days"] = 86_400_000_000_000,
        ["h"] = 3_600_000_000_000,
        ["hours"] = 3_600_000_000_000,
        ["s"] = 1_000_000_000,
        ["seconds"] = 1_000_000_000,
        ["m"] = 60_000_000_000,
        ["minutes"] = 60_000_000_000,
    };

    private static readonly Dictionary<string, BigInteger> BytesPerSizeUnit = BuildSizeUnits();

    /// <summary>Parses a duration to nanoseconds; a bare number means milliseconds. Values past Int64 saturate, as in the reference.</summary>
    public static bool TryParseDurationNanoseconds(string? text, out long nanoseconds)
    {
        nanoseconds = 0;
        if (!TrySplit(text, out var number, out var unit))
        {
            return false;
        }

        // Word forms: "second" is read as "seconds", "milli" as "millis" (units longer than two letters gain an 's').
        if (unit.Length > 2 && !unit.EndsWith('s'))
        {
            unit += "s";
        }

        if (!NanosPerDurationUnit.TryGetValue(unit, out var nanosPerUnit))
        {
            return false;
        }

        if (IntegerPattern().IsMatch(number))
        {
            if (!BigInteger.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            {
                return false;
            }

            nanoseconds = Saturate(whole * nanosPerUnit);
            return true;
        }

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !double.IsFinite(amount))
        {
            return false;
        }

        nanoseconds = (long)Math.Clamp(amount * nanosPerUnit, long.MinValue, long.MaxValue);
        return true;
    }

    /// <summary>Parses a size to bytes; a bare number means bytes. Powers of ten (kB, MB) and of two (K, Ki, KiB) are both accepted.</summary>
    public static bool TryParseBytes(string? text, out long bytes)
    {
        bytes = 0;
        if (!TrySplit(text, out var number, out var unit) || !BytesPerSizeUnit.TryGetValue(unit, out var bytesPerUnit))
        {
            return false;
        }

        BigInteger result;
        if (IntegerPattern().IsMatch(number))
        {
            if (!BigInteger.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            {
                return false;
            }

            result = whole * bytesPerUnit;
        }
        else if (decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            try
            {
                result = new BigInteger(amount * (decimal)bytesPerUnit);
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (result < 0 || result > long.MaxValue)
        {
            return false;
        }

        bytes = (long)result;
        return true;
    }

    private static bool TrySplit(string? text, out string number, out string unit)
    {
        number = unit = string.Empty;
        if (text is null)
        {
            return false;
        }

        var trimmed = text.Trim();
        var unitStart = trimmed.Length;
        while (unitStart > 0 && char.IsLetter(trimmed[unitStart - 1]))
        {
            unitStart--;
        }

        unit = trimmed[unitStart..];
        number = trimmed[..unitStart].Trim();
        return number.Length > 0;
    }

    private static long Saturate(BigInteger value) =>
        value > long.MaxValue ? long.MaxValue : value < long.MinValue ? long.MinValue : (long)value;

    private static Dictionary<string, BigInteger> BuildSizeUnits()
    {
        var units = new Dictionary<string, BigInteger>(StringComparer.Ordinal)
        {
            [string.Empty] = 1,
            ["B"] = 1,
            ["b"] = 1,
            ["byte"] = 1,
            ["bytes"] = 1,
        };
        string[] decimalPrefixes = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"];
        string[] binaryPrefixes = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"];
        for (var power = 1; power <= decimalPrefixes.Length; power++)
        {
            var ofTen = BigInteger.Pow(1000, power);
            var decimalPrefix = decimalPrefixes[power - 1];
            units[decimalPrefix + "byte"] = ofTen;
            units[decimalPrefix + "bytes"] = ofTen;
            units[power == 1 ? "kB" : char.ToUpperInvariant(decimalPrefix[0]) + "B"] = ofTen;

            var ofTwo = BigInteger.Pow(1024, power);
            var binaryPrefix = binaryPrefixes[power - 1];
            var letter = binaryPrefix[..1];
            var upper = letter.ToUpperInvariant();
            units[binaryPrefix + "byte"] = ofTwo;
            units[binaryPrefix + "bytes"] = ofTwo;
            units[letter] = ofTwo;
            units[upper] = ofTwo;
            units[upper + "i"] = ofTwo;
            units[upper + "iB"] = ofTwo;
        }

        return units;
    }

    [GeneratedRegex("^[+-]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();
}
