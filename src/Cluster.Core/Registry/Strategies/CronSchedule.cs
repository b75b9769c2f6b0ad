using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// A standard 5-field cron schedule as CronJobs accept it (robfig/cron ParseStandard): minute,
/// hour, day of month, month, day of week, with lists, ranges, steps, month and weekday names,
/// the @hourly/@daily/... descriptors and "@every &lt;duration&gt;". Error messages are robfig's,
/// which upstream returns verbatim in <c>spec.schedule</c> causes.
/// </summary>
public sealed class CronSchedule
{
    private const ulong StarBit = 1UL << 63;

    private static readonly Field[] Fields =
    [
        new(0, 59, null),
        new(0, 23, null),
        new(1, 31, null),
        new(1, 12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        new(0, 6, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ];

    private static readonly Dictionary<string, string> Descriptors = new(StringComparer.Ordinal)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    private readonly ulong[] _bits;

    private CronSchedule(ulong[] bits, TimeSpan? every)
    {
        _bits = bits;
        Every = every;
    }

    /// <summary>The interval of an "@every" schedule, else null.</summary>
    public TimeSpan? Every { get; }

    public static bool TryParse(string? spec, [NotNullWhen(true)] out CronSchedule? schedule, out string error)
    {
        schedule = null;
        error = "";
        spec = spec?.Trim() ?? "";
        if (spec.Length == 0)
        {
            error = "empty spec string";
            return false;
        }

        // A leading TZ= or CRON_TZ= is robfig syntax; CronJobs reject it separately in favour of spec.timeZone.
        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = spec.IndexOf(' ', StringComparison.Ordinal);
            spec = space < 0 ? "" : spec[(space + 1)..].Trim();
        }

        if (spec.StartsWith('@'))
        {
            return TryParseDescriptor(spec, out schedule, out error);
        }

        var parts = spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != Fields.Length)
        {
            error = $"expected exactly {Fields.Length} fields, found {parts.Length}: [{string.Join(' ', parts)}]";
            return false;
        }

        var bits = new ulong[Fields.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            foreach (var range in parts[i].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TryRange(range, Fields[i], out var rangeBits, out error))
                {
                    return false;
                }

                bits[i] |= rangeBits;
            }
        }

        schedule = new CronSchedule(bits, null);
        return true;
    }

    /// <summary>The first activation strictly after <paramref name="after"/> (whole minutes, wall clock of <paramref name="zone"/>, UTC by default); null when none within five years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo? zone = null)
    {
        if (Every is { } every)
        {
            return after.AddTicks(-(after.Ticks % TimeSpan.TicksPerSecond)) + every;
        }

        zone ??= TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var t = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var limit = t.Year + 5;
        while (t.Year <= limit)
        {
            if (!Has(3, t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
            }
            else if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
            }
            else if (!Has(1, t.Hour))
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Unspecified).AddHours(1);
            }
            else if (!Has(0, t.Minute))
            {
                t = t.AddMinutes(1);
            }
            else if (zone.IsInvalidTime(t))
            {
                // Skipped by a daylight-saving jump: the next minute that exists.
                t = t.AddMinutes(1);
            }
            else
            {
                return new DateTimeOffset(t, zone.GetUtcOffset(t));
            }
        }

        return null;
    }

    private bool Has(int field, int value) => (_bits[field] & (1UL << value)) != 0;

    /// <summary>With both day fields restricted, either may match (classic cron); a '*' in one defers to the other.</summary>
    private bool DayMatches(DateTime t)
    {
        var dom = Has(2, t.Day);
        var dow = Has(4, (int)t.DayOfWeek);
        return (_bits[2] & StarBit) != 0 || (_bits[4] & StarBit) != 0 ? dom && dow : dom || dow;
    }

    private static bool TryParseDescriptor(string spec, out CronSchedule? schedule, out string error)
    {
        schedule = null;
        if (Descriptors.TryGetValue(spec, out var expanded))
        {
            return TryParse(expanded, out schedule, out error);
        }

        if (spec.StartsWith("@every ", StringComparison.Ordinal))
        {
            var text = spec["@every ".Length..].Trim();
            if (!GoDuration.TryParse(text, out var every) || every <= TimeSpan.Zero)
            {
                error = $"failed to parse duration {spec}: time: invalid duration \"{text}\"";
                return false;
            }

            error = "";
            schedule = new CronSchedule(new ulong[Fields.Length], every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : every);
            return true;
        }

        error = "unrecognized descriptor: " + spec;
        return false;
    }

    private static bool TryRange(string expr, Field field, out ulong bits, out string error)
    {
        bits = 0;
        error = "";
        var rangeAndStep = expr.Split('/');
        var lowAndHigh = rangeAndStep[0].Split('-');
        int start, end;
        ulong extra = 0;
        if (lowAndHigh[0] is "*" or "?")
        {
            (start, end, extra) = (field.Min, field.Max, StarBit);
        }
        else
        {
            if (!TryIntOrName(lowAndHigh[0], field, out start, out error))
            {
                return false;
            }

            end = start;
            if (lowAndHigh.Length == 2 && !TryIntOrName(lowAndHigh[1], field, out end, out error))
            {
                return false;
            }

            if (lowAndHigh.Length > 2)
            {
                error = "too many hyphens: " + expr;
                return false;
            }
        }

        var step = 1;
        if (rangeAndStep.Length == 2)
        {
            if (!TryInt(rangeAndStep[1], out step, out error))
            {
                return false;
            }

            // "N/step" means "N-max/step".
            end = lowAndHigh.Length == 1 ? field.Max : end;
            extra = step > 1 ? 0 : extra;
        }
        else if (rangeAndStep.Length > 2)
        {
            error = "too many slashes: " + expr;
            return false;
        }

        error = start < field.Min ? $"beginning of range ({start}) below minimum ({field.Min}): {expr}"
            : end > field.Max ? $"end of range ({end}) above maximum ({field.Max}): {expr}"
            : start > end ? $"beginning of range ({start}) beyond end of range ({end}): {expr}"
            : step == 0 ? "step of range should be a positive number: " + expr
            : "";
        if (error.Length > 0)
        {
            return false;
        }

        for (var value = start; value <= end; value += step)
        {
            bits |= 1UL << value;
        }

        bits |= extra;
        return true;
    }

    private static bool TryIntOrName(string text, Field field, out int value, out string error)
    {
        var index = field.Names is null ? -1 : Array.IndexOf(field.Names, text.ToLowerInvariant());
        if (index >= 0)
        {
            value = index + field.Min;
            error = "";
            return true;
        }

        return TryInt(text, out value, out error);
    }

    private static bool TryInt(string text, out int value, out string error)
    {
        error = "";
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            error = $"failed to parse int from {text}: strconv.Atoi: parsing \"{text}\": invalid syntax";
            return false;
        }

        if (value < 0)
        {
            error = $"negative number ({value}) not allowed: {text}";
            return false;
        }

        return true;
    }

    private sealed record Field(int Min, int Max, string[]? Names);
}
