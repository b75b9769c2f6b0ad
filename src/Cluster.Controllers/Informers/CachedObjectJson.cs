using System.Text;
using Cluster.Core.Registry.Cache;
using k8s;

namespace Cluster.Controllers.Informers;

/// <summary>Cached objects as KubernetesClient's typed models: controllers reason about <c>V1Pod</c>s, not JSON.</summary>
public static class CachedObjectJson
{
    public static T As<T>(this CachedObject obj) => KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(obj.Json));
}
