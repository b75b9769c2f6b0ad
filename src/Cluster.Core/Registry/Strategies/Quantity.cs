using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>How a quantity was written, which decides how it prints (apimachinery resource.Format).</summary>
public enum QuantityFormat
{
    /// <summary>"1e3", "12E-6".</summary>
    DecimalExponent,

    /// <summary>"1Ki", "5Gi" (powers of 1024).</summary>
    BinarySI,

    /// <summary>"100m", "1", "2k", "3M".</summary>
    DecimalSI,
}

/// <summary>
/// A Kubernetes resource quantity ("100m", "1Gi", "2", "1e3"), held exactly as an integer and a
/// power-of-ten scale. Parsing follows apimachinery's ParseQuantity (values finer than 1n round
/// up to 1n) and <see cref="ToString"/> prints the canonical form the API server returns
/// ("1000m" prints "1", "1536Mi" stays "1536Mi", "0.5" prints "500m").
/// </summary>
public readonly struct Quantity : IEquatable<Quantity>, IComparable<Quantity>
{
    /// <summary>The message for a malformed quantity, as upstream's ErrFormatWrong.</summary>
    public const string FormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    /// <summary>The message for an unknown suffix, as upstream's ErrSuffix.</summary>
    public const string SuffixError = "unable to parse quantity's suffix";

    private const int NanoScale = 9;
    private const int MaxExponent = 1000;

    private static readonly (string Suffix, int Exponent)[] DecimalSuffixes =
        [("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];

    private static readonly string[] BinarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    private Quantity(BigInteger unscaled, int scale, QuantityFormat format)
    {
        // Scale is kept >= 0 so comparisons and arithmetic only ever align upwards.
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        Unscaled = unscaled;
        Scale = scale;
        Format = format;
    }

    /// <summary>The value is <c>Unscaled × 10^-Scale</c>.</summary>
    public BigInteger Unscaled { get; }

    /// <summary>Decimal places of <see cref="Unscaled"/> (0 to 9).</summary>
    public int Scale { get; }

    public QuantityFormat Format { get; }

    public int Sign => Unscaled.Sign;

    public bool IsZero => Unscaled.IsZero;

    /// <summary>The value rounded up to a whole number (upstream Value()), saturated to the long range.</summary>
    public long Value => Saturate(ScaledCeiling(0));

    /// <summary>The value in thousandths, rounded up (upstream MilliValue()), saturated to the long range.</summary>
    public long MilliValue => Saturate(ScaledCeiling(3));

    public static Quantity Zero => new(BigInteger.Zero, 0, QuantityFormat.DecimalSI);

    public static Quantity FromDecimal(decimal value, QuantityFormat format = QuantityFormat.DecimalSI)
    {
        var bits = decimal.GetBits(value);
        var scale = (bits[3] >> 16) & 0xFF;
        var magnitude = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        return RoundToNano(value < 0 ? -magnitude : magnitude, scale, format);
    }

    public static Quantity FromMilli(long milli) => new(milli, 3, QuantityFormat.DecimalSI);

    public static Quantity Parse(string text) =>
        TryParse(text, out var quantity, out var error) ? quantity : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, out Quantity quantity) =>
        TryParse(text, out quantity, out _);

    /// <summary>Parses a quantity; <paramref name="error"/> is upstream's message when it is malformed.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Quantity quantity, out string error)
    {
        quantity = Zero;
        error = FormatError;
        if (string.IsNullOrEmpty(text) || !TrySplit(text, out var negative, out var digits, out var fraction, out var suffix))
        {
            return false;
        }

        if (!TryInterpretSuffix(suffix, out var binary, out var exponent, out var format))
        {
            error = SuffixError;
            return false;
        }

        var unscaled = BigInteger.Parse("0" + digits + fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            unscaled = -unscaled;
        }

        quantity = binary
            ? RoundToNano(unscaled << exponent, fraction.Length, format)
            : RoundToNano(unscaled, fraction.Length - exponent, format);
        error = "";
        return true;
    }

    /// <summary>Reads a quantity from JSON: a string, or a number (which upstream also accepts).</summary>
    public static bool TryRead(JsonNode? node, out Quantity quantity, out string error)
    {
        var text = node is JsonValue v
            ? v.GetValueKind() switch
            {
                JsonValueKind.String => v.GetValue<string>(),
                JsonValueKind.Number => v.ToJsonString(),
                _ => null,
            }
            : null;
        return TryParse(text, out quantity, out error);
    }

    /// <summary>The exact value; throws <see cref="OverflowException"/> beyond decimal's range.</summary>
    public decimal ToDecimal()
    {
        if (BigInteger.Abs(Unscaled) > new BigInteger(decimal.MaxValue))
        {
            throw new OverflowException("quantity " + ToString() + " is outside the range of decimal");
        }

        return (decimal)Unscaled / Pow10Decimal(Scale);
    }

    public bool TryToDecimal(out decimal value)
    {
        var fits = BigInteger.Abs(Unscaled) <= new BigInteger(decimal.MaxValue);
        value = fits ? (decimal)Unscaled / Pow10Decimal(Scale) : 0;
        return fits;
    }

    /// <summary>The value rounded up (away from zero) to <paramref name="decimalPlaces"/> places; the format is kept.</summary>
    public Quantity RoundUp(int decimalPlaces)
    {
        if (Scale <= decimalPlaces)
        {
            return this;
        }

        var divisor = BigInteger.Pow(10, Scale - decimalPlaces);
        var quotient = BigInteger.DivRem(Unscaled, divisor, out var remainder);
        if (!remainder.IsZero)
        {
            quotient += Unscaled.Sign;
        }

        return new Quantity(quotient, decimalPlaces, Format);
    }

    public Quantity Add(Quantity other)
    {
        var scale = Math.Max(Scale, other.Scale);
        return new Quantity(Align(scale) + other.Align(scale), scale, Format);
    }

    public Quantity Subtract(Quantity other) => Add(other.Negate());

    public Quantity Negate() => new(-Unscaled, Scale, Format);

    public int CompareTo(Quantity other)
    {
        var scale = Math.Max(Scale, other.Scale);
        return Align(scale).CompareTo(other.Align(scale));
    }

    /// <summary>Equal values are equal whatever their format ("1000m" equals "1").</summary>
    public bool Equals(Quantity other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is Quantity q && Equals(q);

    public override int GetHashCode() => Align(NanoScale).GetHashCode();

    public static bool operator ==(Quantity a, Quantity b) => a.Equals(b);

    public static bool operator !=(Quantity a, Quantity b) => !a.Equals(b);

    public static bool operator <(Quantity a, Quantity b) => a.CompareTo(b) < 0;

    public static bool operator >(Quantity a, Quantity b) => a.CompareTo(b) > 0;

    public static bool operator <=(Quantity a, Quantity b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Quantity a, Quantity b) => a.CompareTo(b) >= 0;

    public static Quantity operator +(Quantity a, Quantity b) => a.Add(b);

    public static Quantity operator -(Quantity a, Quantity b) => a.Subtract(b);

    public static Quantity operator -(Quantity a) => a.Negate();

    /// <summary>The canonical form (upstream CanonicalizeBytes).</summary>
    public override string ToString()
    {
        if (IsZero)
        {
            return "0";
        }

        if (Format == QuantityFormat.BinarySI && BigInteger.Abs(Unscaled) >= 1024 * BigInteger.Pow(10, Scale) && Unscaled % BigInteger.Pow(10, Scale) == 0)
        {
            var whole = Unscaled / BigInteger.Pow(10, Scale);
            var power = 0;
            while (power < BinarySuffixes.Length - 1 && whole % 1024 == 0)
            {
                whole /= 1024;
                power++;
            }

            return whole.ToString(CultureInfo.InvariantCulture) + BinarySuffixes[power];
        }

        var mantissa = Unscaled;
        var exponent = -Scale;
        while (mantissa % 10 == 0)
        {
            mantissa /= 10;
            exponent++;
        }

        var remainder = ((exponent % 3) + 3) % 3;
        mantissa *= BigInteger.Pow(10, remainder);
        exponent -= remainder;
        var number = mantissa.ToString(CultureInfo.InvariantCulture);
        if (Format != QuantityFormat.DecimalExponent)
        {
            foreach (var (suffix, e) in DecimalSuffixes)
            {
                if (e == exponent)
                {
                    return number + suffix;
                }
            }
        }

        return exponent == 0 ? number : number + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private BigInteger Align(int scale) => Unscaled * BigInteger.Pow(10, scale - Scale);

    private BigInteger ScaledCeiling(int decimalPlaces)
    {
        if (Scale <= decimalPlaces)
        {
            return Align(decimalPlaces);
        }

        var divisor = BigInteger.Pow(10, Scale - decimalPlaces);
        var quotient = BigInteger.DivRem(Unscaled, divisor, out var remainder);
        return remainder.Sign > 0 ? quotient + 1 : quotient;
    }

    private static long Saturate(BigInteger value) =>
        value > long.MaxValue ? long.MaxValue : value < long.MinValue ? long.MinValue : (long)value;

    private static decimal Pow10Decimal(int power)
    {
        var result = 1m;
        for (var i = 0; i < power; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>Values finer than 1n round up (away from zero) to the nearest nano, as upstream does.</summary>
    private static Quantity RoundToNano(BigInteger unscaled, int scale, QuantityFormat format)
    {
        if (scale <= NanoScale)
        {
            return new Quantity(unscaled, scale, format);
        }

        // A divisor wider than the number leaves only the round-up: skip the huge power of ten.
        if (scale - NanoScale > unscaled.GetByteCount() * 3 + 1)
        {
            return new Quantity(unscaled.Sign, NanoScale, format);
        }

        return new Quantity(unscaled, scale, format).RoundUp(NanoScale);
    }

    /// <summary>Splits sign, digits, fraction and suffix like upstream's parseQuantityString.</summary>
    private static bool TrySplit(string text, out bool negative, out string digits, out string fraction, out string suffix)
    {
        var pos = 0;
        negative = text[0] == '-';
        if (text[0] is '-' or '+')
        {
            pos++;
        }

        var start = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        digits = text[start..pos];
        fraction = "";
        if (pos < text.Length && text[pos] == '.')
        {
            var fractionStart = ++pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }

            fraction = text[fractionStart..pos];
        }

        suffix = text[pos..];
        if (digits.Length + fraction.Length == 0)
        {
            return false;
        }

        var s = pos;
        while (s < text.Length && "eEinumkKMGTP".Contains(text[s], StringComparison.Ordinal))
        {
            s++;
        }

        if (s < text.Length && text[s] is '-' or '+')
        {
            s++;
        }

        while (s < text.Length && char.IsAsciiDigit(text[s]))
        {
            s++;
        }

        return s == text.Length;
    }

    private static bool TryInterpretSuffix(string suffix, out bool binary, out int exponent, out QuantityFormat format)
    {
        binary = false;
        format = QuantityFormat.DecimalSI;
        foreach (var (s, e) in DecimalSuffixes)
        {
            if (s == suffix)
            {
                exponent = e;
                return true;
            }
        }

        var index = Array.IndexOf(BinarySuffixes, suffix);
        if (index > 0)
        {
            binary = true;
            exponent = index * 10;
            format = QuantityFormat.BinarySI;
            return true;
        }

        format = QuantityFormat.DecimalExponent;
        exponent = 0;
        return suffix.Length > 1 && suffix[0] is 'e' or 'E'
            && int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)
            && Math.Abs(exponent) <= MaxExponent;
    }
}
