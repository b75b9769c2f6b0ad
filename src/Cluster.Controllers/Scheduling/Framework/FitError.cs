using System.Globalization;

namespace Cluster.Controllers.Scheduling.Framework;

/// <summary>
/// Why a pod fits nowhere (upstream's FitError): each node's failing reasons, counted and told as
/// <c>0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {k: v}.</c>
/// </summary>
public sealed class FitError(int allNodes, IReadOnlyDictionary<string, FilterResult> byNode, string? preFilterMessage = null, string? preFilterPlugin = null)
{
    /// <summary>
    /// The plugins that refused the pod (upstream's UnschedulablePlugins): only a change one of them cares about is
    /// worth trying it again for. Empty when unknown, which any change is.
    /// </summary>
    public IReadOnlySet<string> Plugins => field ??= preFilterPlugin is not null
        ? new HashSet<string>(StringComparer.Ordinal) { preFilterPlugin }
        : ByNode.Values.Select(r => r.Plugin).OfType<string>().ToHashSet(StringComparer.Ordinal);

    public int AllNodes { get; } = allNodes;

    /// <summary>The failing verdict per node name (empty when a pre-filter refused the pod before any node was looked at).</summary>
    public IReadOnlyDictionary<string, FilterResult> ByNode { get; } = byNode;

    /// <summary>What preemption made of it, appended as upstream's PostFilterMsg (a sentence with its own full stop).</summary>
    public string? PostFilterMessage { get; set; }

    /// <summary>Whether evicting pods could help on some node: a node refused only with <see cref="FilterCode.Unschedulable"/>.</summary>
    public bool PreemptionMayHelp => preFilterMessage is null && ByNode.Values.Any(r => r.Code == FilterCode.Unschedulable);

    public string Message
    {
        get
        {
            var message = string.Format(CultureInfo.InvariantCulture, "0/{0} nodes are available:", AllNodes);
            if (preFilterMessage is not null)
            {
                message += " " + preFilterMessage + ".";
            }
            else
            {
                var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var result in ByNode.Values)
                {
                    foreach (var reason in result.Reasons)
                    {
                        counts[reason] = counts.GetValueOrDefault(reason) + 1;
                    }
                }

                var parts = counts.Select(c => c.Value.ToString(CultureInfo.InvariantCulture) + " " + c.Key).Order(StringComparer.Ordinal).ToList();
                if (parts.Count > 0)
                {
                    message += " " + string.Join(", ", parts) + ".";
                }
            }

            if (PostFilterMessage is not null)
            {
                message += " " + PostFilterMessage;
            }

            return message;
        }
    }
}
