using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Pki;

namespace Cluster.Api.Security.Authorization;

/// <summary>Upstream's node identifier: a user named system:node:NAME in the group system:nodes is the agent of node NAME.</summary>
public static class NodeIdentity
{
    /// <summary>The node the user is the agent of; false for anyone else (an empty name after the prefix names no node).</summary>
    public static bool TryGetNode(UserInfo user, out string node)
    {
        ArgumentNullException.ThrowIfNull(user);
        node = "";
        if (!user.Name.StartsWith(CertificateAuthority.NodeUserPrefix, StringComparison.Ordinal) || !user.Groups.Contains(CertificateAuthority.NodesGroup))
        {
            return false;
        }

        node = user.Name[CertificateAuthority.NodeUserPrefix.Length..];
        return true;
    }
}
