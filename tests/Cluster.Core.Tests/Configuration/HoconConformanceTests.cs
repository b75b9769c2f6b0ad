using Cluster.Core.Configuration.Hocon;

namespace Cluster.Core.Tests.Configuration;

/// <summary>
/// Every vector with an expected result in expected/: the tree must equal the reference
/// implementation's JSON, or the error must be of the same kind. Resolution runs with no
/// environment fallback, as the expected results were produced.
/// </summary>
public sealed class HoconConformanceTests
{
    /// <summary>Expected files that are not "parse this one file" cases; each has its own test elsewhere.</summary>
    private static readonly HashSet<string> SpecialCases = new(StringComparer.Ordinal)
    {
        "lightbend/test01.any-syntax.expected.json",
        "lightbend/test13-app-over-ref-with-substitutions.expected.json",
        "lightbend/file-include.conf.expected.json",
        "lightbend/subdir/foo.conf.expected.json",
    };

    public static TheoryData<string> ExpectedTreeVectors() => Vectors(".expected.json");

    public static TheoryData<string> ExpectedErrorVectors() => Vectors(".expected.error.txt");

    [Theory]
    [MemberData(nameof(ExpectedTreeVectors))]
    public void Vector_ParsedAndResolved_EqualsReferenceTree(string vector)
    {
        var config = HoconConfig.Load(ConformanceVectors.PathOf(vector));

        ConformanceVectors.AssertSameTree(ExpectedFile(vector, ".expected.json"), config.Root);
    }

    [Theory]
    [MemberData(nameof(ExpectedErrorVectors))]
    public void Vector_ParsedAndResolved_FailsWithReferenceErrorKind(string vector)
    {
        var expectedKind = ConformanceVectors.KindOfJavaError(File.ReadAllText(ExpectedFile(vector, ".expected.error.txt")));

        var error = Assert.Throws<HoconException>(() => HoconConfig.Load(ConformanceVectors.PathOf(vector)));

        Assert.Equal(expectedKind, error.Kind);
        Assert.True(error.Origin.Line > 0 || error.Kind is HoconErrorKind.Include, $"error without a line: {error.Message}");
    }

    private static string ExpectedFile(string vector, string suffix) =>
        Path.Combine(ConformanceVectors.Root, "expected", vector + suffix);

    private static TheoryData<string> Vectors(string suffix)
    {
        var expectedRoot = Path.Combine(ConformanceVectors.Root, "expected");
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(expectedRoot, "*" + suffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(expectedRoot, file).Replace('\\', '/');
            if (SpecialCases.Contains(relative) || relative.EndsWith(".with-env" + suffix, StringComparison.Ordinal)
                || relative.EndsWith(".with-test-lib" + suffix, StringComparison.Ordinal))
            {
                continue;
            }

            data.Add(relative[..^suffix.Length]);
        }

        return data;
    }
}
