using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Cluster.Api.Security.Pki;

/// <summary>
/// One cluster, user and context to put into a kubeconfig. PEM texts are given as text; the file
/// carries them base64-encoded (*-data), as kubectl writes them.
/// </summary>
public sealed record KubeconfigEntry(
    string Cluster,
    string Server,
    string? CaPem,
    string User,
    string? ClientCertPem,
    string? ClientKeyPem,
    string? Token,
    string Context,
    string? Namespace);

/// <summary>
/// Merges entries into a kubeconfig the way <c>kubectl config set-*</c> does: the cluster, user and
/// context of the same names are replaced, everything else in the file is kept as it was, and
/// current-context is set only if the file had none (the user's choice stays).
/// </summary>
public static partial class KubeconfigFile
{
    /// <summary>
    /// <paramref name="existingYaml"/> (null or empty: a new file) with <paramref name="entry"/> merged in.
    /// Throws <see cref="InvalidDataException"/> if the existing text is not a kubeconfig.
    /// </summary>
    public static string Merge(string? existingYaml, KubeconfigEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var root = Parse(existingYaml);
        SetIfMissing(root, "apiVersion", "v1");
        SetIfMissing(root, "kind", "Config");

        // No CA only for a plain-HTTP development server.
        var cluster = new YamlMappingNode { { "server", Scalar(entry.Server) } };
        AddIfGiven(cluster, "certificate-authority-data", entry.CaPem is null ? null : Base64(entry.CaPem));
        Upsert(root, "clusters", entry.Cluster, "cluster", cluster);

        var user = new YamlMappingNode();
        AddIfGiven(user, "client-certificate-data", entry.ClientCertPem is null ? null : Base64(entry.ClientCertPem));
        AddIfGiven(user, "client-key-data", entry.ClientKeyPem is null ? null : Base64(entry.ClientKeyPem));
        AddIfGiven(user, "token", entry.Token is null ? null : Scalar(entry.Token));
        Upsert(root, "users", entry.User, "user", user);

        var context = new YamlMappingNode { { "cluster", Scalar(entry.Cluster) }, { "user", Scalar(entry.User) } };
        AddIfGiven(context, "namespace", entry.Namespace is null ? null : Scalar(entry.Namespace));
        Upsert(root, "contexts", entry.Context, "context", context);

        if (!root.Children.TryGetValue("current-context", out var current) || current is not YamlScalarNode { Value.Length: > 0 })
        {
            root.Children[new YamlScalarNode("current-context")] = Scalar(entry.Context);
        }

        // YamlNode serializes itself (IYamlConvertible): unlike YamlStream.Save, no "..." document end.
        return new SerializerBuilder().Build().Serialize(root);
    }

    /// <summary>Writes the kubeconfig with mode 0600 (it holds credentials), atomically.</summary>
    public static void Write(string path, string yaml) => PemFiles.WriteAtomically(path, yaml, PemFiles.KeyMode);

    /// <summary>Where kubectl looks: the first path of $KUBECONFIG, else ~/.kube/config.</summary>
    public static string DefaultPath(string? kubeconfigVariable, string homeDirectory)
    {
        var first = (kubeconfigVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first ?? Path.Combine(homeDirectory, ".kube", "config");
    }

    private static YamlMappingNode Parse(string? yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return [];
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"not valid YAML: {e.Message}", e);
        }

        return stream.Documents.Count switch
        {
            0 => [],
            1 when stream.Documents[0].RootNode is YamlMappingNode mapping => mapping,
            1 when stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" } => [],
            _ => throw new InvalidDataException("not a kubeconfig: expected one YAML mapping (apiVersion, kind, clusters, users, contexts)"),
        };
    }

    /// <summary>Replaces the named item of the list <paramref name="listKey"/> (kubectl's NamedCluster, NamedAuthInfo, NamedContext), or appends it.</summary>
    private static void Upsert(YamlMappingNode root, string listKey, string name, string valueKey, YamlMappingNode value)
    {
        if (!root.Children.TryGetValue(listKey, out var node) || node is not YamlSequenceNode list)
        {
            if (node is not null and not YamlScalarNode { Value: null or "" })
            {
                throw new InvalidDataException($"not a kubeconfig: {listKey} is not a list");
            }

            list = [];
            root.Children[new YamlScalarNode(listKey)] = list;
        }

        var item = new YamlMappingNode { { "name", Scalar(name) }, { valueKey, value } };
        var index = list.Children.ToList().FindIndex(i => i is YamlMappingNode m && m.Children.TryGetValue("name", out var n) && n is YamlScalarNode s && s.Value == name);
        if (index >= 0)
        {
            list.Children[index] = item;
        }
        else
        {
            list.Add(item);
        }
    }

    private static void SetIfMissing(YamlMappingNode root, string key, string value)
    {
        if (!root.Children.ContainsKey(key))
        {
            root.Children[new YamlScalarNode(key)] = Scalar(value);
        }
    }

    private static void AddIfGiven(YamlMappingNode mapping, string key, YamlNode? value)
    {
        if (value is not null)
        {
            mapping.Add(key, value);
        }
    }

    private static YamlScalarNode Base64(string pem) => new(Convert.ToBase64String(Encoding.UTF8.GetBytes(pem)));

    /// <summary>
    /// A string scalar, quoted when plain it would read as something else: kubectl converts YAML to
    /// JSON first, so a namespace or user named "true" or "0123" must stay a string.
    /// </summary>
    private static YamlScalarNode Scalar(string value) => new(value)
    {
        Style = value.Length == 0 || NonString().IsMatch(value) || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Any,
    };

    [GeneratedRegex("^(?i:true|false|yes|no|y|n|on|off|null|~|[-+]?\\.(inf|nan)|0x[0-9a-f]+|0o[0-7]+)$")]
    private static partial Regex NonString();
}
