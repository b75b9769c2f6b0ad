using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Admission;

/// <summary>
/// Upstream's DefaultStorageClass admission plugin on claim create: a PersistentVolumeClaim that names no class (no
/// <c>spec.storageClassName</c>, not even "", and no beta class annotation) gets the cluster's default StorageClass,
/// so the binder and provisioners see the class the claim will keep.
/// </summary>
public static class DefaultStorageClassAdmission
{
    private const string IsDefault = "storageclass.kubernetes.io/is-default-class";
    private const string BetaIsDefault = "storageclass.beta.kubernetes.io/is-default-class";
    private const string BetaClass = "volume.beta.kubernetes.io/storage-class";

    /// <summary>Names the default class in the claim's spec when it names none and one exists.</summary>
    /// <param name="classes">The StorageClasses that exist.</param>
    public static void Apply(JsonObject claim, IReadOnlyList<JsonObject> classes)
    {
        if (claim["spec"] is not JsonObject spec || spec.ContainsKey("storageClassName") && spec["storageClassName"] is not null
            || ObjectMeta.Annotations(claim).ContainsKey(BetaClass))
        {
            return;
        }

        if (DefaultOf(classes) is { } name)
        {
            spec["storageClassName"] = name;
        }
    }

    /// <summary>
    /// The default class: of those annotated default, the newest (as upstream since 1.26, so adding a new default
    /// while an old one is still marked takes effect), ties by name.
    /// </summary>
    public static string? DefaultOf(IReadOnlyList<JsonObject> classes) =>
        classes
            .Where(c => ObjectMeta.Annotations(c) is var a && (a.GetValueOrDefault(IsDefault) == "true" || a.GetValueOrDefault(BetaIsDefault) == "true"))
            .OrderByDescending(Created)
            .ThenBy(ObjectMeta.Name, StringComparer.Ordinal)
            .Select(ObjectMeta.Name)
            .FirstOrDefault();

    private static DateTimeOffset Created(JsonObject obj) =>
        DateTimeOffset.TryParse(ObjectMeta.GetString(obj["metadata"], "creationTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : DateTimeOffset.MinValue;
}
