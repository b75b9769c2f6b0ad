using System.Text.Json.Nodes;
using Cluster.Controllers.Ownership;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Controllers.Tests.Ownership;

/// <summary>The claim's writes against a writer that records them: adopt, release, the fresh re-check, and failures.</summary>
public sealed class ControllerRefManagerSpec
{
    private readonly RecordingWriter _writer = new();

    [Fact]
    public async Task ClaimAsync_MatchingOrphan_AdoptedWithControllerRefAtTheCachedVersion()
    {
        var orphan = Pod("orphan", version: 7);

        var owned = await ClaimAsync(orphan, Pod("owned", version: 3, references: Ours));

        Assert.Equal(["owned", "orphan"], owned);
        var (name, written) = Assert.Single(_writer.Updates);
        Assert.Equal("orphan", name);
        Assert.Equal("7", written["metadata"]!["resourceVersion"]!.GetValue<string>());
        var reference = Assert.Single(written["metadata"]!["ownerReferences"]!.AsArray())!;
        Assert.Equal(("ReplicaSet", "web", "rs-uid", true, true),
            (reference["kind"]!.GetValue<string>(), reference["name"]!.GetValue<string>(), reference["uid"]!.GetValue<string>(), reference["controller"]!.GetValue<bool>(), reference["blockOwnerDeletion"]!.GetValue<bool>()));
        Assert.Equal(1, _writer.Reads);
    }

    [Fact]
    public async Task ClaimAsync_OwnedNoLongerMatching_ReleasedKeepingOtherReferences()
    {
        var relabelled = Pod("relabelled", app: "db", references: Ours + "," + """{"apiVersion":"v1","kind":"ConfigMap","name":"cm","uid":"cm-uid"}""");

        var owned = await ClaimAsync(relabelled);

        Assert.Empty(owned);
        var (_, written) = Assert.Single(_writer.Updates);
        Assert.Equal(["cm-uid"], written["metadata"]!["ownerReferences"]!.AsArray().Select(r => r!["uid"]!.GetValue<string>()));
        Assert.Equal(0, _writer.Reads); // a release needs no fresh read
    }

    [Fact]
    public async Task ClaimAsync_OwnerFoundDeletingOnTheFreshRead_AdoptsNothingAndFails()
    {
        _writer.Owner = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "web", ["uid"] = "rs-uid", ["deletionTimestamp"] = "2026-12-06T12:00:00Z" } };

        var failure = await Assert.ThrowsAsync<ControllerRefManager.ClaimException>(() => ClaimAsync(Pod("a"), Pod("b")));

        Assert.Empty(_writer.Updates);
        Assert.Equal(1, _writer.Reads); // read once per claim, not per orphan
        Assert.Contains("has just been deleted", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimAsync_ObjectGoneMeanwhile_PassedOverWithoutFailure()
    {
        _writer.Refuse["gone"] = 404;

        var owned = await ClaimAsync(Pod("gone"), Pod("here"));

        Assert.Equal(["here"], owned);
    }

    [Fact]
    public async Task ClaimAsync_ConflictOnOne_TriesTheRestThenFails()
    {
        _writer.Refuse["raced"] = 409;

        await Assert.ThrowsAsync<ControllerRefManager.ClaimException>(() => ClaimAsync(Pod("raced"), Pod("other"), Pod("mine", app: "db", references: Ours)));

        Assert.Equal(["other", "mine"], _writer.Updates.Select(u => u.Name));
    }

    private const string Ours = """{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"rs-uid","controller":true}""";

    private async Task<List<string>> ClaimAsync(params CachedObject[] pods)
    {
        var manager = new ControllerRefManager(_writer, NullLogger.Instance);
        var owner = new ClaimOwner(BuiltInKinds.ReplicaSet, "shop", "web", "rs-uid", Deleting: false);
        var owned = await manager.ClaimAsync(
            BuiltInKinds.Pod, owner, pods.Select(p => (p, Meta(p))), m => m, m => m.Labels is { } labels && labels.TryGetValue("app", out var app) && app == "web", CancellationToken.None);
        return [.. owned.Select(m => m.Name)];
    }

    private static V1ObjectMeta Meta(CachedObject pod) => k8s.KubernetesJson.Deserialize<V1ObjectMeta>(pod.ToJsonObject()["metadata"]!.ToJsonString());

    private static CachedObject Pod(string name, long version = 1, string app = "web", string? references = null)
    {
        var owners = references is null ? "" : ",\"ownerReferences\":[" + references + "]";
        var json = $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"shop","uid":"uid-{{{name}}}","resourceVersion":"{{{version}}}","labels":{"app":"{{{app}}}"}{{{owners}}}}}""";
        return CachedObject.From(JsonNode.Parse(json)!.AsObject(), version);
    }

    private sealed class RecordingWriter : IObjectWriter
    {
        public List<(string Name, JsonObject Obj)> Updates { get; } = [];

        public Dictionary<string, int> Refuse { get; } = [];

        public JsonObject? Owner { get; set; } = new() { ["metadata"] = new JsonObject { ["name"] = "web", ["uid"] = "rs-uid" } };

        public int Reads { get; private set; }

        public Task UpdateAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct)
        {
            if (Refuse.TryGetValue(name, out var code))
            {
                throw new ApiException(code, "Refused", "refused");
            }

            Updates.Add((name, obj));
            return Task.CompletedTask;
        }

        public Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken ct)
        {
            Reads++;
            return Task.FromResult(Owner);
        }

        public Task<JsonObject> CreateAsync(ResourceKind kind, string ns, JsonObject obj, CancellationToken ct) => throw new NotSupportedException();

        public Task<long> UpdateStatusAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, Cluster.Core.Registry.Objects.DeleteOptions options, CancellationToken ct) => throw new NotSupportedException();
    }
}
