using System.Globalization;
using System.Text;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Registry.Selectors;

/// <summary>The operators of a label requirement (apimachinery's <c>selection.Operator</c>).</summary>
public enum LabelOperator
{
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// <summary>One condition of a label selector: a key, an operator and the values it relates them to.</summary>
public sealed class LabelRequirement
{
    private LabelRequirement(string key, LabelOperator op, string[] values)
    {
        Key = key;
        Operator = op;
        Values = values;
    }

    public string Key { get; }

    public LabelOperator Operator { get; }

    /// <summary>The values, as given (the parser gives them sorted and without duplicates).</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>
    /// Builds a requirement after upstream's checks (<c>labels.NewRequirement</c>); the errors read
    /// as upstream's, with field paths relative to the requirement (<c>key</c>, <c>values[0]</c>).
    /// </summary>
    public static LabelRequirement Create(string key, LabelOperator op, IEnumerable<string> values, out IReadOnlyList<string> errors)
    {
        var vals = values.ToArray();
        var list = new List<string>();
        var keyErrors = NameValidation.IsQualifiedName(key);
        if (keyErrors.Count > 0)
        {
            list.Add(FieldErrors.Format(FieldErrors.Invalid("key", key, string.Join("; ", keyErrors))));
        }

        switch (op)
        {
            case LabelOperator.In or LabelOperator.NotIn when vals.Length == 0:
                list.Add("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
                break;
            case LabelOperator.Equals or LabelOperator.DoubleEquals or LabelOperator.NotEquals when vals.Length != 1:
                list.Add($"values: Invalid value: {FieldErrors.GoStringSlice(vals)}: exact-match compatibility requires one single value");
                break;
            case LabelOperator.Exists or LabelOperator.DoesNotExist when vals.Length != 0:
                list.Add($"values: Invalid value: {FieldErrors.GoStringSlice(vals)}: values set must be empty for exists and does not exist");
                break;
            case LabelOperator.GreaterThan or LabelOperator.LessThan:
                if (vals.Length != 1)
                {
                    list.Add($"values: Invalid value: {FieldErrors.GoStringSlice(vals)}: for 'Gt', 'Lt' operators, exactly one value is required");
                }

                for (var i = 0; i < vals.Length; i++)
                {
                    if (!TryParseInt64(vals[i], out _))
                    {
                        list.Add(FieldErrors.Format(FieldErrors.Invalid($"values[{i}]", vals[i], "for 'Gt', 'Lt' operators, the value must be an integer")));
                    }
                }

                break;
        }

        for (var i = 0; i < vals.Length; i++)
        {
            var valueErrors = NameValidation.IsValidLabelValue(vals[i]);
            if (valueErrors.Count > 0)
            {
                list.Add(FieldErrors.Format(FieldErrors.Invalid($"values[{i}][{key}]", vals[i], string.Join("; ", valueErrors))));
            }
        }

        errors = list;
        return new LabelRequirement(key, op, vals);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case LabelOperator.In or LabelOperator.Equals or LabelOperator.DoubleEquals:
                return has && Values.Contains(value!, StringComparer.Ordinal);
            case LabelOperator.NotIn or LabelOperator.NotEquals:
                return !has || !Values.Contains(value!, StringComparer.Ordinal);
            case LabelOperator.Exists:
                return has;
            case LabelOperator.DoesNotExist:
                return !has;
            case LabelOperator.GreaterThan or LabelOperator.LessThan:
                if (!has || Values.Count != 1 || !TryParseInt64(value!, out var actual) || !TryParseInt64(Values[0], out var bound))
                {
                    return false;
                }

                return Operator == LabelOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    /// <summary>The canonical text: <c>k=v</c>, <c>k in (a,b)</c>, <c>!k</c>, <c>k&gt;5</c> (values sorted).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Operator == LabelOperator.DoesNotExist)
        {
            sb.Append('!');
        }

        sb.Append(Key);
        switch (Operator)
        {
            case LabelOperator.Exists or LabelOperator.DoesNotExist:
                return sb.ToString();
            case LabelOperator.Equals: sb.Append('='); break;
            case LabelOperator.DoubleEquals: sb.Append("=="); break;
            case LabelOperator.NotEquals: sb.Append("!="); break;
            case LabelOperator.In: sb.Append(" in ("); break;
            case LabelOperator.NotIn: sb.Append(" notin ("); break;
            case LabelOperator.GreaterThan: sb.Append('>'); break;
            case LabelOperator.LessThan: sb.Append('<'); break;
        }

        IEnumerable<string> values = Values.Count == 1 ? Values : Values.Order(StringComparer.Ordinal);
        sb.AppendJoin(',', values);
        if (Operator is LabelOperator.In or LabelOperator.NotIn)
        {
            sb.Append(')');
        }

        return sb.ToString();
    }

    /// <summary>Go's <c>strconv.ParseInt(s, 10, 64)</c>: an optional sign and decimal digits, nothing else.</summary>
    internal static bool TryParseInt64(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
