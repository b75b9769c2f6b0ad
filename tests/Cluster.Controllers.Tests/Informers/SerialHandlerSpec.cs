using System.Text.Json.Nodes;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry.Cache;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Controllers.Tests.Informers;

public sealed class SerialHandlerSpec
{
    [Fact]
    public async Task Events_TellsTheInnerHandlerInOrder_OnceStarted()
    {
        var inner = new Recording();
        await using var handler = new SerialHandler(inner, NullLogger.Instance);
        var a1 = Pod("a", 1);
        var a2 = Pod("a", 2);
        handler.OnAdd(a1);
        handler.OnUpdate(a1, a2);
        handler.OnDelete(a2);
        Assert.Empty(inner.Seen);

        handler.Start();
        await handler.WaitHandledAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["add a@1", "update a@1->2", "delete a@2"], inner.Seen);
    }

    [Fact]
    public async Task FailingEvent_IsLoggedAndTheNextOneStillHandled()
    {
        var inner = new Recording { FailOn = "b" };
        await using var handler = new SerialHandler(inner, NullLogger.Instance);
        handler.Start();
        handler.OnAdd(Pod("b", 1));
        handler.OnAdd(Pod("c", 1));

        await handler.WaitHandledAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["add b@1", "add c@1"], inner.Seen);
    }

    private static CachedObject Pod(string name, long version) =>
        CachedObject.From(JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"default","uid":"u-{{{name}}}"}}""")!.AsObject(), version);

    private sealed class Recording : IInformerHandler
    {
        public List<string> Seen { get; } = [];

        public string? FailOn { get; init; }

        public void OnAdd(CachedObject obj) => Record($"add {obj.Name}@{obj.ResourceVersion}", obj);

        public void OnUpdate(CachedObject old, CachedObject now) => Record($"update {now.Name}@{old.ResourceVersion}->{now.ResourceVersion}", now);

        public void OnDelete(CachedObject last) => Record($"delete {last.Name}@{last.ResourceVersion}", last);

        private void Record(string what, CachedObject obj)
        {
            Seen.Add(what);
            if (obj.Name == FailOn)
            {
                throw new InvalidOperationException("handler failed");
            }
        }
    }
}
