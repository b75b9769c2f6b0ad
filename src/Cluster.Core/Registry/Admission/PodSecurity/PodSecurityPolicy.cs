using System.Globalization;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission.PodSecurity;

/// <summary>A Pod Security Standards level, from the least strict to the most.</summary>
public enum PodSecurityLevel
{
    Privileged,
    Baseline,
    Restricted,
}

/// <summary>
/// A level at a policy version ("latest" or "v1.X"), printed as upstream's <c>restricted:latest</c>. Every version is
/// evaluated with the newest checks; the version is kept for the messages and to tell two policies apart.
/// </summary>
public readonly record struct LevelVersion(PodSecurityLevel Level, string Version)
{
    public const string Latest = "latest";

    public static LevelVersion PrivilegedLatest { get; } = new(PodSecurityLevel.Privileged, Latest);

    public override string ToString() => Name(Level) + ":" + Version;

    public static string Name(PodSecurityLevel level) => level switch
    {
        PodSecurityLevel.Privileged => "privileged",
        PodSecurityLevel.Baseline => "baseline",
        _ => "restricted",
    };
}

/// <summary>
/// The policy a namespace's <c>pod-security.kubernetes.io/*</c> labels ask for, as upstream's PolicyToEvaluate: each
/// mode defaults to privileged:latest (the built-in plugin's default configuration); an unknown enforce level reads as
/// restricted, an unknown audit or warn level as privileged, an unknown version as latest, each with an error; warn
/// follows an explicitly stricter enforce level when it is not set itself.
/// </summary>
public sealed record NamespacePolicy(LevelVersion Enforce, LevelVersion Audit, LevelVersion Warn)
{
    public const string Prefix = "pod-security.kubernetes.io/";
    public const string EnforceLabel = Prefix + "enforce";
    public const string AuditLabel = Prefix + "audit";
    public const string WarnLabel = Prefix + "warn";

    public static NamespacePolicy Default { get; } = new(LevelVersion.PrivilegedLatest, LevelVersion.PrivilegedLatest, LevelVersion.PrivilegedLatest);

    public bool FullyPrivileged =>
        Enforce.Level == PodSecurityLevel.Privileged && Audit.Level == PodSecurityLevel.Privileged && Warn.Level == PodSecurityLevel.Privileged;

    /// <summary>The policy and the label errors (upstream's field errors, in the order of the labels); a policy is always returned.</summary>
    public static (NamespacePolicy Policy, IReadOnlyList<StatusCause> Errors) FromLabels(IReadOnlyDictionary<string, string> labels)
    {
        var errors = new List<StatusCause>();
        var enforce = Mode(labels, EnforceLabel, PodSecurityLevel.Restricted, errors, out var hasEnforceLevel, out _);
        var audit = Mode(labels, AuditLabel, PodSecurityLevel.Privileged, errors, out _, out _);
        var warn = Mode(labels, WarnLabel, PodSecurityLevel.Privileged, errors, out _, out var hasWarnVersion);

        // An enforce level that failed to parse does not carry over to warn; a warn label, even a bad one, keeps warn's own.
        if (!labels.ContainsKey(WarnLabel) && hasEnforceLevel && enforce.Level > warn.Level)
        {
            warn = new LevelVersion(enforce.Level, hasWarnVersion ? warn.Version : enforce.Version);
        }

        return (new NamespacePolicy(enforce, audit, warn), errors);
    }

    /// <summary>One mode's level and version labels; <paramref name="hasLevel"/> is a level label that parsed.</summary>
    private static LevelVersion Mode(IReadOnlyDictionary<string, string> labels, string label, PodSecurityLevel onError, List<StatusCause> errors, out bool hasLevel, out bool hasVersion)
    {
        var level = PodSecurityLevel.Privileged;
        hasLevel = false;
        if (labels.TryGetValue(label, out var levelText))
        {
            if (TryParseLevel(levelText, out level))
            {
                hasLevel = true;
            }
            else
            {
                level = onError;
                errors.Add(Invalid(label, levelText, "must be one of privileged, baseline, restricted"));
            }
        }

        var version = LevelVersion.Latest;
        hasVersion = labels.TryGetValue(label + "-version", out var versionText);
        if (hasVersion)
        {
            if (IsVersion(versionText!))
            {
                version = versionText!;
            }
            else
            {
                errors.Add(Invalid(label + "-version", versionText!, "must be \"latest\" or \"v1.x\""));
            }
        }

        return new LevelVersion(level, version);
    }

    public static bool TryParseLevel(string text, out PodSecurityLevel level)
    {
        level = text switch
        {
            "privileged" => PodSecurityLevel.Privileged,
            "baseline" => PodSecurityLevel.Baseline,
            "restricted" => PodSecurityLevel.Restricted,
            _ => (PodSecurityLevel)(-1),
        };
        return level >= PodSecurityLevel.Privileged;
    }

    /// <summary>"latest" or upstream's <c>^v1\.([0-9]|[1-9][0-9]*)$</c> with a minor that fits an int.</summary>
    public static bool IsVersion(string text)
    {
        if (text == LevelVersion.Latest)
        {
            return true;
        }

        if (!text.StartsWith("v1.", StringComparison.Ordinal) || text.Length < 4)
        {
            return false;
        }

        var minor = text.AsSpan(3);
        return (minor.Length == 1 || minor[0] != '0')
            && !minor.ContainsAnyExceptInRange('0', '9')
            && int.TryParse(minor, NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>The errors as upstream's aggregate prints them: one alone, several as "[a, b]".</summary>
    public static string Describe(IReadOnlyList<StatusCause> errors)
    {
        var texts = errors.Select(e => e.Field + ": " + e.Message).Distinct(StringComparer.Ordinal).ToList();
        return texts.Count == 1 ? texts[0] : "[" + string.Join(", ", texts) + "]";
    }

    private static StatusCause Invalid(string label, string value, string detail) =>
        StatusCause.Invalid(JsonFields.Key("metadata.labels", label), value, detail);
}
