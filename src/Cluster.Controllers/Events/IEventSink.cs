using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Events;

/// <summary>Where recorded Events are written: the registry, as any client's writes, under its rules.</summary>
public interface IEventSink
{
    Task CreateAsync(Corev1Event e, CancellationToken ct);

    /// <summary>A repeat of an Event already written: its count and lastTimestamp.</summary>
    Task UpdateCountAsync(string ns, string name, int count, DateTimeOffset last, CancellationToken ct);
}

public sealed class RegistryEventSink(ResourceRegistry registry) : IEventSink
{
    public Task CreateAsync(Corev1Event e, CancellationToken ct) =>
        registry.CreateAsync(BuiltInKinds.Event, e.Metadata.NamespaceProperty, JsonNode.Parse(KubernetesJson.Serialize(e))!.AsObject(), WriteOptions.Default, ct);

    public Task UpdateCountAsync(string ns, string name, int count, DateTimeOffset last, CancellationToken ct) =>
        registry.PatchAsync(BuiltInKinds.Event, ns, name, PatchType.Merge, new JsonObject { ["count"] = count, ["lastTimestamp"] = ObjectMeta.Timestamp(last) }, null, WriteOptions.Default, ct);
}
