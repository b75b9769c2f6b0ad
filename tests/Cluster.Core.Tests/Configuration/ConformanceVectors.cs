using System.Globalization;
using System.Text.Json;
using Cluster.Core.Configuration.Hocon;

namespace Cluster.Core.Tests.Configuration;

/// <summary>Finds the shared conformance vectors and compares parsed trees with the reference implementation's JSON.</summary>
internal static class ConformanceVectors
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    public static string Root => RootDirectory.Value;

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Actors.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Actors.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static HoconErrorKind KindOfJavaError(string errorFileText)
    {
        var javaClass = errorFileText.Split(':', 2)[0].Trim();
        return javaClass switch
        {
            "ConfigException$Parse" => HoconErrorKind.Parse,
            "ConfigException$WrongType" => HoconErrorKind.WrongType,
            "ConfigException$UnresolvedSubstitution" => HoconErrorKind.UnresolvedSubstitution,
            "ConfigException$BadPath" => HoconErrorKind.BadPath,
            "ConfigException$IO" => HoconErrorKind.Include,
            "ConfigException$BadValue" => HoconErrorKind.BadValue,
            "ConfigException$Missing" => HoconErrorKind.Missing,
            "ConfigException$Null" => HoconErrorKind.Null,
            _ => throw new InvalidOperationException("unknown reference error class " + javaClass),
        };
    }

    public static void AssertSameTree(JsonElement expected, HoconValue actual, string path = "$")
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = Assert.IsType<HoconObject>(actual);
                var expectedKeys = expected.EnumerateObject().Select(p => p.Name).OrderBy(k => k, StringComparer.Ordinal).ToList();
                Assert.True(expectedKeys.SequenceEqual(obj.Keys.OrderBy(k => k, StringComparer.Ordinal)),
                    $"{path}: expected keys [{string.Join(", ", expectedKeys)}] but got [{string.Join(", ", obj.Keys.OrderBy(k => k, StringComparer.Ordinal))}]");
                foreach (var property in expected.EnumerateObject())
                {
                    obj.TryGetValue(property.Name, out var child);
                    AssertSameTree(property.Value, child, $"{path}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                var array = Assert.IsType<HoconArray>(actual);
                var items = expected.EnumerateArray().ToList();
                Assert.True(items.Count == array.Items.Count, $"{path}: expected {items.Count} elements but got {array.Items.Count}");
                for (var i = 0; i < items.Count; i++)
                {
                    AssertSameTree(items[i], array.Items[i], $"{path}[{i}]");
                }

                break;
            case JsonValueKind.String:
                AssertScalar(actual, HoconValueType.String, path);
                Assert.True(expected.GetString() == ((HoconScalar)actual).Text,
                    $"{path}: expected \"{expected.GetString()}\" but got \"{((HoconScalar)actual).Text}\"");
                break;
            case JsonValueKind.Number:
                AssertScalar(actual, HoconValueType.Number, path);
                var expectedNumber = double.Parse(expected.GetRawText(), CultureInfo.InvariantCulture);
                var actualNumber = double.Parse(((HoconScalar)actual).Text, CultureInfo.InvariantCulture);
                Assert.True(expectedNumber.Equals(actualNumber), $"{path}: expected {expectedNumber} but got {actualNumber}");
                break;
            case JsonValueKind.True or JsonValueKind.False:
                AssertScalar(actual, HoconValueType.Boolean, path);
                Assert.Equal(expected.ValueKind == JsonValueKind.True ? "true" : "false", ((HoconScalar)actual).Text);
                break;
            case JsonValueKind.Null:
                AssertScalar(actual, HoconValueType.Null, path);
                break;
            default:
                throw new InvalidOperationException($"unexpected JSON kind {expected.ValueKind}");
        }
    }

    public static void AssertSameTree(string expectedJsonFile, HoconValue actual)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(expectedJsonFile));
        AssertSameTree(expected.RootElement, actual);
    }

    private static void AssertScalar(HoconValue actual, HoconValueType type, string path)
    {
        Assert.True(actual is HoconScalar && actual.Type == type, $"{path}: expected a {type} but got {actual?.Type?.ToString() ?? "nothing"}");
    }

    private static string FindRoot()
    {
        var root = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "hocon-conformance"));
        return Directory.Exists(root) ? root : throw new DirectoryNotFoundException("conformance vectors not found at " + root);
    }
}
