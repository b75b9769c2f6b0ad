using System.Text.Json.Serialization;
using Cluster.Core.Persistence;

namespace Cluster.Core.Registry.Objects;

/// <summary>
/// The Akka serializer of what crosses the cluster between a request's node and the node that
/// hosts the object's shard: the commands, the replies and the failures, as JSON with stable
/// manifests (bound in <see cref="RegistryConfig"/>); identifier 8502.
/// </summary>
public sealed class ObjectMessagesSerializer(Akka.Actor.ExtendedActorSystem system) : ManifestJsonSerializer(system, Types())
{
    public const int Id = 8502;

    public override int Identifier => Id;

    public static PersistenceSerialization Types() => new PersistenceSerialization()
        .Register("registry.get.v1", ObjectMessagesJsonContext.Default.Get)
        .Register("registry.create.v1", ObjectMessagesJsonContext.Default.Create)
        .Register("registry.update.v1", ObjectMessagesJsonContext.Default.Update)
        .Register("registry.patch.v1", ObjectMessagesJsonContext.Default.Patch)
        .Register("registry.delete.v1", ObjectMessagesJsonContext.Default.Delete)
        .Register("registry.bind.v1", ObjectMessagesJsonContext.Default.Bind)
        .Register("registry.reply.v1", ObjectMessagesJsonContext.Default.ObjectReply)
        .Register("registry.failure.v1", ObjectMessagesJsonContext.Default.ObjectFailure)
        .Register("registry.commit-notice.v1", ObjectMessagesJsonContext.Default.JournalCommitNotice);
}

[JsonSerializable(typeof(ObjectCommand.Get))]
[JsonSerializable(typeof(ObjectCommand.Create))]
[JsonSerializable(typeof(ObjectCommand.Update))]
[JsonSerializable(typeof(ObjectCommand.Patch))]
[JsonSerializable(typeof(ObjectCommand.Delete))]
[JsonSerializable(typeof(ObjectCommand.Bind))]
[JsonSerializable(typeof(ObjectReply))]
[JsonSerializable(typeof(ObjectFailure))]
[JsonSerializable(typeof(Cache.JournalCommitNotice))]
internal sealed partial class ObjectMessagesJsonContext : JsonSerializerContext;
