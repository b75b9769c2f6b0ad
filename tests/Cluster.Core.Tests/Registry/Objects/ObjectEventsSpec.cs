using System.Text;
using System.Text.Json.Nodes;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;

namespace Cluster.Core.Tests.Registry.Objects;

public sealed class ObjectEventsSpec() : TestKit(RegistryConfig.Default)
{
    private static JsonObject Pod() => new() { ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = "web", ["labels"] = new JsonObject { ["app"] = "x" } } };

    private (byte[] Bytes, string Manifest, Serializer Serializer) Write(object @event)
    {
        var serializer = Sys.Serialization.FindSerializerFor(@event);
        return (serializer.ToBinary(@event), Serialization.ManifestFor(serializer, @event), serializer);
    }

    [Fact]
    public void StoredAndDeleted_SerializedAndRead_CarryTheObjectUnderItsStableFieldName()
    {
        foreach (var @event in new ObjectEvents.ObjectEvent[] { new ObjectEvents.Stored(Pod()), new ObjectEvents.Deleted(Pod()) })
        {
            var (bytes, manifest, serializer) = Write(@event);

            Assert.StartsWith("{\"Object\":{\"kind\":\"Pod\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
            var read = Assert.IsAssignableFrom<ObjectEvents.ObjectEvent>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest));
            Assert.Equal(@event.GetType(), read.GetType());
            Assert.Equal("x", read.Object["metadata"]!["labels"]!["app"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Event_ReleasedByTheActorThatAppliedIt_NoLongerHoldsTheObject()
    {
        var stored = new ObjectEvents.Stored(Pod());

        stored.Release();

        Assert.Throws<InvalidOperationException>(() => stored.Object);
    }
}
