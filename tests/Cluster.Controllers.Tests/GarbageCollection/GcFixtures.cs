using Cluster.Controllers.GarbageCollection;
using Cluster.Core.Registry;

namespace Cluster.Controllers.Tests.GarbageCollection;

internal static class GcFixtures
{
    public static OwnerLink Owner(string uid, bool block = false) => new("v1", "ConfigMap", "cm-" + uid, uid, block);

    public static GraphNode Node(string uid, bool deleting = false, bool foreground = false, bool orphan = false, params OwnerLink[] owners) =>
        new(new ObjectIdentity(BuiltInKinds.ConfigMap, "default", "cm-" + uid, uid), owners, deleting || foreground || orphan, foreground, orphan);
}
