using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Patching;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Registry.Objects;

/// <summary>What a command decided: the event to store (null: nothing changes) and the answer.</summary>
/// <param name="Event">An <see cref="ObjectEvents.Stored"/> or <see cref="ObjectEvents.Deleted"/>, or null for a no-op.</param>
/// <param name="Reply">The object to answer with (before the new resourceVersion is stamped).</param>
public sealed record Decision(ObjectEvents.ObjectEvent? Event, JsonObject Reply, bool Created = false, bool Removed = false);

/// <summary>
/// The rules every object follows, whatever its kind (Kubernetes' generic registry store plus
/// rest.BeforeCreate/BeforeUpdate), as pure functions of the current state and a command. The
/// object actor runs them one command at a time, so there are no races between them.
/// <code>
///   (absent) ──create / apply──▶ live ──update / patch──▶ live
///      ▲                          │ delete: no finalizers, no grace period
///      ├──────────────────────────┘
///      │                          │ delete: finalizers or a grace period
///      │                          ▼
///      └── last finalizer removed ── terminating (deletionTimestamp set; finalizers may only be removed)
/// </code>
/// </summary>
public sealed partial class ObjectRules(ResourceKind kind, IResourceStrategy strategy, TimeProvider clock, Func<string> newUid)
{
    /// <summary>Fields of metadata that only the registry sets; clients' values are ignored.</summary>
    private static readonly string[] OmittedWhenEmpty = ["labels", "annotations", "finalizers", "ownerReferences", "managedFields"];
    /// <summary>A hundred years: the longest grace period a deletionTimestamp is given.</summary>
    private const long MaxGraceSeconds = 100L * 365 * 24 * 3600;

    private static readonly string[] SystemMetadata = ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion", "selfLink"];

    public ResourceKind Kind => kind;

    public Decision Create(JsonObject? current, JsonObject incoming, WriteOptions options)
    {
        var name = ObjectMeta.Name(incoming);
        if (current is not null)
        {
            throw ApiException.AlreadyExists(kind, name);
        }

        var obj = Normalized(incoming);
        var metadata = ObjectMeta.Metadata(obj);
        foreach (var field in SystemMetadata)
        {
            metadata.Remove(field);
        }

        metadata.Remove("managedFields");
        metadata["uid"] = newUid();
        metadata["creationTimestamp"] = ObjectMeta.Timestamp(clock.GetUtcNow());
        if (kind.TracksGeneration)
        {
            metadata["generation"] = 1L;
        }

        strategy.PrepareForCreate(obj);
        options.Allocation?.FillInto(obj, null);
        NormalizeInPlace(obj);
        ThrowIfInvalid(name, [.. MetadataValidation.ValidateCreate(obj, kind), .. strategy.Validate(obj)]);
        obj = RecordManager(null, obj, options);
        return new Decision(new ObjectEvents.Stored(obj), obj, Created: true);
    }

    public Decision Update(JsonObject? current, JsonObject incoming, string? subresource, WriteOptions options)
    {
        var name = ObjectMeta.Name(incoming);
        if (current is null)
        {
            throw ApiException.NotFound(kind, name);
        }

        var precondition = ObjectMeta.ResourceVersion(incoming);
        if (!string.IsNullOrEmpty(precondition) && precondition != ObjectMeta.ResourceVersion(current))
        {
            throw ApiException.StaleResourceVersion(kind, name);
        }

        return Change(current, Normalized(incoming), subresource, options);
    }

    public Decision Patch(JsonObject? current, PatchType type, JsonNode body, string? subresource, WriteOptions options)
    {
        if (type == PatchType.Apply)
        {
            return Apply(current, body, options);
        }

        if (current is null)
        {
            throw ApiException.NotFound(kind, NameOf(body));
        }

        var patchedObject = Patched(current, type, body, kind);

        // A resourceVersion in the patch is a precondition (kubectl label --resource-version); a patch that removed
        // it asks for none, as upstream's patcher.
        if (ObjectMeta.ResourceVersion(patchedObject) is { Length: > 0 } precondition && precondition != ObjectMeta.ResourceVersion(current))
        {
            throw ApiException.StaleResourceVersion(kind, ObjectMeta.Name(current));
        }

        // Upstream's checkName: a patch that renamed the object, moved it or took its metadata away is the client's
        // mistake, not a conflict to retry.
        if (ObjectMeta.Name(patchedObject) != ObjectMeta.Name(current))
        {
            throw ApiException.BadRequest($"the name of the object ({ObjectMeta.Name(patchedObject)}) does not match the name on the URL ({ObjectMeta.Name(current)})");
        }

        if (kind.Namespaced && ObjectMeta.Namespace(patchedObject) != ObjectMeta.Namespace(current))
        {
            throw ApiException.BadRequest($"the namespace of the object ({ObjectMeta.Namespace(patchedObject)}) does not match the namespace on the URL ({ObjectMeta.Namespace(current)})");
        }

        // Patch results are built from parsed JSON already; Change normalizes after the strategy's defaults.
        return Change(current, patchedObject, subresource, options);
    }

    public Decision Delete(JsonObject? current, string name, DeleteOptions options)
    {
        if (current is null)
        {
            throw ApiException.NotFound(kind, name);
        }

        CheckDeletePreconditions(current, name, options);
        var obj = (JsonObject)current.DeepClone();
        var metadata = ObjectMeta.Metadata(obj);
        var now = clock.GetUtcNow();
        if (ObjectMeta.DeletionTimestamp(current) is not null)
        {
            // Already terminating: only a forced delete without finalizers ends the grace period early.
            return options.GracePeriodSeconds == 0 && IsRemovable(obj)
                ? new Decision(new ObjectEvents.Deleted(obj), obj, Removed: true)
                : new Decision(null, current);
        }

        AddPropagationFinalizer(obj, options.PropagationPolicy);
        var grace = GracePeriod(obj, options);
        if (grace > 0 || !IsRemovable(obj, ignoreDeletionTimestamp: true))
        {
            metadata["deletionTimestamp"] = ObjectMeta.Timestamp(now.AddSeconds(grace));
            metadata["deletionGracePeriodSeconds"] = grace;
            if (kind == BuiltInKinds.Namespace)
            {
                SetNamespacePhase(obj, "Terminating");
            }

            return new Decision(new ObjectEvents.Stored(obj), obj);
        }

        return new Decision(new ObjectEvents.Deleted(obj), obj, Removed: true);
    }

    private Decision Change(JsonObject current, JsonObject obj, string? subresource, WriteOptions options)
    {
        var name = ObjectMeta.Name(current);
        var metadata = ObjectMeta.Metadata(obj);
        var old = ObjectMeta.Metadata(current);
        foreach (var field in SystemMetadata)
        {
            CopyField(old, metadata, field);
        }

        if (metadata["managedFields"] is null)
        {
            CopyField(old, metadata, "managedFields");
        }

        if (subresource == "status")
        {
            // Status writers (controllers, node agents) cannot change metadata or spec on the way.
            var managed = metadata["managedFields"]?.DeepClone();
            obj["metadata"] = old.DeepClone();
            ObjectMeta.Metadata(obj)["managedFields"] = managed;
            strategy.PrepareForStatusUpdate(obj, current);
        }
        else if (subresource == "finalize" && kind == BuiltInKinds.Namespace)
        {
            var finalizers = obj["spec"]?["finalizers"]?.DeepClone();
            obj = (JsonObject)current.DeepClone();
            SpecOf(obj)["finalizers"] = finalizers;
        }
        else
        {
            strategy.PrepareForUpdate(obj, current);
            options.Allocation?.FillInto(obj, current);
        }

        NormalizeInPlace(obj);
        if (kind.TracksGeneration && !JsonNode.DeepEquals(obj["spec"], current["spec"]))
        {
            ObjectMeta.Metadata(obj)["generation"] = ObjectMeta.Generation(current) + 1;
        }

        var causes = new List<StatusCause>(MetadataValidation.ValidateUpdate(obj, current, kind));
        causes.AddRange(subresource == "status" ? strategy.ValidateStatusUpdate(obj, current) : strategy.ValidateUpdate(obj, current));
        if (ObjectMeta.DeletionTimestamp(current) is not null && ObjectMeta.Finalizers(obj).Except(ObjectMeta.Finalizers(current)).Any())
        {
            causes.Add(StatusCause.Forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted"));
        }

        ThrowIfInvalid(name, causes);
        if (SameContent(obj, current))
        {
            return new Decision(null, current);
        }

        obj = RecordManager(current, obj, options, subresource);

        // As upstream (ShouldDeleteDuringUpdate): only once no grace period is running.
        return ObjectMeta.DeletionTimestamp(obj) is not null && IsRemovable(obj) && GraceOver(current)
            ? new Decision(new ObjectEvents.Deleted(obj), obj, Removed: true)
            : new Decision(new ObjectEvents.Stored(obj), obj);
    }

    /// <summary>The object a JSON, merge or strategic merge patch makes of <paramref name="current"/>, with <paramref name="kind"/>'s merge keys.</summary>
    public static JsonObject Patched(JsonObject current, PatchType type, JsonNode body, ResourceKind kind)
    {
        var patched = type switch
        {
            PatchType.Json => JsonPatch.Apply(current, body),
            PatchType.Merge => MergePatch.Apply(current, body),
            _ => StrategicMergePatch.Apply(current, body, PatchSchema.For(kind.ApiVersion, kind.Kind)),
        };
        return patched as JsonObject ?? throw new ApiException(422, "Invalid", "the patch did not produce an object");
    }

    /// <summary>Server-side apply of <paramref name="body"/> onto <paramref name="current"/> (null: nothing yet) as <paramref name="kind"/>'s version, after the checks every apply passes.</summary>
    public static JsonObject Applied(JsonObject? current, JsonNode body, ResourceKind kind, WriteOptions options, DateTimeOffset now)
    {
        if (body is not JsonObject applied)
        {
            throw ApiException.BadRequest("the apply patch must be an object");
        }

        if (string.IsNullOrEmpty(options.FieldManager))
        {
            throw ApiException.BadRequest("PATCH requests of type application/apply-patch+yaml must include a fieldManager query parameter");
        }

        return ServerSideApply.Apply(current, applied, new ApplyOptions(options.FieldManager, kind.ApiVersion, now, options.Force));
    }

    private Decision Apply(JsonObject? current, JsonNode body, WriteOptions options)
    {
        var merged = Applied(current, body, kind, options, clock.GetUtcNow());
        if (current is null)
        {
            var managed = ObjectMeta.Metadata(merged)["managedFields"]?.DeepClone();
            var created = Create(null, merged, options with { FieldManager = null });
            ObjectMeta.Metadata(created.Reply)["managedFields"] = managed;
            return created;
        }

        // Applied took only an object, so the body is one.
        if (ObjectMeta.ResourceVersion((JsonObject)body) is { Length: > 0 } precondition && precondition != ObjectMeta.ResourceVersion(current))
        {
            throw ApiException.StaleResourceVersion(kind, ObjectMeta.Name(current));
        }

        return Change(current, merged, null, options with { FieldManager = null });
    }

    private void ThrowIfInvalid(string name, List<StatusCause> causes)
    {
        if (causes.Count > 0)
        {
            throw ApiException.Invalid(kind, name, causes);
        }
    }

    /// <summary>The object with the writer's fields recorded in managedFields (unchanged when no manager is named).</summary>
    private JsonObject RecordManager(JsonObject? old, JsonObject updated, WriteOptions options, string? subresource = null) =>
        string.IsNullOrEmpty(options.FieldManager)
            ? updated
            : ManagedFields.RecordUpdateInPlace(old, updated, options.FieldManager, kind.ApiVersion, clock.GetUtcNow(), subresource);

    private void CheckDeletePreconditions(JsonObject current, string name, DeleteOptions options)
    {
        if (options.PreconditionUid is { Length: > 0 } uid && uid != ObjectMeta.Uid(current))
        {
            throw ApiException.Conflict(kind, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {ObjectMeta.Uid(current)}");
        }

        if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != ObjectMeta.ResourceVersion(current))
        {
            throw ApiException.Conflict(kind, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {ObjectMeta.ResourceVersion(current)}");
        }
    }

    /// <summary>Pods on a node get their grace period (the node agent finishes the delete); everything else goes at once.</summary>
    private long GracePeriod(JsonObject obj, DeleteOptions options)
    {
        if (kind != BuiltInKinds.Pod || ObjectMeta.GetString(obj["spec"], "nodeName") is not { Length: > 0 })
        {
            return 0;
        }

        // Clamped to what a deletionTimestamp can hold (a grace of a century is as good as forever).
        if (options.GracePeriodSeconds is { } requested)
        {
            return Math.Clamp(requested, 0, MaxGraceSeconds);
        }

        return obj["spec"]?["terminationGracePeriodSeconds"] is JsonValue v && v.TryGetValue<long>(out var seconds) ? Math.Clamp(seconds, 0, MaxGraceSeconds) : 30;
    }

    private static void AddPropagationFinalizer(JsonObject obj, string? policy)
    {
        var finalizer = policy switch
        {
            "Foreground" => "foregroundDeletion",
            "Orphan" => "orphan",
            _ => null,
        };
        if (finalizer is not null)
        {
            ObjectMeta.AddFinalizer(obj, finalizer);
        }
    }

    /// <summary>Nothing holds the object back: no finalizers (and for a namespace, no spec.finalizers either).</summary>
    private bool IsRemovable(JsonObject obj, bool ignoreDeletionTimestamp = false)
    {
        if (!ignoreDeletionTimestamp && ObjectMeta.DeletionTimestamp(obj) is null)
        {
            return false;
        }

        if (ObjectMeta.Finalizers(obj).Count > 0)
        {
            return false;
        }

        return kind != BuiltInKinds.Namespace || obj["spec"]?["finalizers"] is not JsonArray { Count: > 0 };
    }

    private static bool GraceOver(JsonObject current) =>
        current["metadata"]?["deletionGracePeriodSeconds"] is not JsonValue grace || !grace.TryGetValue<long>(out var seconds) || seconds == 0;

    private static void SetNamespacePhase(JsonObject obj, string phase)
    {
        if (obj["status"] is not JsonObject status)
        {
            status = [];
            obj["status"] = status;
        }

        status["phase"] = phase;
    }

    private static JsonObject SpecOf(JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }

        return spec;
    }

    private static void CopyField(JsonObject from, JsonObject to, string field)
    {
        if (from[field] is { } value)
        {
            to[field] = value.DeepClone();
        }
        else
        {
            to.Remove(field);
        }
    }

    /// <summary>Equal but for bookkeeping: a write that changes nothing is not stored (same resourceVersion, "patched (no change)").</summary>
    private static bool SameContent(JsonObject a, JsonObject b)
    {
        // Compared in place, property by property, skipping metadata.managedFields (no copies).
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (name, value) in a)
        {
            if (!b.TryGetPropertyValue(name, out var other))
            {
                return false;
            }

            if (name == "metadata" && value is JsonObject left && other is JsonObject right)
            {
                if (left.Count - (left.ContainsKey("managedFields") ? 1 : 0) != right.Count - (right.ContainsKey("managedFields") ? 1 : 0))
                {
                    return false;
                }

                foreach (var (field, fieldValue) in left)
                {
                    if (field != "managedFields" && (!right.TryGetPropertyValue(field, out var otherValue) || !JsonNode.DeepEquals(fieldValue, otherValue)))
                    {
                        return false;
                    }
                }
            }
            else if (!JsonNode.DeepEquals(value, other))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The object as stored, a copy re-read from its serialized form: every value JSON-backed, as if read from the wire
    /// (a value made in code, an int, and a parsed one, a JSON number, then read alike: JsonValue.TryGetValue is exact
    /// about CLR types), and the empty metadata collections left out, as Go's omitempty leaves them out of every stored
    /// object (a patch that sends "annotations": {} changes nothing).
    /// </summary>
    private static JsonObject Normalized(JsonObject obj)
    {
        var normalized = ObjectState.Parse(ObjectState.Serialize(obj));
        DropEmptyMetadata(normalized);
        return normalized;
    }

    /// <summary>
    /// <see cref="Normalized"/> for an object the rules own already (no copy needed): only the values set in code are
    /// made JSON-backed. A whole serialize-and-parse of every object written, for the few defaults a strategy fills in,
    /// was a twentieth of all the bytes a rollout allocated.
    /// </summary>
    private static void NormalizeInPlace(JsonObject obj)
    {
        ParsedValues(obj);
        DropEmptyMetadata(obj);
    }

    private static void ParsedValues(JsonNode node)
    {
        if (node is JsonObject map)
        {
            for (var i = 0; i < map.Count; i++)
            {
                var value = map.GetAt(i).Value;
                if (Reparsed(value) is { } parsed)
                {
                    map.SetAt(i, parsed);
                }
                else if (value is not null)
                {
                    ParsedValues(value);
                }
            }
        }
        else if (node is JsonArray list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var value = list[i];
                if (Reparsed(value) is { } parsed)
                {
                    list[i] = parsed;
                }
                else if (value is not null)
                {
                    ParsedValues(value);
                }
            }
        }
    }

    /// <summary>
    /// A value made in code (an int, a string), or a value wrapping a whole JSON object or array, as parsed JSON (a
    /// node tree); null when it is parsed JSON already, or not a value.
    /// </summary>
    private static JsonNode? Reparsed(JsonNode? node) =>
        node is JsonValue value && (!value.TryGetValue<JsonElement>(out var element) || element.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            ? JsonNode.Parse(value.ToJsonString(), documentOptions: ObjectState.DocumentOptions)
            : null;

    private static void DropEmptyMetadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            foreach (var key in OmittedWhenEmpty)
            {
                if (metadata[key] is JsonObject { Count: 0 } or JsonArray { Count: 0 })
                {
                    metadata.Remove(key);
                }
            }
        }
    }

    private static string NameOf(JsonNode body) =>
        body is JsonObject o ? ObjectMeta.Name(o) : "";
}
