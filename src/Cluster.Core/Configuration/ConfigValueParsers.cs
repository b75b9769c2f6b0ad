using System.Globalization;
using Cluster.Core.Configuration.Hocon;

namespace Cluster.Core.Configuration;

/// <summary>
/// Parses the typed scalar forms HOCON defines (durations, sizes, booleans) from the strings that
/// Microsoft.Extensions.Configuration hands to settings binders, so every module reads "10s" or
/// "on" the same way whichever configuration source the value came from.
/// </summary>
public static class ConfigValueParsers
{
    /// <summary>Akka's spelling for "no time limit".</summary>
    public static readonly TimeSpan Infinite = Timeout.InfiniteTimeSpan;

    public static bool TryParseBoolean(string? text, out bool value)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "on":
                value = true;
                return true;
            case "false" or "no" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>
    /// A HOCON duration: a number with an optional unit (ns, us, ms, s, m, h, d and their word
    /// forms); a bare number means milliseconds. Also accepts .NET's "hh:mm:ss" and Akka's "infinite".
    /// </summary>
    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.Equals("infinite", StringComparison.OrdinalIgnoreCase))
        {
            value = Infinite;
            return true;
        }

        if (s.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value);
        }

        var (number, unit) = SplitNumberAndUnit(s);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        double? ticksPerUnit = unit switch
        {
            "" or "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => TimeSpan.TicksPerMillisecond,
            "ns" or "nano" or "nanos" or "nanosecond" or "nanoseconds" => 0.01,
            "us" or "micro" or "micros" or "microsecond" or "microseconds" => 10,
            "s" or "second" or "seconds" => TimeSpan.TicksPerSecond,
            "m" or "minute" or "minutes" => TimeSpan.TicksPerMinute,
            "h" or "hour" or "hours" => TimeSpan.TicksPerHour,
            "d" or "day" or "days" => TimeSpan.TicksPerDay,
            _ => null,
        };
        if (ticksPerUnit is null || amount < 0)
        {
            return false;
        }

        var ticks = amount * ticksPerUnit.Value;
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>
    /// A HOCON size in bytes: a bare number means bytes; kB, MB, GB... are powers of ten and K, Ki,
    /// KiB, M... powers of two (units are case-sensitive, so "1 KB" is refused); negative sizes are refused.
    /// The HOCON typed getters use the same rules.
    /// </summary>
    public static bool TryParseSize(string? text, out long bytes) => HoconUnits.TryParseBytes(text, out bytes);

    /// <summary>An address "HOST:PORT" (the last colon separates them; a port from 0 to 65535, digits only; a non-empty host).</summary>
    public static bool TryParseHostPort(string? text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !int.TryParse(text![(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            port = 0;
            return false;
        }

        host = text[..colon];
        return true;
    }

    private static (string Number, string Unit) SplitNumberAndUnit(string s)
    {
        var i = s.Length;
        while (i > 0 && char.IsLetter(s[i - 1]))
        {
            i--;
        }

        return (s[..i].Trim(), s[i..]);
    }
}
