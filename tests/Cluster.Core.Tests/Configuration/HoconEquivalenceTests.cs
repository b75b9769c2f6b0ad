using Cluster.Core.Configuration.Hocon;

namespace Cluster.Core.Tests.Configuration;

/// <summary>Upstream's EquivalentsTest: every top-level .conf/.json file of an equivNN folder gives that folder's original.json.</summary>
public sealed class HoconEquivalenceTests
{
    public static TheoryData<string> EquivalentFiles() => new(EquivalentFileList());

    public static TheoryData<string> JsonFilesReadAsHocon() =>
        new(EquivalentFileList().Where(f => f.EndsWith(".json", StringComparison.Ordinal)));

    private static List<string> EquivalentFileList()
    {
        var data = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories(ConformanceVectors.PathOf("lightbend"), "equiv*").Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name != "original.json" && (name.EndsWith(".conf", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal)))
                {
                    data.Add(Path.GetRelativePath(ConformanceVectors.Root, file).Replace('\\', '/'));
                }
            }
        }

        return data;
    }

    [Fact]
    public void EquivalentFiles_Counted_MatchUpstreamChecksum()
    {
        var files = EquivalentFileList();

        Assert.Equal(5, files.Select(f => f.Split('/')[1]).Distinct().Count());
        Assert.Equal(15, files.Count);
    }

    [Theory]
    [MemberData(nameof(EquivalentFiles))]
    public void EquivalentFile_ParsedWithoutEnvironment_EqualsOriginalJson(string file)
    {
        var config = HoconConfig.Load(ConformanceVectors.PathOf(file));

        AssertEqualsOriginal(file, config);
    }

    [Theory]
    [MemberData(nameof(JsonFilesReadAsHocon))]
    public void JsonFile_ReadAsHocon_EqualsOriginalJson(string file)
    {
        var text = File.ReadAllText(ConformanceVectors.PathOf(file));

        var config = HoconConfig.Parse(text, new HoconParseOptions { Syntax = HoconSyntax.Conf });

        AssertEqualsOriginal(file, config);
    }

    private static void AssertEqualsOriginal(string file, HoconConfig config)
    {
        var folder = Path.GetDirectoryName(ConformanceVectors.PathOf(file))!;
        var original = HoconConfig.Load(Path.Combine(folder, "original.json"));
        ConformanceVectors.AssertSameTree(Path.Combine(folder, "original.json"), config.Root);
        ConformanceVectors.AssertSameTree(Path.Combine(folder, "original.json"), original.Root);
    }
}
