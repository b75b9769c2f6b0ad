using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using k8s.Models;

namespace Cluster.Controllers.Scheduling;

/// <summary>The storage objects the scheduler's VolumeBinding plugin reads: claims, volumes and classes.</summary>
public interface IVolumeLookup
{
    V1PersistentVolumeClaim? Claim(string ns, string name);

    V1PersistentVolume? Volume(string name);

    V1StorageClass? StorageClass(string name);

    IEnumerable<V1PersistentVolume> Volumes();
}

/// <summary>
/// <see cref="IVolumeLookup"/> over the shared informers. Called under the scheduler cache's lock, as
/// <see cref="SpreadSelectors"/>: it takes these informers' locks, and nothing holding them takes the cache's.
/// </summary>
public sealed class InformerVolumeLookup(InformerFactory informers) : IVolumeLookup
{
    private readonly SharedInformer _claims = informers.For(BuiltInKinds.PersistentVolumeClaim);
    private readonly SharedInformer _volumes = informers.For(BuiltInKinds.PersistentVolume);
    private readonly SharedInformer _classes = informers.For(BuiltInKinds.StorageClass);

    public V1PersistentVolumeClaim? Claim(string ns, string name) => _claims.Get(ns, name)?.As<V1PersistentVolumeClaim>();

    public V1PersistentVolume? Volume(string name) => _volumes.Get("", name)?.As<V1PersistentVolume>();

    public V1StorageClass? StorageClass(string name) => _classes.Get("", name)?.As<V1StorageClass>();

    public IEnumerable<V1PersistentVolume> Volumes() => _volumes.List().Select(CachedObjectJson.As<V1PersistentVolume>);
}
