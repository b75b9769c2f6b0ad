namespace Cluster.Core.Registry;

/// <summary>
/// What the registry knows about one kind (Kubernetes' APIResource plus its REST mapping): where it
/// lives in the URL space, how kubectl names it, and which subresources it serves.
/// </summary>
/// <param name="Group">The API group; "" is the core group (<c>/api/v1</c>).</param>
/// <param name="Version">The served version, e.g. "v1".</param>
/// <param name="Kind">The kind, e.g. "Deployment".</param>
/// <param name="Plural">The resource name in URLs, e.g. "deployments".</param>
/// <param name="Namespaced">True when objects live in a namespace.</param>
public sealed record ResourceKind(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    /// <summary>The singular resource name ("deployment").</summary>
    public string Singular => Kind.ToLowerInvariant();

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Categories such as "all" (<c>kubectl get all</c>).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Subresources served besides the object itself: "status", "scale", "binding".</summary>
    public IReadOnlyList<string> Subresources { get; init; } = [];

    /// <summary>True when metadata.generation rises on spec changes only (kinds with a status written by a controller).</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>
    /// For a kind served as another version of objects stored as a different kind (autoscaling/v1
    /// HorizontalPodAutoscalers stored as autoscaling/v2, events.k8s.io/v1 Events stored as core/v1
    /// Events): the stored kind, whose strategy, cache and journal serve it through a conversion.
    /// Null for a stored kind.
    /// </summary>
    public ResourceKind? StoredAs { get; init; }

    /// <summary>Stored, cached and written through the registry like any kind, but not served by the API (registry bookkeeping).</summary>
    public bool Internal { get; init; }

    /// <summary>The kind objects of this kind are stored as: itself, or <see cref="StoredAs"/>.</summary>
    public ResourceKind Storage => StoredAs ?? this;

    /// <summary>"v1" for the core group, "apps/v1" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>"deployments.apps", or "pods" for the core group: the resource name Status messages use.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : Plural + "." + Group;

    /// <summary>The journal's name for the kind: group (or "core") and plural.</summary>
    public string StorageKey => (Group.Length == 0 ? "core" : Group) + "/" + Plural;

    /// <summary>The URL prefix of this kind's group version: <c>/api/v1</c> or <c>/apis/apps/v1</c>.</summary>
    public string GroupVersionPath => Group.Length == 0 ? "/api/" + Version : "/apis/" + Group + "/" + Version;

    public bool HasSubresource(string name) => Subresources.Contains(name, StringComparer.Ordinal);

    /// <summary>apimachinery's ParseGroupVersion as FromAPIVersionAndKind uses it: more than one '/' gives nothing.</summary>
    public static (string Group, string Version) ParseGroupVersion(string apiVersion)
    {
        if (apiVersion.Length == 0 || apiVersion == "/")
        {
            return ("", "");
        }

        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return ("", apiVersion);
        }

        return apiVersion.IndexOf('/', slash + 1) < 0 ? (apiVersion[..slash], apiVersion[(slash + 1)..]) : ("", "");
    }
}
