using System.Globalization;
using System.Text;
using Cluster.Controllers.Deployments;

namespace Cluster.Controllers.History;

/// <summary>How a ControllerRevision is named (upstream's history.HashControllerRevision and ControllerRevisionName). Pure.</summary>
public static class RevisionHash
{
    /// <summary>The label a StatefulSet's revisions carry their hash in (upstream's ControllerRevisionHashLabel).</summary>
    public const string HashLabel = "controller.kubernetes.io/hash";

    /// <summary>Upstream truncates the parent's name so the revision's name stays a valid DNS subdomain.</summary>
    private const int MaxPrefix = 223;

    /// <summary>
    /// FNV-32 (not 32a, as upstream) over the data, then the collision count in decimal when there is one, spelled as
    /// rand.SafeEncodeString does.
    /// </summary>
    public static string Compute(string data, int? collisionCount)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(data))
        {
            hash = Step(hash, b);
        }

        if (collisionCount is { } probe)
        {
            foreach (var b in Encoding.UTF8.GetBytes(probe.ToString(CultureInfo.InvariantCulture)))
            {
                hash = Step(hash, b);
            }
        }

        return PodTemplateHash.SafeEncode(hash);
    }

    public static string Name(string parent, string hash) => (parent.Length > MaxPrefix ? parent[..MaxPrefix] : parent) + "-" + hash;

    private static uint Step(uint hash, byte b) => unchecked((hash * 16777619u) ^ b);
}
