using Cluster.Controllers.Informers;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Scheduling;

/// <summary>How informer events reach the scheduler: bound pods and nodes into the cache, pending pods into the queue, and changes that could make room wake the unschedulable pods.</summary>
public sealed partial class Scheduler
{
    /// <summary>Gives the pod, node and namespace informers their handlers; call before they start.</summary>
    public void Watch()
    {
        // Each on a task of its own: the handlers wait for the cache while a cycle holds it, and must not hold up the
        // kind's other handlers (the replica sets', the garbage collector's) meanwhile.
        _handlers = [Serially(BuiltInKinds.Pod, new PodHandler(this)), Serially(BuiltInKinds.Node, new NodeHandler(this)), Serially(BuiltInKinds.Namespace, new NamespaceHandler(this))];
        // Preemption prefers victims whose eviction breaks no budget; it only reads them.
        _informers.For(BuiltInKinds.PodDisruptionBudget);

        // A claim bound, a volume made or a class added may let a pod the VolumeBinding plugin refused fit now.
        foreach (var kind in new[] { BuiltInKinds.PersistentVolumeClaim, BuiltInKinds.PersistentVolume, BuiltInKinds.StorageClass })
        {
            _informers.For(kind).AddHandler(new StorageHandler(Queue));
        }
    }

    private SerialHandler Serially(ResourceKind kind, IInformerHandler handler)
    {
        var serial = new SerialHandler(handler, _logger);
        _informers.For(kind).AddHandler(serial);
        serial.Start();
        return serial;
    }

    /// <summary>Whether this scheduler is the pod's: the default scheduler's name, or none stated (the API defaults it).</summary>
    private static bool IsOurs(V1Pod pod) => pod.Spec?.SchedulerName is null or "" or SchedulerProfile.DefaultSchedulerName;

    private static bool IsPending(V1Pod pod) =>
        string.IsNullOrEmpty(pod.Spec?.NodeName) && pod.Metadata?.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed");

    /// <summary>
    /// A pod came or changed. Every status write of every pod lands here, so only the new version is parsed; the old
    /// one only when its phase or spec is what decides.
    /// </summary>
    private void PodChanged(CachedObject? oldObj, CachedObject nowObj)
    {
        var pod = nowObj.As<V1Pod>();
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            var info = PodInfo.From(pod);
            var finished = pod.Status?.Phase is "Succeeded" or "Failed";
            lock (Cache.Lock)
            {
                Cache.ClearNomination(info.Uid);
                Cache.SetBoundPod(info);
            }

            Queue.Delete(info.Key);
            // A pod that finished frees its node; one whose labels changed may satisfy or break affinity terms.
            if ((finished && oldObj?.As<V1Pod>().Status?.Phase is not ("Succeeded" or "Failed")) || (oldObj is not null && !SameLabels(oldObj, nowObj)))
            {
                Queue.MoveAllUnschedulable();
            }

            return;
        }

        if (IsPending(pod) && IsOurs(pod))
        {
            // A status-only update (such as the scheduler's own Unschedulable condition) is no reason to try again.
            var change = oldObj is null ? PodUpdate.Other : Changed(oldObj, nowObj, pod);
            var info = PodInfo.From(pod);
            if (pod.Status?.NominatedNodeName is { Length: > 0 } nominated)
            {
                // A nomination seen in status (the scheduler's own, or a predecessor's before a fail-over) holds the room.
                lock (Cache.Lock)
                {
                    if (Cache.NominatedNode(info.Uid) != nominated)
                    {
                        Cache.Nominate(info, nominated);
                    }
                }
            }

            Queue.AddOrUpdate(info, change);
        }
        else
        {
            lock (Cache.Lock)
            {
                Cache.ClearNomination(pod.Metadata?.Uid ?? Key(pod));
            }

            Queue.Delete(Key(pod));
        }
    }

    private void PodDeleted(V1Pod pod)
    {
        var uid = pod.Metadata?.Uid ?? Key(pod);
        bool wasCounted;
        lock (Cache.Lock)
        {
            wasCounted = Cache.Contains(uid);
            Cache.RemovePod(uid);
            Cache.ClearNomination(uid);
        }

        Queue.Delete(Key(pod));
        if (wasCounted)
        {
            Queue.MoveAllUnschedulable();
        }
    }

    /// <summary>
    /// A node came or changed. Heartbeats rewrite every node's status again and again, so only the new version is parsed:
    /// it is compared with the version the cache holds (the informer's previous one) rather than parsing that again.
    /// </summary>
    private void NodeChanged(CachedObject nowObj)
    {
        var node = nowObj.As<V1Node>();
        V1Node? old;
        lock (Cache.Lock)
        {
            old = Cache.Node(node.Metadata.Name)?.Node;
            Cache.SetNode(node);
        }

        if (old is null || !SameForScheduling(old, node))
        {
            Queue.MoveAllUnschedulable();
        }
    }

    private void NodeDeleted(V1Node node)
    {
        lock (Cache.Lock)
        {
            Cache.RemoveNode(node.Metadata.Name);
        }
    }

    /// <summary>Heartbeats and condition refreshes change a Node constantly; only what a filter reads is news to pending pods.</summary>
    private static bool SameForScheduling(V1Node a, V1Node b) =>
        a.Spec?.Unschedulable == b.Spec?.Unschedulable
        && SameLabels(a.Metadata?.Labels, b.Metadata?.Labels)
        && SameJson(a.Spec?.Taints, b.Spec?.Taints)
        && SameJson(a.Status?.Allocatable, b.Status?.Allocatable);

    /// <summary>What changed in a pending pod, for the queueing hints (upstream's PodSchedulingPropertiesChange).</summary>
    private static PodUpdate Changed(CachedObject oldObj, CachedObject nowObj, V1Pod now)
    {
        var change = SameLabels(oldObj, nowObj) ? PodUpdate.None : PodUpdate.Labels;
        var before = oldObj.As<V1Pod>().Spec;
        var after = now.Spec;
        if (SameJson(before, after))
        {
            return change;
        }

        if (!SameJson(before?.Tolerations, after?.Tolerations))
        {
            change |= PodUpdate.Tolerations;
        }

        if (!SameJson(Requests(before), Requests(after)))
        {
            change |= PodUpdate.Requests;
        }

        // Anything else (or a change the hints do not tell apart): every plugin may care.
        var rest = (Before: Without(before), After: Without(after));
        return SameJson(rest.Before, rest.After) ? change : change | PodUpdate.Other;

        static List<IDictionary<string, ResourceQuantity>?>? Requests(V1PodSpec? spec) => spec?.Containers?.Select(c => c.Resources?.Requests).ToList();

        static V1PodSpec? Without(V1PodSpec? spec) => spec is null ? null : KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(spec)) is var copy
            ? Strip(copy)
            : null;

        static V1PodSpec Strip(V1PodSpec spec)
        {
            spec.Tolerations = null;
            foreach (var container in spec.Containers ?? [])
            {
                container.Resources = null;
            }

            return spec;
        }
    }

    private static bool SameLabels(CachedObject a, CachedObject b) =>
        a.Labels.Count == b.Labels.Count && a.Labels.All(l => b.Labels.TryGetValue(l.Key, out var value) && value == l.Value);

    private static bool SameLabels(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(l => b!.TryGetValue(l.Key, out var value) && value == l.Value));

    private static bool SameJson(object? a, object? b) =>
        a is null || b is null ? a is null && b is null : KubernetesJson.Serialize(a) == KubernetesJson.Serialize(b);

    private static string Key(V1Pod pod) => (pod.Metadata?.NamespaceProperty ?? "default") + "/" + pod.Metadata?.Name;

    private sealed class PodHandler(Scheduler scheduler) : IInformerHandler
    {
        public void OnAdd(CachedObject obj) => scheduler.PodChanged(null, obj);

        public void OnUpdate(CachedObject old, CachedObject now) => scheduler.PodChanged(old, now);

        public void OnDelete(CachedObject last) => scheduler.PodDeleted(last.As<V1Pod>());
    }

    private sealed class StorageHandler(SchedulingQueue queue) : IInformerHandler
    {
        public void OnAdd(CachedObject obj) => queue.MoveAllUnschedulable();

        public void OnUpdate(CachedObject old, CachedObject now) => queue.MoveAllUnschedulable();

        public void OnDelete(CachedObject last)
        {
        }
    }

    private sealed class NodeHandler(Scheduler scheduler) : IInformerHandler
    {
        public void OnAdd(CachedObject obj) => scheduler.NodeChanged(obj);

        public void OnUpdate(CachedObject old, CachedObject now) => scheduler.NodeChanged(now);

        public void OnDelete(CachedObject last) => scheduler.NodeDeleted(last.As<V1Node>());
    }

    private sealed class NamespaceHandler(Scheduler scheduler) : IInformerHandler
    {
        public void OnAdd(CachedObject obj) => Set(obj);

        public void OnUpdate(CachedObject old, CachedObject now) => Set(now);

        public void OnDelete(CachedObject last)
        {
            lock (scheduler.Cache.Lock)
            {
                scheduler.Cache.SetNamespace(last.Name, null);
            }
        }

        private void Set(CachedObject ns)
        {
            lock (scheduler.Cache.Lock)
            {
                scheduler.Cache.SetNamespace(ns.Name, ns.Labels);
            }
        }
    }
}
