using System.Net;
using System.Text.RegularExpressions;

using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// The string rules of apimachinery pkg/util/validation (IsDNS1123Label, IsQualifiedName, ...):
/// each returns the messages upstream returns, empty when the value is valid.
/// </summary>
public static partial class NameRules
{
    private const string Dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    /// <summary>
    /// A DNS-1123 label with the 1.32 message (always the regex text), where metadata validation
    /// reports a dotted name as "must not contain dots"; the other rules are shared with it.
    /// </summary>
    public static IReadOnlyList<string> Dns1123Label(string value)
    {
        var errors = new List<string>();
        if (value.Length > 63)
        {
            errors.Add(NameValidation.MaxLenError(63));
        }

        if (!Dns1123LabelRegex().IsMatch(value))
        {
            errors.Add(Dns1123LabelMessage);
        }

        return errors;
    }

    public static IReadOnlyList<string> Dns1123Subdomain(string value) => NameValidation.IsDns1123Subdomain(value);

    public static IReadOnlyList<string> Dns1035Label(string value) => NameValidation.IsDns1035Label(value);

    /// <summary>A label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static IReadOnlyList<string> QualifiedName(string value) => NameValidation.IsQualifiedName(value);

    public static IReadOnlyList<string> LabelValue(string value) => NameValidation.IsValidLabelValue(value);

    /// <summary>A ConfigMap or Secret key.</summary>
    public static IReadOnlyList<string> ConfigMapKey(string value) => NameValidation.IsConfigMapKey(value);

    /// <summary>The relaxed rule (RelaxedEnvironmentVariableValidation, on by default since 1.32).</summary>
    public static IReadOnlyList<string> EnvVarName(string value) =>
        value.Length > 0 && value.All(c => c is >= ' ' and <= '~' && c != '=')
            ? []
            : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];

    /// <summary>IANA_SVC_NAME: a named port.</summary>
    public static IReadOnlyList<string> PortName(string value)
    {
        var errors = new List<string>();
        if (value.Length > 15)
        {
            errors.Add(NameValidation.MaxLenError(15));
        }

        if (!PortNameCharsRegex().IsMatch(value))
        {
            errors.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (!value.Any(char.IsAsciiLetter))
        {
            errors.Add("must contain at least one letter (a-z)");
        }

        if (value.Contains("--", StringComparison.Ordinal))
        {
            errors.Add("must not contain consecutive hyphens");
        }

        if (value.StartsWith('-') || value.EndsWith('-'))
        {
            errors.Add("must not begin or end with a hyphen");
        }

        return errors;
    }

    public static IReadOnlyList<string> PortNumber(long port) =>
        port is >= 1 and <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];

    public static IReadOnlyList<string> IpAddress(string value) =>
        IsIp(value) ? [] : ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"];

    /// <summary>A literal IPv4 (dotted quad) or IPv6 address; IPAddress.TryParse alone also takes "1" or "1.2".</summary>
    public static bool IsIp(string value) =>
        value.Contains(':', StringComparison.Ordinal)
            ? !value.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            : Ipv4Regex().IsMatch(value) && IPAddress.TryParse(value, out _) && value.Split('.').All(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Regex();

    [GeneratedRegex(@"^[-a-z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex PortNameCharsRegex();
}
