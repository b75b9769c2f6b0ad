using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Patching;

/// <summary>The merge and prune steps of server-side apply (structured-merge-diff's merge walker and Updater.prune).</summary>
internal static class ApplyMerge
{
    /// <summary>The configuration merged into the live value: maps merge, keyed lists and sets merge by item, everything else is replaced.</summary>
    public static JsonNode? Merge(JsonNode? live, JsonNode? config, PatchField field)
    {
        if (config is null)
        {
            return live?.DeepClone();
        }

        if (live is null)
        {
            return config.DeepClone();
        }

        if (live is JsonObject liveMap && config is JsonObject configMap && !field.Atomic)
        {
            var result = (JsonObject)liveMap.DeepClone();
            foreach (var (name, value) in configMap)
            {
                result[name] = Merge(liveMap[name], value, field.Schema.Field(name));
            }

            return result;
        }

        if (live is JsonArray liveList && config is JsonArray configList
            && FieldSetWalker.Itemized(liveList, field) && FieldSetWalker.Itemized(configList, field))
        {
            return MergeList(liveList, configList, field);
        }

        return config.DeepClone();
    }

    /// <summary>
    /// Merges keyed lists as the merge walker's visitListItems orders them: live-only items keep
    /// their place, items the configuration names follow the configuration's order.
    /// </summary>
    private static JsonArray MergeList(JsonArray live, JsonArray config, PatchField field)
    {
        var liveItems = FieldSetWalker.Index(live, field);
        var configItems = FieldSetWalker.Index(config, field);
        var liveOrder = liveItems.Keys.ToList();
        var configOrder = configItems.Keys.ToList();
        var shared = new Queue<string>(configOrder.Where(liveItems.ContainsKey));
        var nextShared = shared.Count > 0 ? shared.Dequeue() : null;
        var itemField = PatchField.Object(field.Schema);
        var result = new JsonArray();
        int l = 0, r = 0;
        while (l < liveOrder.Count || r < configOrder.Count)
        {
            if (l < liveOrder.Count && r < configOrder.Count)
            {
                var element = liveOrder[l];
                if (element == configOrder[r])
                {
                    result.Add(Merge(liveItems[element], configItems[element], itemField));
                    l++;
                    r++;
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                    continue;
                }

                if (configItems.ContainsKey(element) && nextShared is not null && nextShared != element)
                {
                    l++;
                    continue;
                }
            }

            if (l < liveOrder.Count && !configItems.ContainsKey(liveOrder[l]))
            {
                result.Add(liveItems[liveOrder[l]]?.DeepClone());
                l++;
                continue;
            }

            if (r < configOrder.Count)
            {
                var element = configOrder[r];
                result.Add(Merge(liveItems.GetValueOrDefault(element), configItems[element], itemField));
                r++;
                if (nextShared == element)
                {
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                }

                continue;
            }

            // Only live items the configuration already placed remain.
            l++;
        }

        return result;
    }

    /// <summary>
    /// Removes what the applier owned before (<paramref name="last"/>) that nobody owns now
    /// (<paramref name="owned"/>, the applier's new fields included). A field counts as owned
    /// when anything at or below it is; a list item only when the item itself is.
    /// </summary>
    public static void Prune(JsonObject obj, PatchSchema schema, FieldSet last, FieldSet owned)
    {
        foreach (var (name, value) in obj.ToArray())
        {
            var element = "f:" + name;
            if (last.Get(element) is not { } lastChild)
            {
                continue;
            }

            if (owned.Get(element) is not { } ownedChild)
            {
                obj.Remove(name);
                continue;
            }

            var field = schema.Field(name);
            switch (value)
            {
                case JsonObject map when !field.Atomic:
                    Prune(map, field.Schema, lastChild, ownedChild);
                    break;
                case JsonArray list when FieldSetWalker.Itemized(list, field):
                    PruneList(list, field, lastChild, ownedChild);
                    break;
            }
        }
    }

    private static void PruneList(JsonArray list, PatchField field, FieldSet last, FieldSet owned)
    {
        foreach (var item in list.ToArray())
        {
            var element = FieldSetWalker.ItemElement(item, field)!;
            if (last.Get(element) is not { } lastItem)
            {
                continue;
            }

            var ownedItem = owned.Get(element);
            if (lastItem.Member && ownedItem is not { Member: true })
            {
                list.Remove(item);
            }
            else if (item is JsonObject map && ownedItem is not null)
            {
                Prune(map, field.Schema, lastItem, ownedItem);
            }
        }
    }
}
