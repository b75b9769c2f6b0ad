using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Patching;

/// <summary>
/// Field ownership in <c>metadata.managedFields</c> (the API server's field manager): every write
/// records which manager set which fields, with operation "Apply" for server-side apply and
/// "Update" for create, update and the other patch types.
/// </summary>
public static class ManagedFields
{
    internal const string ApplyOperation = "Apply";
    internal const string UpdateOperation = "Update";

    /// <summary>
    /// Records a non-apply write: the fields that changed from <paramref name="old"/> (every set
    /// field when creating) become owned by <paramref name="manager"/> and are taken from every
    /// other manager; managers left owning nothing are dropped. Returns a copy of
    /// <paramref name="updated"/> carrying the new managedFields. When the write carries its own
    /// non-empty managedFields they are the starting point (clients may edit them), otherwise
    /// the old object's are.
    /// </summary>
    public static JsonObject RecordUpdate(JsonObject? old, JsonObject updated, string manager, string apiVersion, DateTimeOffset now, string? subresource = null) =>
        RecordUpdateInPlace(old, (JsonObject)updated.DeepClone(), manager, apiVersion, now, subresource);

    /// <summary>
    /// <see cref="RecordUpdate"/> on an object the caller owns (the registry's own copy of a write), recorded in place.
    /// Only the entries the write touches are read into field sets and written anew; the others (on a status write, the
    /// creator's whole spec) are carried over as they are: they own exactly what they owned.
    /// </summary>
    internal static JsonObject RecordUpdateInPlace(JsonObject? old, JsonObject updated, string manager, string apiVersion, DateTimeOffset now, string? subresource = null)
    {
        var result = updated;
        var schema = SchemaOf(result);
        // Entries naming nothing still count as the write's own (a client clears managedFields that way) but are dropped.
        var own = Stored(updated);
        var managers = (own.Count > 0 ? own : Stored(old)).Where(e => HasMember(e.Fields)).ToList();

        // The managedFields are written anew below, and the old object's only differ under
        // metadata.managedFields, which is ignored: neither object needs a copy without them to compare.
        (result["metadata"] as JsonObject)?.Remove("managedFields");
        var changes = FieldSetWalker.Compare(old, result, schema).Without(UpdateIgnored);
        var changed = changes.Changed;
        var touched = !changed.IsEmpty || !changes.Removed.IsEmpty;

        var identity = new ManagerEntry(manager, UpdateOperation, apiVersion, null, subresource, new FieldSet());
        ManagerEntry? previous = null;
        var kept = new List<StoredEntry>(managers.Count + 1);
        foreach (var entry in managers)
        {
            var mine = !changed.IsEmpty && previous is null && entry.Identity.SameManager(identity);
            if (!mine && (!touched || !(Overlaps(entry.Fields, changed) || Overlaps(entry.Fields, changes.Removed))))
            {
                kept.Add(entry);
                continue;
            }

            var parsed = entry.Parse();
            var fields = touched ? parsed.Fields.Difference(changed).Difference(changes.Removed) : parsed.Fields;
            if (mine)
            {
                previous = parsed with { Fields = fields };
            }
            else if (!fields.IsEmpty)
            {
                kept.Add(StoredEntry.Of(parsed with { Fields = fields }));
            }
        }

        if (!changed.IsEmpty)
        {
            kept.Add(StoredEntry.Of(identity with { Time = ObjectMeta.Timestamp(now), Fields = (previous?.Fields ?? new FieldSet()).Union(changed) }));
        }

        WriteStored(result, kept);
        return result;
    }

    private static readonly FieldSet UpdateIgnored = IgnoredPaths(resetStatus: false);

    /// <summary>True when a path is a member of both: the entry's <c>fieldsV1</c> as stored, and <paramref name="set"/>.</summary>
    private static bool Overlaps(JsonObject fields, FieldSet set)
    {
        if (set.IsEmpty)
        {
            return false;
        }

        foreach (var (element, value) in fields)
        {
            if (element == ".")
            {
                if (set.Member)
                {
                    return true;
                }
            }
            else if (value is JsonObject child && set.Get(element) is { } other && (child.Count == 0 ? other.Member : Overlaps(child, other)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the stored <c>fieldsV1</c> names at least one field (<see cref="FieldSet.FromFieldsV1"/> would not be empty).</summary>
    private static bool HasMember(JsonObject fields)
    {
        foreach (var (element, value) in fields)
        {
            if (element == "." || (value is JsonObject child && (child.Count == 0 || HasMember(child))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The valid managedFields entries of an object (a manager named, FieldsV1 an object), unparsed.</summary>
    private static List<StoredEntry> Stored(JsonObject? obj)
    {
        var entries = new List<StoredEntry>();
        if (obj?["metadata"]?["managedFields"] is not JsonArray array)
        {
            return entries;
        }

        foreach (var node in array)
        {
            if (node is JsonObject entry && ObjectMeta.GetString(entry, "manager") is { } manager && entry["fieldsV1"] is JsonObject fields)
            {
                var identity = new ManagerEntry(
                    manager,
                    ObjectMeta.GetString(entry, "operation") ?? UpdateOperation,
                    ObjectMeta.GetString(entry, "apiVersion") ?? "",
                    ObjectMeta.GetString(entry, "time"),
                    ObjectMeta.GetString(entry, "subresource"),
                    Empty);
                entries.Add(new StoredEntry(identity, fields));
            }
        }

        return entries;
    }

    private static readonly FieldSet Empty = new();

    /// <summary>A managedFields entry: its identity, and its fields still as stored until something must change them.</summary>
    private sealed record StoredEntry(ManagerEntry Identity, JsonObject Fields)
    {
        public static StoredEntry Of(ManagerEntry entry) => new(entry, entry.Fields.ToFieldsV1());

        public ManagerEntry Parse() => Identity with { Fields = FieldSet.FromFieldsV1(Fields) };
    }

    /// <summary>Stores the entries in the API server's order: Apply before Update, then by time, manager, apiVersion and subresource.</summary>
    private static void WriteStored(JsonObject obj, List<StoredEntry> entries)
    {
        var metadata = ObjectMeta.Metadata(obj);
        if (entries.Count == 0)
        {
            metadata.Remove("managedFields");
            return;
        }

        var ordered = entries
            .OrderBy(m => m.Identity.Operation, StringComparer.Ordinal)
            .ThenBy(m => Seconds(m.Identity.Time))
            .ThenBy(m => m.Identity.Manager, StringComparer.Ordinal)
            .ThenBy(m => m.Identity.ApiVersion, StringComparer.Ordinal)
            .ThenBy(m => m.Identity.Subresource ?? "", StringComparer.Ordinal)
            .Select(m => (JsonNode?)m.Identity.ToJson(m.Fields.Parent is null ? m.Fields : (JsonObject)m.Fields.DeepClone()))
            .ToArray();
        metadata["managedFields"] = new JsonArray(ordered);
    }

    internal static PatchSchema SchemaOf(JsonObject obj)
    {
        var schema = PatchSchema.For(ObjectMeta.GetString(obj, "apiVersion") ?? "", ObjectMeta.GetString(obj, "kind") ?? "");
        return ReferenceEquals(schema, PatchSchema.Empty) ? PatchSchema.Metadata : schema;
    }

    /// <summary>Fields no manager ever owns (the field manager's strip set), plus status where the status subresource owns it.</summary>
    internal static FieldSet IgnoredPaths(bool resetStatus)
    {
        var set = new FieldSet();
        set.Insert(["f:apiVersion"]);
        set.Insert(["f:kind"]);
        foreach (var name in new[] { "name", "namespace", "creationTimestamp", "selfLink", "uid", "generation", "managedFields", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds" })
        {
            set.Insert(["f:metadata", "f:" + name]);
        }

        if (resetStatus)
        {
            set.Insert(["f:status"]);
        }

        return set;
    }

    internal static JsonObject? WithoutManagedFields(JsonObject? obj)
    {
        if (obj?["metadata"] is not JsonObject metadata || !metadata.ContainsKey("managedFields"))
        {
            return obj;
        }

        var copy = (JsonObject)obj.DeepClone();
        ((JsonObject)copy["metadata"]!).Remove("managedFields");
        return copy;
    }

    internal static void Replace(List<ManagerEntry> managers, ManagerEntry entry, FieldSet fields)
    {
        var index = managers.IndexOf(entry);
        if (fields.IsEmpty)
        {
            managers.RemoveAt(index);
        }
        else
        {
            managers[index] = entry with { Fields = fields };
        }
    }

    /// <summary>The managers recorded on an object; entries that are not valid FieldsV1 are skipped.</summary>
    internal static List<ManagerEntry> Read(JsonObject? obj) => [.. Stored(obj).Select(e => e.Parse())];

    /// <summary>Stores the managers that own something, in the API server's order (<see cref="WriteStored"/>).</summary>
    internal static void Write(JsonObject obj, IEnumerable<ManagerEntry> managers) =>
        WriteStored(obj, [.. managers.Where(m => !m.Fields.IsEmpty).Select(StoredEntry.Of)]);

    private static long Seconds(string? time) =>
        DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed.ToUnixTimeSeconds() : 0;
}

/// <summary>One managedFields entry.</summary>
internal sealed record ManagerEntry(string Manager, string Operation, string ApiVersion, string? Time, string? Subresource, FieldSet Fields)
{
    /// <summary>The field manager's identity of an entry: appliers are one manager across apiVersions, updaters are not.</summary>
    public bool SameManager(ManagerEntry other) =>
        Manager == other.Manager && Operation == other.Operation && (Subresource ?? "") == (other.Subresource ?? "")
        && (Operation == ManagedFields.ApplyOperation || ApiVersion == other.ApiVersion);

    /// <summary>How conflict messages name the manager: <c>"kubectl-client-side-apply" using apps/v1</c>.</summary>
    public string Describe()
    {
        var text = "\"" + Manager + "\"";
        if (!string.IsNullOrEmpty(Subresource))
        {
            text += " with subresource \"" + Subresource + "\"";
        }

        return Operation == ManagedFields.UpdateOperation ? text + " using " + ApiVersion : text;
    }

    public JsonObject ToJson() => ToJson(Fields.ToFieldsV1());

    /// <summary>The entry with <paramref name="fieldsV1"/> (unparented) as its fields.</summary>
    public JsonObject ToJson(JsonObject fieldsV1)
    {
        var entry = new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
            ["apiVersion"] = ApiVersion,
        };
        if (Time is not null)
        {
            entry["time"] = Time;
        }

        entry["fieldsType"] = "FieldsV1";
        entry["fieldsV1"] = fieldsV1;
        if (!string.IsNullOrEmpty(Subresource))
        {
            entry["subresource"] = Subresource;
        }

        return entry;
    }
}
