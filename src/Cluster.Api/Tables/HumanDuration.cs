using System.Globalization;

namespace Cluster.Api.Tables;

/// <summary>
/// Durations for humans, as k8s.io/apimachinery/pkg/util/duration prints them ("5m", "3h12m", "2y45d").
/// Integer divisions truncate toward zero like Go's conversions, so the thresholds match kubectl's.
/// </summary>
public static class HumanDuration
{
    private const long TicksPerMinute = TimeSpan.TicksPerMinute;
    private const long TicksPerHour = TimeSpan.TicksPerHour;

    /// <summary>HumanDuration: about two to three significant figures ("90s", "5m30s", "2d3h", "3y10d").</summary>
    public static string Format(TimeSpan d)
    {
        var seconds = d.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        // A clock a second ahead of ours still counts as "now".
        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Inv($"{seconds}s");
        }

        var minutes = d.Ticks / TicksPerMinute;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Inv($"{minutes}m") : Inv($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Inv($"{minutes}m");
        }

        var hours = d.Ticks / TicksPerHour;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Inv($"{hours}h") : Inv($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Inv($"{hours}h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Inv($"{hours / 24}d") : Inv($"{hours / 24}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Inv($"{hours / 24}d");
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Inv($"{hours / 24 / 365}y") : Inv($"{hours / 24 / 365}y{dy}d");
        }

        return Inv($"{hours / 24 / 365}y");
    }

    /// <summary>ShortHumanDuration: one unit only ("45s", "5m", "3h", "12d", "2y").</summary>
    public static string ShortFormat(TimeSpan d)
    {
        var seconds = d.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60)
        {
            return Inv($"{seconds}s");
        }

        var minutes = d.Ticks / TicksPerMinute;
        if (minutes < 60)
        {
            return Inv($"{minutes}m");
        }

        var hours = d.Ticks / TicksPerHour;
        if (hours < 24)
        {
            return Inv($"{hours}h");
        }

        return hours < 24 * 365 ? Inv($"{hours / 24}d") : Inv($"{hours / 24 / 365}y");
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
