using System.Text.Json.Nodes;
using Cluster.Core.Configuration.Hocon;

namespace Cluster.Core.Tests.Configuration;

/// <summary>Vectors whose expected result needs an environment, several files, or our documented file() decision.</summary>
public sealed class HoconSpecialVectorTests
{
    private static readonly Dictionary<string, string> SecretEnvironment = new()
    {
        ["SECRET_A"] = "A",
        ["SECRET_B"] = "B",
        ["SECRET_C"] = "C",
    };

    private static readonly Dictionary<string, string> FallbackEnvironment = new()
    {
        ["HOCON_TEST_VAR"] = "from-env",
        ["HOCON_TEST_EMPTY"] = string.Empty,
        ["HOCON_TEST_BLOCKED"] = "from-env",
    };

    [Theory]
    [InlineData("lightbend/env-variables.conf", nameof(SecretEnvironment))]
    [InlineData("spec-examples/env-fallback.conf", nameof(FallbackEnvironment))]
    public void EnvironmentVector_WithInjectedEnvironment_EqualsWithEnvTree(string vector, string environmentName)
    {
        var environment = environmentName == nameof(SecretEnvironment) ? SecretEnvironment : FallbackEnvironment;

        var config = HoconConfig.Load(ConformanceVectors.PathOf(vector), resolve: HoconResolveOptions.WithEnvironment(environment));

        ConformanceVectors.AssertSameTree(ConformanceVectors.PathOf($"expected/{vector}.with-env.expected.json"), config.Root);
    }

    [Fact]
    public void Test01_WithInjectedEnvironment_FillsSystemFromEnvironmentOnly()
    {
        var environment = new Dictionary<string, string> { ["HOME"] = "/home/tester", ["PATH"] = "/bin" };

        var config = HoconConfig.Load(ConformanceVectors.PathOf("lightbend/test01.conf"), resolve: HoconResolveOptions.WithEnvironment(environment));

        Assert.Equal("/home/tester", config.GetString("system.home"));
        Assert.Equal("/bin", config.GetString("system.path"));
        Assert.False(config.HasPath("system.shell"));
        Assert.Equal("Your Java version is  and your user.home is ", config.GetString("system.concatenated"));
    }

    [Fact]
    public void Test01_LoadedAnySyntax_EqualsMergeOfPropertiesJsonAndConf()
    {
        var config = HoconDocument.LoadAnySyntax(ConformanceVectors.PathOf("lightbend/test01")).Resolve();

        ConformanceVectors.AssertSameTree(ConformanceVectors.PathOf("expected/lightbend/test01.any-syntax.expected.json"), config.Root);
    }

    [Fact]
    public void Test13_ApplicationWithFallbackReference_SubstitutionSeesOverride()
    {
        var reference = HoconDocument.Load(ConformanceVectors.PathOf("lightbend/test13-reference-with-substitutions.conf"));
        var application = HoconDocument.Load(ConformanceVectors.PathOf("lightbend/test13-application-override-substitutions.conf"));

        var config = application.WithFallback(reference).Resolve();

        ConformanceVectors.AssertSameTree(
            ConformanceVectors.PathOf("expected/lightbend/test13-app-over-ref-with-substitutions.expected.json"), config.Root);
    }

    /// <summary>
    /// Our decision: file("x") resolves relative to the including file, like a plain include. The
    /// reference resolves it against the working directory, so its expected trees lack the keys that
    /// the file() includes bring; we expect exactly those keys in addition.
    /// </summary>
    [Theory]
    [InlineData("lightbend/file-include.conf", new[] { "subdir/bar-file.conf", "subdir/baz.conf" })]
    [InlineData("lightbend/subdir/foo.conf", new[] { "subdir/bar-file.conf" })]
    public void FileInclude_RelativeToIncludingFile_AddsFileIncludedKeysToReferenceTree(string vector, string[] fileIncluded)
    {
        var expected = JsonNode.Parse(File.ReadAllText(ConformanceVectors.PathOf($"expected/{vector}.expected.json")))!.AsObject();
        foreach (var included in fileIncluded)
        {
            var keys = JsonNode.Parse(File.ReadAllText(ConformanceVectors.PathOf($"expected/lightbend/{included}.expected.json")))!.AsObject();
            foreach (var (key, value) in keys)
            {
                Assert.False(expected.ContainsKey(key));
                expected[key] = value!.DeepClone();
            }
        }

        var config = HoconConfig.Load(ConformanceVectors.PathOf(vector));

        using var document = System.Text.Json.JsonDocument.Parse(expected.ToJsonString());
        ConformanceVectors.AssertSameTree(document.RootElement, config.Root);
    }

    [Fact]
    public void EnvFallback_WithoutEnvironment_FailsAsUnresolved()
    {
        var error = Assert.Throws<HoconException>(() =>
            HoconConfig.Load(ConformanceVectors.PathOf("spec-examples/env-fallback.conf"), resolve: HoconResolveOptions.NoEnvironment));

        Assert.Equal(HoconErrorKind.UnresolvedSubstitution, error.Kind);
        Assert.Equal(2, error.Origin.Line);
    }

    [Theory]
    [InlineData("lightbend/test07.conf")]
    [InlineData("lightbend/test08.conf")]
    public void ClasspathStyleInclude_WithSearchDirectory_FindsTestLib(string vector)
    {
        var options = new HoconParseOptions { IncludeSearchDirectories = [ConformanceVectors.PathOf("lightbend-test-lib")] };

        var config = HoconConfig.Load(ConformanceVectors.PathOf(vector), options);

        ConformanceVectors.AssertSameTree(ConformanceVectors.PathOf($"expected/{vector}.with-test-lib.expected.json"), config.Root);
    }
}
