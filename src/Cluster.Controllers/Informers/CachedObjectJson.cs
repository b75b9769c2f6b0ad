using System.Text.Json;
using Cluster.Core.Registry.Cache;
using k8s;

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
public static class TypedJson
{
    private static readonly JsonSerializerOptions Options = KubernetesOptions();

    public static T Read<T>(byte[] utf8) => JsonSerializer.Deserialize<T>(utf8, Options)!;

    private static JsonSerializerOptions KubernetesOptions()
    {
        // AddJsonOptions hands its callback the options KubernetesJson serializes with; nothing is changed here.
        JsonSerializerOptions? options = null;
        KubernetesJson.AddJsonOptions(o => options = o);
        return options ?? throw new InvalidOperationException("KubernetesJson did not expose its serializer options");
    }
}
