using System.Text.Json.Nodes;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Registry.Selectors;

/// <summary>
/// A parsed label selector (apimachinery's <c>labels.Selector</c>): the AND of its requirements,
/// kept sorted by key so <see cref="ToString"/> is canonical. <see cref="Everything"/> matches
/// every object and <see cref="Nothing"/> none (a nil metav1.LabelSelector).
/// </summary>
public sealed class LabelSelector
{
    private readonly LabelRequirement[] _requirements;
    private readonly bool _nothing;

    private LabelSelector(LabelRequirement[] requirements, bool nothing)
    {
        _requirements = requirements;
        _nothing = nothing;
    }

    public static LabelSelector Everything { get; } = new([], nothing: false);

    public static LabelSelector Nothing { get; } = new([], nothing: true);

    /// <summary>The requirements, sorted by key (requirements of one key keep their input order).</summary>
    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    /// <summary>True when the selector does not restrict anything (no requirements).</summary>
    public bool IsEverything => !_nothing && _requirements.Length == 0;

    public bool IsNothing => _nothing;

    /// <summary>
    /// Parses the <c>labelSelector</c> query parameter; null or empty selects everything. Throws a
    /// 400 BadRequest worded as upstream's (<c>unable to parse requirement: ...</c>).
    /// </summary>
    public static LabelSelector Parse(string? text) =>
        TryParse(text, out var selector, out var error) ? selector : throw ApiException.BadRequest(error!);

    public static bool TryParse(string? text, out LabelSelector selector, out string? error)
    {
        selector = Everything;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var (requirements, parseError) = LabelSelectorParser.Parse(text);
        if (requirements is null)
        {
            error = parseError;
            return false;
        }

        selector = Sorted(requirements);
        return true;
    }

    /// <summary>
    /// A metav1.LabelSelector object (<c>matchLabels</c> and <c>matchExpressions</c>), as
    /// upstream's <c>LabelSelectorAsSelector</c>: null selects nothing, an empty object everything.
    /// Throws a 400 BadRequest when the selector is malformed.
    /// </summary>
    public static LabelSelector FromJson(JsonNode? selector) =>
        TryFromJson(selector, out var result, out var error) ? result : throw ApiException.BadRequest(error!);

    public static bool TryFromJson(JsonNode? selector, out LabelSelector result, out string? error)
    {
        result = Nothing;
        error = null;
        if (selector is not JsonObject obj)
        {
            return true;
        }

        var matchLabels = obj["matchLabels"] as JsonObject;
        var matchExpressions = obj["matchExpressions"] as JsonArray;
        if ((matchLabels?.Count ?? 0) + (matchExpressions?.Count ?? 0) == 0)
        {
            result = Everything;
            return true;
        }

        var requirements = new List<LabelRequirement>();
        foreach (var (key, value) in matchLabels ?? [])
        {
            if (!TryAdd(requirements, key, LabelOperator.Equals, [StringOf(value)], out error))
            {
                return false;
            }
        }

        foreach (var expression in matchExpressions ?? [])
        {
            var op = ObjectMeta.GetString(expression, "operator") ?? "";
            LabelOperator? mapped = op switch
            {
                "In" => LabelOperator.In,
                "NotIn" => LabelOperator.NotIn,
                "Exists" => LabelOperator.Exists,
                "DoesNotExist" => LabelOperator.DoesNotExist,
                _ => null,
            };
            if (mapped is null)
            {
                error = FieldErrors.GoQuote(op) + " is not a valid label selector operator";
                return false;
            }

            var values = expression?["values"] is JsonArray array ? array.Select(StringOf).ToArray() : [];
            if (!TryAdd(requirements, ObjectMeta.GetString(expression, "key") ?? "", mapped.Value, values, out error))
            {
                return false;
            }
        }

        result = Sorted(requirements);
        return true;
    }

    /// <summary>A plain map of labels (a Service's or ReplicationController's selector): every pair must match; empty selects everything.</summary>
    public static LabelSelector FromMap(IReadOnlyDictionary<string, string> labels) =>
        Sorted(labels.Select(p => LabelRequirement.Create(p.Key, LabelOperator.Equals, [p.Value], out _)));

    /// <summary>
    /// The text kubectl shows for a metav1.LabelSelector (Scale <c>status.selector</c>, the
    /// SELECTOR column of deployments, replica sets, jobs...): <c>app=api</c>; "" when it selects
    /// everything or nothing, <c>&lt;error&gt;</c> when it is malformed.
    /// </summary>
    public static string FormatJson(JsonNode? selector) =>
        TryFromJson(selector, out var result, out _) ? result.ToString() : "<error>";

    /// <summary>A plain label map as kubectl shows it (a Service's SELECTOR column): <c>app=api,tier=web</c>, or <c>&lt;none&gt;</c>.</summary>
    public static string FormatMap(JsonNode? labels)
    {
        var text = FromMap(ObjectMeta.StringMap(labels)).ToString();
        return text.Length == 0 ? "<none>" : text;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        if (_nothing)
        {
            return false;
        }

        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the selector pins <paramref name="key"/> to one value (<c>k=v</c>, <c>k==v</c>,
    /// <c>k in (v)</c>), as upstream's RequiresExactMatch: the first requirement on the key decides.
    /// </summary>
    public bool TryGetExactMatch(string key, out string value)
    {
        value = "";
        foreach (var requirement in _requirements)
        {
            if (requirement.Key != key)
            {
                continue;
            }

            if (requirement.Operator is LabelOperator.Equals or LabelOperator.DoubleEquals or LabelOperator.In && requirement.Values.Count == 1)
            {
                value = requirement.Values[0];
                return true;
            }

            return false;
        }

        return false;
    }

    /// <summary>The canonical text: requirements sorted by key, joined by commas ("" for everything and nothing).</summary>
    public override string ToString() => string.Join(",", _requirements.Select(r => r.ToString()));

    private static bool TryAdd(List<LabelRequirement> requirements, string key, LabelOperator op, string[] values, out string? error)
    {
        var requirement = LabelRequirement.Create(key, op, values, out var errors);
        error = errors.Count > 0 ? FieldErrors.Aggregate(errors) : null;
        if (error is null)
        {
            requirements.Add(requirement);
        }

        return error is null;
    }

    private static string StringOf(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";

    private static LabelSelector Sorted(IEnumerable<LabelRequirement> requirements) =>
        new(requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray(), nothing: false);
}
