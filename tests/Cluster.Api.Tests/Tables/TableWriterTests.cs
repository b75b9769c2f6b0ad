using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Api.Tables;
using Cluster.Core.Registry;
using static Cluster.Api.Tests.Tables.TableFixtures;

namespace Cluster.Api.Tests.Tables;

public sealed class TableWriterTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string PodJson = $$$$"""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"web","namespace":"default","uid":"u1","resourceVersion":"106","creationTimestamp":"{{{{Ago(TimeSpan.FromMinutes(5))}}}}",
                     "labels":{"app":"web"},"managedFields":[{"manager":"kubectl"}]},
         "spec":{"nodeName":"node-1","containers":[{"name":"app","image":"nginx"}]},
         "status":{"phase":"Running","podIP":"10.0.0.5","conditions":[{"type":"Ready","status":"True"}],
                   "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}}
        """;

    private static JsonObject Write(ResourceKind kind, IEnumerable<JsonObject> objects, IncludeObject include, bool includeColumns, string? continueToken = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            TableWriter.WriteTable(writer, TableConverters.For(kind), objects, "108", continueToken, include, includeColumns, Now);
        }

        return JsonNode.Parse(stream.ToArray())!.AsObject();
    }

    [Fact]
    public void WriteTable_PodWithMetadata_HasUpstreamShape()
    {
        var table = Write(BuiltInKinds.Pod, [Parse(PodJson)], IncludeObject.Metadata, includeColumns: true);

        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)table["apiVersion"]);
        Assert.Equal("""{"resourceVersion":"108"}""", table["metadata"]!.ToJsonString());

        var columns = table["columnDefinitions"]!.AsArray();
        Assert.Equal(9, columns.Count);
        Assert.Equal("""{"name":"Name","type":"string","format":"name","description":"{{Columns.NameDoc}}","priority":0}""".Replace("{{Columns.NameDoc}}", Columns.NameDoc, StringComparison.Ordinal),
            columns[0]!.ToJsonString());
        Assert.Equal(1, (int)columns[5]!["priority"]!);
        Assert.Equal("IP", (string?)columns[5]!["name"]);

        var row = table["rows"]!.AsArray().Single()!;
        Assert.Equal("""["web","1/1","Running","0","5m","10.0.0.5","node-1","<none>","<none>"]""", row["cells"]!.ToJsonString(Relaxed));
        var obj = row["object"]!;
        Assert.Equal("PartialObjectMetadata", (string?)obj["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)obj["apiVersion"]);
        Assert.Equal(["name", "namespace", "uid", "resourceVersion", "creationTimestamp", "labels"], obj["metadata"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal("web", (string?)obj["metadata"]!["labels"]!["app"]);
        Assert.Null(obj["spec"]);
    }

    [Fact]
    public void WriteTable_IncludeObjectObject_EmbedsFullObject()
    {
        var table = Write(BuiltInKinds.Pod, [Parse(PodJson)], IncludeObject.Object, includeColumns: true);
        var obj = table["rows"]![0]!["object"]!;
        Assert.True(JsonNode.DeepEquals(Parse(PodJson), obj));
    }

    [Fact]
    public void WriteTable_IncludeObjectNone_RowHasOnlyCells()
    {
        var table = Write(BuiltInKinds.Pod, [Parse(PodJson)], IncludeObject.None, includeColumns: true);
        Assert.Equal(["cells"], table["rows"]![0]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public void WriteTable_WithoutColumns_OmitsColumnDefinitions()
    {
        var table = Write(BuiltInKinds.Pod, [Parse(PodJson)], IncludeObject.Metadata, includeColumns: false);
        Assert.False(table.ContainsKey("columnDefinitions"));
        Assert.Single(table["rows"]!.AsArray());
    }

    [Fact]
    public void WriteTable_EmptyListWithContinue_WritesEmptyRowsAndToken()
    {
        var table = Write(BuiltInKinds.ConfigMap, [], IncludeObject.Metadata, includeColumns: true, continueToken: "abc");
        Assert.Equal("""{"resourceVersion":"108","continue":"abc"}""", table["metadata"]!.ToJsonString());
        Assert.Empty(table["rows"]!.AsArray());
        Assert.Equal(["Name", "Data", "Age"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
    }

    [Fact]
    public void WriteTable_IntegerCells_StayJsonNumbers()
    {
        var rs = Parse("""{"metadata":{"name":"rs"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"x"}}},"status":{"replicas":2,"readyReplicas":1}}""");
        var table = Write(BuiltInKinds.ReplicaSet, [rs], IncludeObject.None, includeColumns: false);
        Assert.Equal("""["rs",2,2,1,"<unknown>","","","app=x"]""", table["rows"]![0]!["cells"]!.ToJsonString(Relaxed));
    }
}
