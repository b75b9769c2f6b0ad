using System.Net;
using System.Text.RegularExpressions;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// The string rules of apimachinery pkg/util/validation (IsDNS1123Label, IsQualifiedName, ...):
/// each returns the messages upstream returns, empty when the value is valid.
/// </summary>
public static partial class NameRules
{
    private const string Dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string Dns1035LabelMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    private const string QualifiedNameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string QualifiedNameExamples = " (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private const string ConfigKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    public static IReadOnlyList<string> Dns1123Label(string value) => Check(value, 63, Dns1123LabelRegex(), Dns1123LabelMessage);

    public static IReadOnlyList<string> Dns1123Subdomain(string value) => Check(value, 253, Dns1123SubdomainRegex(), Dns1123SubdomainMessage);

    public static IReadOnlyList<string> Dns1035Label(string value) => Check(value, 63, Dns1035LabelRegex(), Dns1035LabelMessage);

    /// <summary>A label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static IReadOnlyList<string> QualifiedName(string value)
    {
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    errors.Add("prefix part must be non-empty");
                }
                else
                {
                    errors.AddRange(Dns1123Subdomain(parts[0]).Select(m => "prefix part " + m));
                }

                break;
            default:
                return ["a qualified name " + QualifiedNameMessage + QualifiedNameExamples + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (name.Length > 63)
        {
            errors.Add("name part " + MaxLength(63));
        }

        if (!QualifiedNameRegex().IsMatch(name))
        {
            errors.Add("name part " + QualifiedNameMessage + QualifiedNameExamples);
        }

        return errors;
    }

    public static IReadOnlyList<string> LabelValue(string value) => Check(value, 63, LabelValueRegex(), LabelValueMessage);

    /// <summary>A ConfigMap or Secret key.</summary>
    public static IReadOnlyList<string> ConfigMapKey(string value)
    {
        var errors = new List<string>(Check(value, 253, ConfigKeyRegex(), ConfigKeyMessage));
        if (value == ".")
        {
            errors.Add("must not be '.'");
        }
        else if (value == "..")
        {
            errors.Add("must not be '..'");
        }
        else if (value.StartsWith("..", StringComparison.Ordinal))
        {
            errors.Add("must not start with '..'");
        }

        return errors;
    }

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
            errors.Add(MaxLength(15));
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

    /// <summary>The two checks most rules make: a maximum length, then a pattern.</summary>
    private static List<string> Check(string value, int max, Regex regex, string message)
    {
        var errors = new List<string>();
        if (value.Length > max)
        {
            errors.Add(MaxLength(max));
        }

        if (!regex.IsMatch(value))
        {
            errors.Add(message);
        }

        return errors;
    }

    private static string MaxLength(int max) => $"must be no more than {max} characters";

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValueRegex();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigKeyRegex();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Regex();

    [GeneratedRegex(@"^[-a-z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex PortNameCharsRegex();
}
