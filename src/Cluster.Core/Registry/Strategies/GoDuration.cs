using System.Globalization;

namespace Cluster.Core.Registry.Strategies;

/// <summary>Go's time.ParseDuration syntax ("90s", "1h30m", "1.5h"), which "@every" schedules use.</summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var pos = 0;
        var ticks = 0.0;
        while (pos < text.Length)
        {
            var start = pos;
            while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '.'))
            {
                pos++;
            }

            if (!double.TryParse(text.AsSpan(start, pos - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = pos;
            while (pos < text.Length && !char.IsAsciiDigit(text[pos]) && text[pos] != '.')
            {
                pos++;
            }

            var unit = text[unitStart..pos];
            var match = Array.FindIndex(Units, u => u.Unit == unit);
            if (match < 0)
            {
                return false;
            }

            ticks += number * Units[match].Ticks;
        }

        if (text.Length == 0 || ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }
}
