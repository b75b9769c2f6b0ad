using System.Text;
using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Api.Security.Pki;

namespace Cluster.Api.Tests.Security.Pki;

public sealed class KubeconfigFileTests
{
    private static readonly KubeconfigEntry Alice = new(
        "cluster", "https://127.0.0.1:6443", "CA PEM\n", "alice", "CERT PEM\n", "KEY PEM\n", null, "alice@cluster", "team");

    [Fact]
    public void Merge_NoFile_ClusterUserContextAndCurrentContext()
    {
        var config = Read(KubeconfigFile.Merge(null, Alice));

        Assert.Equal("v1", config["apiVersion"]!.GetValue<string>());
        Assert.Equal("Config", config["kind"]!.GetValue<string>());
        var cluster = Assert.Single(config["clusters"]!.AsArray())!;
        Assert.Equal("cluster", cluster["name"]!.GetValue<string>());
        Assert.Equal("https://127.0.0.1:6443", cluster["cluster"]!["server"]!.GetValue<string>());
        Assert.Equal("CA PEM\n", Decode(cluster["cluster"]!["certificate-authority-data"]));
        var user = Assert.Single(config["users"]!.AsArray())!;
        Assert.Equal("alice", user["name"]!.GetValue<string>());
        Assert.Equal("CERT PEM\n", Decode(user["user"]!["client-certificate-data"]));
        Assert.Equal("KEY PEM\n", Decode(user["user"]!["client-key-data"]));
        Assert.Null(user["user"]!["token"]);
        var context = Assert.Single(config["contexts"]!.AsArray())!;
        Assert.Equal("alice@cluster", context["name"]!.GetValue<string>());
        Assert.Equal("""{"cluster":"cluster","user":"alice","namespace":"team"}""", context["context"]!.ToJsonString());
        Assert.Equal("alice@cluster", config["current-context"]!.GetValue<string>());
    }

    [Fact]
    public void Merge_ExistingFile_ReplacesSameNamesAndKeepsTheRest()
    {
        const string existing = """
            apiVersion: v1
            kind: Config
            preferences:
              colors: true
            clusters:
            - name: other
              cluster:
                server: https://other:6443
            - name: cluster
              cluster:
                server: https://old:6443
            users:
            - name: alice
              user:
                token: old-token
            - name: bob
              user:
                token: bob-token
            contexts:
            - name: other
              context:
                cluster: other
                user: bob
            current-context: other
            """;

        var config = Read(KubeconfigFile.Merge(existing, Alice with { Namespace = null }));

        Assert.Equal(["other", "cluster"], config["clusters"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("https://127.0.0.1:6443", config["clusters"]![1]!["cluster"]!["server"]!.GetValue<string>());
        Assert.Equal(["alice", "bob"], config["users"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Null(config["users"]![0]!["user"]!["token"]);
        Assert.Equal("bob-token", config["users"]![1]!["user"]!["token"]!.GetValue<string>());
        Assert.Equal(["other", "alice@cluster"], config["contexts"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Null(config["contexts"]![1]!["context"]!["namespace"]);
        Assert.Equal("other", config["current-context"]!.GetValue<string>());
        Assert.True(config["preferences"]!["colors"]!.GetValue<bool>());
    }

    [Fact]
    public void Merge_JsonKubeconfigWithQuotedKeys_MergesIntoTheSameKeys()
    {
        const string existing = """{"kind": "Config", "current-context": "", "users": [{"name": "alice", "user": {"token": "t"}}]}""";

        var merged = KubeconfigFile.Merge(existing, Alice);

        Assert.Single(merged.Split('\n'), l => l.Contains("current-context", StringComparison.Ordinal));
        Assert.Single(merged.Split('\n'), l => l.Contains("users", StringComparison.Ordinal));
        var config = Read(merged);
        Assert.Equal("alice@cluster", config["current-context"]!.GetValue<string>());
        Assert.Equal("CERT PEM\n", Decode(Assert.Single(config["users"]!.AsArray())!["user"]!["client-certificate-data"]));
    }

    [Fact]
    public void Merge_NamesThatLookLikeOtherTypes_StayStrings()
    {
        var config = Read(KubeconfigFile.Merge(null, Alice with { User = "true", Namespace = "0123", Context = "null", Token = "1e5" }));

        Assert.Equal("true", config["users"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("1e5", config["users"]![0]!["user"]!["token"]!.GetValue<string>());
        Assert.Equal("0123", config["contexts"]![0]!["context"]!["namespace"]!.GetValue<string>());
        Assert.Equal("null", config["current-context"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("- a list\n")]
    [InlineData("clusters: {a: b}\n")]
    [InlineData("clusters: [\n")]
    public void Merge_NotAKubeconfig_ThrowsInvalidData(string existing) =>
        Assert.Throws<InvalidDataException>(() => KubeconfigFile.Merge(existing, Alice));

    [Fact]
    public void DefaultPath_KubeconfigVariable_FirstPathElseHome()
    {
        Assert.Equal("/a/config", KubeconfigFile.DefaultPath($"/a/config{Path.PathSeparator}/b/config", "/home/u"));
        Assert.Equal(Path.Combine("/home/u", ".kube", "config"), KubeconfigFile.DefaultPath(null, "/home/u"));
        Assert.Equal(Path.Combine("/home/u", ".kube", "config"), KubeconfigFile.DefaultPath("", "/home/u"));
    }

    [Fact]
    public void Write_NewFile_OwnerOnlyMode()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}", "config");
        try
        {
            KubeconfigFile.Write(path, KubeconfigFile.Merge(null, Alice));

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, PkiFixture.ModeOf(path));
            Assert.Equal("alice@cluster", Read(File.ReadAllText(path))["current-context"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>As kubectl reads it: YAML to JSON with the core schema.</summary>
    private static JsonNode Read(string yaml) => YamlToJson.Parse(yaml) ?? throw new InvalidOperationException("empty document");

    private static string Decode(JsonNode? node) => Encoding.UTF8.GetString(Convert.FromBase64String(node!.GetValue<string>()));
}
