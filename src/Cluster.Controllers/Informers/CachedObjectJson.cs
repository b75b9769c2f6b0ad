using System.Text.Json;
using Cluster.Core.Registry.Cache;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Informers;

/// <summary>The typed model (KubernetesClient's <c>V1Pod</c>, ...) of a cached object.</summary>
public static class CachedObjectJson
{
    public static T As<T>(this CachedObject obj) => TypedJson.Read<T>(obj.Json);
}

/// <summary>
/// Reads KubernetesClient's models from the registry's UTF-8 JSON with KubernetesJson's own serializer options (its
/// converters for quantities, times and int-or-string). KubernetesJson itself reads only strings: a UTF-16 copy of every
/// object first, which for the informers, the scheduler and the node agents was a fifth of all the bytes allocated.
/// </summary>
/// <remarks>
/// <c>metadata.managedFields</c> is skipped, left null: it is the API server's bookkeeping, which no controller, the
/// scheduler or a node agent reasons about, and its free-form <c>fieldsV1</c> was a quarter of what reading a pod
/// allocated. An object written back without it keeps the stored entries, as the API keeps them when a client omits them.
/// </remarks>
public static class TypedJson
{
    private static readonly JsonSerializerOptions Kubernetes = KubernetesOptions();
    private static readonly JsonSerializerOptions Options = new(Kubernetes) { Converters = { new SkipManagedFields() } };

    public static T Read<T>(byte[] utf8) => JsonSerializer.Deserialize<T>(utf8, Options)!;

    private static JsonSerializerOptions KubernetesOptions()
    {
        // AddJsonOptions hands its callback the options KubernetesJson serializes with; nothing is changed here.
        JsonSerializerOptions? options = null;
        KubernetesJson.AddJsonOptions(o => options = o);
        return options ?? throw new InvalidOperationException("KubernetesJson did not expose its serializer options");
    }

    private sealed class SkipManagedFields : JsonConverter<IList<V1ManagedFieldsEntry>>
    {
        public override bool HandleNull => true;

        public override IList<V1ManagedFieldsEntry>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return null;
        }

        public override void Write(Utf8JsonWriter writer, IList<V1ManagedFieldsEntry> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, Kubernetes);
    }
}
