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
    public static JsonObject RecordUpdate(JsonObject? old, JsonObject updated, string manager, string apiVersion, DateTimeOffset now, string? subresource = null)
    {
        var result = (JsonObject)updated.DeepClone();
        var schema = SchemaOf(result);
        var managers = Read(updated) is { Count: > 0 } own ? own : Read(old);

        // The copy's managedFields are written anew below, and the old object's only differ under
        // metadata.managedFields, which is ignored: neither object needs a copy without them to compare.
        (result["metadata"] as JsonObject)?.Remove("managedFields");
        var changes = FieldSetWalker.Compare(old, result, schema).Without(IgnoredPaths(resetStatus: false));
        var changed = changes.Changed;

        var identity = new ManagerEntry(manager, UpdateOperation, apiVersion, null, subresource, new FieldSet());
        if (!changed.IsEmpty || !changes.Removed.IsEmpty)
        {
            foreach (var entry in managers.ToArray())
            {
                Replace(managers, entry, entry.Fields.Difference(changed).Difference(changes.Removed));
            }
        }

        if (!changed.IsEmpty)
        {
            var previous = managers.FirstOrDefault(m => m.SameManager(identity));
            if (previous is not null)
            {
                managers.Remove(previous);
            }

            managers.Add(identity with { Time = ObjectMeta.Timestamp(now), Fields = (previous?.Fields ?? new FieldSet()).Union(changed) });
        }

        Write(result, managers);
        return result;
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
    internal static List<ManagerEntry> Read(JsonObject? obj)
    {
        var managers = new List<ManagerEntry>();
        if (obj?["metadata"]?["managedFields"] is not JsonArray entries)
        {
            return managers;
        }

        foreach (var node in entries)
        {
            if (node is JsonObject entry && ObjectMeta.GetString(entry, "manager") is { } manager && entry["fieldsV1"] is JsonObject fields)
            {
                managers.Add(new ManagerEntry(
                    manager,
                    ObjectMeta.GetString(entry, "operation") ?? UpdateOperation,
                    ObjectMeta.GetString(entry, "apiVersion") ?? "",
                    ObjectMeta.GetString(entry, "time"),
                    ObjectMeta.GetString(entry, "subresource"),
                    FieldSet.FromFieldsV1(fields)));
            }
        }

        return managers;
    }

    /// <summary>Stores the managers in the API server's order: Apply before Update, then by time, manager, apiVersion and subresource.</summary>
    internal static void Write(JsonObject obj, IEnumerable<ManagerEntry> managers)
    {
        var metadata = ObjectMeta.Metadata(obj);
        var ordered = managers
            .Where(m => !m.Fields.IsEmpty)
            .OrderBy(m => m.Operation, StringComparer.Ordinal)
            .ThenBy(m => Seconds(m.Time))
            .ThenBy(m => m.Manager, StringComparer.Ordinal)
            .ThenBy(m => m.ApiVersion, StringComparer.Ordinal)
            .ThenBy(m => m.Subresource ?? "", StringComparer.Ordinal)
            .Select(m => (JsonNode?)m.ToJson())
            .ToArray();
        if (ordered.Length == 0)
        {
            metadata.Remove("managedFields");
            return;
        }

        metadata["managedFields"] = new JsonArray(ordered);
    }

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

    public JsonObject ToJson()
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
        entry["fieldsV1"] = Fields.ToFieldsV1();
        if (!string.IsNullOrEmpty(Subresource))
        {
            entry["subresource"] = Subresource;
        }

        return entry;
    }
}
