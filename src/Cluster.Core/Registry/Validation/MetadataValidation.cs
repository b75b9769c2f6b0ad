using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Validation;

/// <summary>
/// Validation of <c>metadata</c> common to every kind (apimachinery's <c>ValidateObjectMeta</c>
/// and <c>ValidateObjectMetaUpdate</c>, with each built-in kind's name rule). Returns causes with
/// paths such as <c>metadata.name</c>; never throws, also not for values of the wrong JSON type.
/// </summary>
public static class MetadataValidation
{
    /// <summary>The message upstream gives for a change to an immutable field.</summary>
    public const string FieldImmutable = "field is immutable";

    /// <summary>
    /// The name rule of a kind, as its upstream validation: Namespace and StatefulSet names are
    /// DNS-1123 labels, Service names DNS-1035 labels, RBAC names any URL path segment
    /// ("system:controller:..."), every other kind's a DNS-1123 subdomain.
    /// </summary>
    public static ValidateNameFunc NameRule(ResourceKind kind) => (kind.Group, kind.Kind) switch
    {
        ("", "Namespace") or ("apps", "StatefulSet") => NameValidation.NameIsDnsLabel,
        ("", "Service") => NameValidation.NameIsDns1035Label,
        ("rbac.authorization.k8s.io", _) => NameValidation.IsValidPathSegmentName,
        _ => NameValidation.NameIsDnsSubdomain,
    };

    /// <summary>
    /// Everything wrong with the metadata of a new object. A name is required unless
    /// generateName is set (so this may run before or after the store generates the name); a set
    /// generateName must itself be a valid prefix.
    /// </summary>
    public static IReadOnlyList<StatusCause> ValidateCreate(JsonObject obj, ResourceKind kind)
    {
        var causes = new List<StatusCause>();
        if (!TryMetadata(obj, causes, out var meta))
        {
            return causes;
        }

        var nameFn = NameRule(kind);
        var generateName = LabelValidation.StringField(meta, "generateName", "metadata", causes) ?? "";
        if (generateName.Length > 0)
        {
            causes.AddRange(nameFn(generateName, true).Select(m => FieldErrors.Invalid("metadata.generateName", generateName, m)));
        }

        var nameOrNull = LabelValidation.StringField(meta, "name", "metadata", causes);
        var name = nameOrNull ?? "";
        if (name.Length == 0)
        {
            // A name of the wrong type is already reported; "required" would only repeat it.
            var wrongType = nameOrNull is null && meta["name"] is not null;
            if (generateName.Length == 0 && !wrongType)
            {
                causes.Add(FieldErrors.Required("metadata.name", "name or generateName is required"));
            }
        }
        else
        {
            causes.AddRange(nameFn(name, false).Select(m => FieldErrors.Invalid("metadata.name", name, m)));
            if (kind is { Group: "batch", Kind: "CronJob" } && name.Length > NameValidation.Dns1035LabelMaxLength - 11)
            {
                // Room for the 11 characters the controller appends to each Job's name.
                causes.Add(FieldErrors.Invalid("metadata.name", name, "must be no more than 52 characters"));
            }
        }

        var ns = LabelValidation.StringField(meta, "namespace", "metadata", causes) ?? "";
        if (kind.Namespaced)
        {
            if (ns.Length == 0)
            {
                causes.Add(FieldErrors.Required("metadata.namespace"));
            }
            else
            {
                causes.AddRange(NameValidation.NameIsDnsLabel(ns, false).Select(m => FieldErrors.Invalid("metadata.namespace", ns, m)));
            }
        }
        else if (ns.Length > 0)
        {
            causes.Add(FieldErrors.Forbidden("metadata.namespace", "not allowed on this type"));
        }

        var generation = meta["generation"];
        if (generation is not null)
        {
            if (generation is not JsonValue g || !g.TryGetValue<long>(out var value))
            {
                causes.Add(FieldErrors.TypeInvalid("metadata.generation", generation, "must be of type integer"));
            }
            else if (value < 0)
            {
                causes.Add(FieldErrors.Invalid("metadata.generation", value, "must be greater than or equal to 0"));
            }
        }

        ValidateCommon(meta, causes);
        return causes;
    }

    /// <summary>
    /// Everything wrong with the metadata of an update: name, namespace, uid, creationTimestamp,
    /// deletionTimestamp and deletionGracePeriodSeconds may not change; no finalizer may be added
    /// once deletion started; labels, annotations, owner references and finalizers must be valid.
    /// resourceVersion and generation are the store's business. Call <see cref="PrepareForUpdate"/>
    /// first, as upstream's BeforeUpdate does, so a client that leaves out uid or creationTimestamp
    /// (kubectl replace) is not refused.
    /// </summary>
    public static IReadOnlyList<StatusCause> ValidateUpdate(JsonObject updated, JsonObject old, ResourceKind kind)
    {
        var causes = new List<StatusCause>();
        if (!TryMetadata(updated, causes, out var meta))
        {
            return causes;
        }

        var oldMeta = old["metadata"] as JsonObject ?? [];
        if (oldMeta["deletionTimestamp"] is not null)
        {
            var before = ObjectMeta.Finalizers(old).ToHashSet(StringComparer.Ordinal);
            var added = ObjectMeta.Finalizers(updated).Where(f => !before.Contains(f)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            if (added.Length > 0)
            {
                causes.Add(FieldErrors.Forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted, found new finalizers " + FieldErrors.GoStringSlice(added)));
            }
        }

        foreach (var field in (ReadOnlySpan<string>)["name", "namespace", "uid"])
        {
            // Upstream compares Go strings, where absent and "" are the same.
            var now = ObjectMeta.GetString(meta, field) ?? "";
            if (now != (ObjectMeta.GetString(oldMeta, field) ?? ""))
            {
                causes.Add(FieldErrors.Invalid("metadata." + field, now, FieldImmutable));
            }
        }

        foreach (var field in (ReadOnlySpan<string>)["creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"])
        {
            var now = meta[field];
            if (!JsonNode.DeepEquals(now, oldMeta[field]))
            {
                causes.Add(FieldErrors.Invalid("metadata." + field, now, FieldImmutable));
            }
        }

        ValidateCommon(meta, causes);
        return causes;
    }

    /// <summary>
    /// What upstream's BeforeUpdate does before validation: an update keeps the old uid when it
    /// sends none, always keeps the old creationTimestamp, keeps a deletionTimestamp once set, and
    /// keeps deletionGracePeriodSeconds when it sends none.
    /// </summary>
    public static void PrepareForUpdate(JsonObject updated, JsonObject old)
    {
        if (old["metadata"] is not JsonObject oldMeta || updated["metadata"] is not JsonObject meta)
        {
            return;
        }

        if (string.IsNullOrEmpty(ObjectMeta.GetString(meta, "uid")) && oldMeta["uid"] is { } uid)
        {
            meta["uid"] = uid.DeepClone();
        }

        CopyWhenSet(oldMeta, meta, "creationTimestamp", always: true);
        CopyWhenSet(oldMeta, meta, "deletionTimestamp", always: true);
        CopyWhenSet(oldMeta, meta, "deletionGracePeriodSeconds", always: false);
    }

    private static void CopyWhenSet(JsonObject from, JsonObject to, string property, bool always)
    {
        if (from[property] is { } value && (always || to[property] is null))
        {
            to[property] = value.DeepClone();
        }
    }

    private static bool TryMetadata(JsonObject obj, List<StatusCause> causes, out JsonObject meta)
    {
        var node = obj["metadata"];
        if (node is null or JsonObject)
        {
            meta = node as JsonObject ?? [];
            return true;
        }

        causes.Add(FieldErrors.TypeInvalid("metadata", node, "must be of type object"));
        meta = [];
        return false;
    }

    private static void ValidateCommon(JsonObject meta, List<StatusCause> causes)
    {
        causes.AddRange(LabelValidation.ValidateLabels(meta["labels"], "metadata.labels"));
        causes.AddRange(LabelValidation.ValidateAnnotations(meta["annotations"], "metadata.annotations"));
        causes.AddRange(OwnerReferenceValidation.Validate(meta["ownerReferences"], "metadata.ownerReferences"));
        causes.AddRange(OwnerReferenceValidation.ValidateFinalizers(meta["finalizers"], "metadata.finalizers"));
    }
}
