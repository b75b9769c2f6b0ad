using Cluster.Controllers.History;
using k8s.Models;

namespace Cluster.Controllers.Tests.History;

public sealed class RevisionHistorySpec
{
    private static V1PodTemplateSpec Template(string image) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = image }] },
    };

    private static string Data(string image) => RevisionData.Canonical(RevisionData.Of(Template(image)));

    private static Revision Rev(string name, long number, string image, DateTime? created = null) =>
        new(new V1ObjectMeta { Name = name, NamespaceProperty = "default", CreationTimestamp = created }, number, Data(image));

    [Fact]
    public void Of_Template_ReplacesTheTemplateWholeAsAStrategicMergePatch()
    {
        var data = RevisionData.Of(Template("nginx:1"));

        Assert.Equal("replace", data["spec"]!["template"]!["$patch"]!.GetValue<string>());
        Assert.Equal("nginx:1", data["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(["spec"], data.Select(p => p.Key));
    }

    [Fact]
    public void Template_OfData_RestoresTheTemplateWithoutTheDirective()
    {
        var template = RevisionData.Template(Data("nginx:2"));

        Assert.Equal("nginx:2", template.Spec.Containers[0].Image);
        Assert.Equal("web", template.Metadata.Labels["app"]);
    }

    [Fact]
    public void Canonical_SameTemplateSpelledDifferently_Equal()
    {
        var spelled = """{"spec":{"template":{"spec":{"containers":[{"image":"nginx:1","name":"app"}],"volumes":[]},"metadata":{"labels":{"app":"web"}},"$patch":"replace"}}}""";

        Assert.Equal(Data("nginx:1"), RevisionData.Canonical(System.Text.Json.Nodes.JsonNode.Parse(spelled)));
        Assert.NotEqual(Data("nginx:1"), Data("nginx:2"));
    }

    public static TheoryData<string, long[], string, string, long> Steps => new()
    {
        // name, numbers of the history's revisions (image v<number>), wanted image, expected step, expected number
        { "empty history: the first revision is 1", [], "v1", "create", 1 },
        { "unchanged template: the newest is kept", [1, 2], "v2", "keep", 2 },
        { "a new template: the next number", [1, 2], "v3", "create", 3 },
        { "a rollback to an older template: it is renumbered to the next", [1, 2, 3], "v1", "renumber", 4 },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void Resolve_History_Step(string name, long[] numbers, string image, string expected, long number)
    {
        var sorted = RevisionHistory.Sort(numbers.Select(n => Rev("r" + n, n, "v" + n)));

        var step = RevisionHistory.Resolve(sorted, Data(image));

        var (kind, got) = step switch
        {
            KeepRevision k => ("keep", k.Revision.Number),
            RenumberRevision r => ("renumber", r.Number),
            CreateRevision c => ("create", c.Number),
            _ => ("?", 0L),
        };
        Assert.True((expected, number) == (kind, got), name);
    }

    [Fact]
    public void Sort_SameNumber_ByCreationThenName()
    {
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var sorted = RevisionHistory.Sort([Rev("c", 2, "a"), Rev("b", 1, "a", t.AddMinutes(1)), Rev("a", 1, "a", t.AddMinutes(1)), Rev("z", 1, "a", t)]);

        Assert.Equal(["z", "a", "b", "c"], sorted.Select(r => r.Name));
    }

    public static TheoryData<int, string[], string[]> Truncations => new()
    {
        // limit, live names, deleted names (history r1..r5, oldest first)
        { 10, [], [] },
        { 2, [], ["r1", "r2", "r3"] },
        { 2, ["r4", "r5"], ["r1"] },
        { 0, ["r5", "r1"], ["r2", "r3", "r4"] },
        { 1, ["r2"], ["r1", "r3", "r4"] },
    };

    [Theory]
    [MemberData(nameof(Truncations))]
    public void ToTruncate_LimitAndLiveRevisions_OldestNonLiveBeyondTheLimitGo(int limit, string[] live, string[] deleted)
    {
        var sorted = RevisionHistory.Sort(Enumerable.Range(1, 5).Select(n => Rev("r" + n, n, "v" + n)));

        var doomed = RevisionHistory.ToTruncate(sorted, r => live.Contains(r.Name), limit);

        Assert.Equal(deleted, doomed.Select(r => r.Name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(1)]
    public void Hash_CollisionCount_ChangesTheName_Deterministically(int? collisions)
    {
        var data = Data("nginx:1");

        var hash = RevisionHash.Compute(data, collisions);

        Assert.Equal(hash, RevisionHash.Compute(data, collisions));
        Assert.NotEqual(hash, RevisionHash.Compute(data, (collisions ?? -1) + 1));
        Assert.DoesNotContain(hash, c => "aeiou013".Contains(c, StringComparison.Ordinal));
        Assert.NotEqual(hash, RevisionHash.Compute(Data("nginx:2"), collisions));
    }

    [Fact]
    public void Name_LongParent_TruncatedTo223()
    {
        Assert.Equal("web-abc", RevisionHash.Name("web", "abc"));
        Assert.Equal(new string('x', 223) + "-abc", RevisionHash.Name(new string('x', 300), "abc"));
    }
}
