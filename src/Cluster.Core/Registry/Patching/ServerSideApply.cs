using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Patching;

/// <summary>What a server-side apply needs besides the objects.</summary>
/// <param name="Manager">The field manager (<c>?fieldManager=</c>), e.g. "kubectl".</param>
/// <param name="ApiVersion">The apiVersion the request used; recorded on the manager's entry.</param>
/// <param name="Now">The time recorded on the manager's entry.</param>
/// <param name="Force">True to take fields other managers own instead of failing with a conflict (<c>?force=true</c>).</param>
public sealed record ApplyOptions(string Manager, string ApiVersion, DateTimeOffset Now, bool Force = false)
{
    /// <summary>The merge metadata; by default the built-in schema of the applied apiVersion and kind (metadata only for other kinds).</summary>
    public PatchSchema? Schema { get; init; }

    /// <summary>
    /// True when status belongs to the status subresource, so an apply to the main resource
    /// neither changes nor owns it; by default, whether the built-in kind has a status subresource.
    /// </summary>
    public bool? ResetStatus { get; init; }

    /// <summary>The subresource applied to ("status"), or null for the main resource.</summary>
    public string? Subresource { get; init; }
}

/// <summary>
/// Server-side apply (<c>application/apply-patch+yaml</c>) as structured-merge-diff's Updater.Apply
/// does it: the configuration merges into the live object, fields this manager applied before
/// and no longer applies are removed unless another manager owns them, and changing a field
/// another manager owns is a 409 conflict unless forced, which moves the field to the applier.
/// </summary>
public static class ServerSideApply
{
    private const string BeforeFirstApply = "before-first-apply";

    /// <summary>Returns the object after applying <paramref name="applied"/> to <paramref name="live"/> (null to create), with managedFields updated; neither input is changed.</summary>
    public static JsonObject Apply(JsonObject? live, JsonObject applied, ApplyOptions options)
    {
        if (applied["metadata"]?["managedFields"] is not null)
        {
            throw PatchErrors.BadRequest("metadata.managedFields must be nil");
        }

        var schema = options.Schema ?? ManagedFields.SchemaOf(applied);
        var resetStatus = options.ResetStatus ?? HasStatusSubresource(applied);
        var ignored = ManagedFields.IgnoredPaths(resetStatus);
        var config = WithoutNulls(applied);
        if (resetStatus)
        {
            config.Remove("status");
        }

        var liveObject = ManagedFields.WithoutManagedFields(live) ?? [];
        var managers = ManagedFields.Read(live);
        if (live is not null && managers.Count == 0)
        {
            // An object written before field management is owned as a whole by this pseudo-manager, as upstream does.
            var all = FieldSetWalker.ToFieldSet(liveObject, schema).WithoutSubtrees(ignored);
            if (!all.IsEmpty)
            {
                managers.Add(new ManagerEntry(BeforeFirstApply, ManagedFields.UpdateOperation, options.ApiVersion, null, null, all));
            }
        }

        var applier = new ManagerEntry(options.Manager, ManagedFields.ApplyOperation, options.ApiVersion, null, options.Subresource, new FieldSet());
        var previous = managers.FirstOrDefault(m => m.SameManager(applier));
        if (previous is not null)
        {
            managers.Remove(previous);
        }

        var applierFields = FieldSetWalker.ToFieldSet(config, schema).WithoutSubtrees(ignored);
        var merged = (JsonObject)ApplyMerge.Merge(liveObject, config, PatchField.Object(schema))!;
        if (previous is not null)
        {
            var owned = managers.Aggregate(applierFields, (set, m) => set.Union(m.Fields));
            ApplyMerge.Prune(merged, schema, previous.Fields, owned);
        }

        var changes = FieldSetWalker.Compare(liveObject, merged, schema).Without(ignored);
        ResolveConflicts(managers, changes, options.Force);

        var unchanged = changes.IsSame && previous is not null && previous.Fields.SetEquals(applierFields);
        managers.Add(applier with
        {
            Time = unchanged ? previous!.Time : ObjectMeta.Timestamp(options.Now),
            Fields = applierFields,
        });
        ManagedFields.Write(merged, managers);
        return merged;
    }

    /// <summary>Fails on fields other managers own that the apply changes, or (forced) takes them; removed fields leave every owner.</summary>
    private static void ResolveConflicts(List<ManagerEntry> managers, FieldChanges changes, bool force)
    {
        var changed = changes.Changed;
        var conflicts = managers
            .Select(m => (Manager: m, Fields: m.Fields.Intersection(changed)))
            .Where(c => !c.Fields.IsEmpty)
            .OrderBy(c => c.Manager.Manager, StringComparer.Ordinal)
            .ThenBy(c => c.Manager.Operation, StringComparer.Ordinal)
            .ToList();
        if (conflicts.Count > 0 && !force)
        {
            throw Conflict(conflicts);
        }

        foreach (var entry in managers.ToArray())
        {
            ManagedFields.Replace(managers, entry, entry.Fields.Difference(changed).Difference(changes.Removed));
        }
    }

    private static ApiException Conflict(List<(ManagerEntry Manager, FieldSet Fields)> conflicts)
    {
        var causes = new List<StatusCause>();
        var lines = new List<string>();
        foreach (var (manager, fields) in conflicts)
        {
            lines.Add($"conflicts with {manager.Describe()}:");
            foreach (var path in fields.Paths())
            {
                var field = FieldSet.Describe(path);
                causes.Add(new StatusCause("FieldManagerConflict", "conflict with " + manager.Describe(), field));
                lines.Add("- " + field);
            }
        }

        var message = causes.Count == 1
            ? $"Apply failed with 1 conflict: {causes[0].Message}: {causes[0].Field}"
            : $"Apply failed with {causes.Count} conflicts: {string.Join("\n", lines)}";
        return new ApiException(409, "Conflict", message, new StatusDetails(null, null, null, Causes: causes));
    }

    private static bool HasStatusSubresource(JsonObject applied) =>
        KindCatalog.BuiltIn.ByKind(ObjectMeta.GetString(applied, "apiVersion") ?? "", ObjectMeta.GetString(applied, "kind") ?? "")?.HasSubresource("status") ?? false;

    /// <summary>A copy without null members: in an apply configuration a null sets nothing.</summary>
    private static JsonObject WithoutNulls(JsonObject obj)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in obj)
        {
            if (value is not null)
            {
                copy[name] = WithoutNulls(value);
            }
        }

        return copy;
    }

    private static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        JsonObject map => WithoutNulls(map),
        JsonArray list => new JsonArray([.. list.Select(WithoutNulls)]),
        _ => node?.DeepClone(),
    };
}
