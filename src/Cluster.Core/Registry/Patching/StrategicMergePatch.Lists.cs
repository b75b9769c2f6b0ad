using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Patching;

/// <summary>List merging and the ordering rules of strategicpatch (mergeSlice, normalizeElementOrder, mergeSortedSlice).</summary>
public static partial class StrategicMergePatch
{
    private static JsonArray MergeList(JsonArray original, JsonArray patch, PatchField field)
    {
        if (original.Count == 0 && patch.Count == 0)
        {
            return original;
        }

        var maps = ListOfMaps(original, patch);
        var serverOrder = Detach(original);
        var patchItems = Detach(patch);
        var key = field.MergeKey;
        List<JsonNode?> merged;
        if (!maps)
        {
            key = null;
            merged = [];
            foreach (var item in serverOrder.Concat(patchItems))
            {
                if (!merged.Any(m => JsonNode.DeepEquals(m, item)))
                {
                    merged.Add(item);
                }
            }
        }
        else
        {
            if (key is null)
            {
                throw PatchErrors.BadRequest("cannot merge lists without merge key for type map");
            }

            (serverOrder, patchItems) = MergeSpecialElements(serverOrder, patchItems, key, field);

            // Merging consumes the patch items, so their order is kept as keys first.
            var patchOrder = patchItems.Select(p => (JsonNode?)new JsonObject { [key] = KeyOf(p, key)?.DeepClone() }).ToList();
            merged = [.. serverOrder];
            foreach (var item in patchItems)
            {
                var patchMap = (JsonObject)item!;
                var keyValue = patchMap.TryGetPropertyValue(key, out var value) ? value : throw NoMergeKey(patchMap, key);
                var index = merged.FindIndex(m => m is JsonObject o && o.TryGetPropertyValue(key, out var v) && JsonNode.DeepEquals(v, keyValue));
                if (index >= 0)
                {
                    merged[index] = MergeMap((JsonObject)merged[index]!, patchMap, field.Schema);
                }
                else
                {
                    merged.Add(MergeMap(null, patchMap, field.Schema));
                }
            }

            patchItems = patchOrder;
        }

        var (inPatch, serverOnly) = Partition(merged, patchItems, key);
        return new JsonArray([.. NormalizeOrder(inPatch, serverOnly, patchItems, serverOrder, key)]);
    }

    /// <summary>Applies the <c>$patch</c> items of a list: deletes by key, or replaces the whole list.</summary>
    private static (List<JsonNode?> Original, List<JsonNode?> Patch) MergeSpecialElements(List<JsonNode?> original, List<JsonNode?> patch, string key, PatchField field)
    {
        var plain = new List<JsonNode?>();
        var replace = false;
        foreach (var item in patch)
        {
            var map = (JsonObject)item!;
            if (!map.TryGetPropertyValue(DirectiveMarker, out var directive))
            {
                plain.Add(item);
                continue;
            }

            switch (Text(directive))
            {
                case "delete":
                    var keyValue = map.TryGetPropertyValue(key, out var value) ? value : throw NoMergeKey(map, key);
                    original = original.Where(o => !(o is JsonObject m && m.TryGetPropertyValue(key, out var v) && JsonNode.DeepEquals(v, keyValue))).ToList();
                    break;
                case "replace":
                    replace = true;
                    break;
                case "merge":
                    throw PatchErrors.BadRequest("merging lists cannot yet be specified in the patch");
                default:
                    throw PatchErrors.BadRequest($"unknown patch type: {directive?.ToJsonString()} in map: {map.ToJsonString()}");
            }
        }

        return replace ? (plain.Select(p => (JsonNode?)MergeMap(null, (JsonObject)p!, field.Schema)).ToList(), []) : (original, plain);
    }

    private static void ApplySetElementOrder(JsonObject original, JsonObject patch, PatchSchema schema)
    {
        foreach (var (directiveKey, orderNode) in patch.Where(p => p.Key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)).ToArray())
        {
            patch.Remove(directiveKey);
            if (orderNode is not JsonArray orderList)
            {
                throw PatchErrors.BadRequest("invalid patch format of setElementOrder list");
            }

            var name = ExtractKey(directiveKey, SetElementOrderPrefix);
            var field = schema.Field(name);
            var key = field.MergeList ? field.MergeKey : null;
            var originalList = original[name] as JsonArray;
            var patchList = patch[name] switch
            {
                null => null,
                JsonArray a => a,
                _ => throw PatchErrors.BadRequest("invalid patch format of setElementOrder list"),
            };
            var order = orderList.ToList();
            ValidateOrder(patchList, order, key);

            var serverOrder = originalList?.ToList() ?? [];
            JsonArray merged;
            if (patchList is null)
            {
                if (originalList is null)
                {
                    continue;
                }

                merged = originalList;
            }
            else
            {
                patch.Remove(name);
                merged = originalList is not null && field.MergeList ? MergeList(originalList, patchList, field) : (JsonArray)Sanitize(patchList, field);
            }

            var items = Detach(merged);
            var itemKey = key is not null && items.All(i => i is JsonObject) ? key : null;
            var (inOrder, serverOnly) = Partition(items, order, itemKey);
            original[name] = new JsonArray([.. NormalizeOrder(inOrder, serverOnly, order, serverOrder, itemKey)]);
        }
    }

    /// <summary>Checks that the patch list's items appear in the same relative order in the <c>$setElementOrder</c> list.</summary>
    private static void ValidateOrder(JsonArray? patchList, List<JsonNode?> order, string? key)
    {
        if (patchList is null || patchList.Count == 0 || order.Count == 0)
        {
            return;
        }

        var items = key is null ? patchList.ToList() : patchList.Where(p => !(p is JsonObject o && Text(o[DirectiveMarker]) == "delete")).ToList();
        int patchIndex = 0, orderIndex = 0;
        while (patchIndex < items.Count && orderIndex < order.Count)
        {
            if (items[patchIndex] is JsonObject o && o.ContainsKey(DirectiveMarker))
            {
                patchIndex++;
                continue;
            }

            if (JsonNode.DeepEquals(OrderKey(items[patchIndex], key), OrderKey(order[orderIndex], key)))
            {
                patchIndex++;
            }

            orderIndex++;
        }

        if (patchIndex < items.Count)
        {
            throw PatchErrors.BadRequest($"The order in patch list:\n{patchList.ToJsonString()}\n doesn't match {SetElementOrderPrefix} list:\n{new JsonArray([.. order.Select(o => o?.DeepClone())]).ToJsonString()}\n");
        }
    }

    private static JsonNode? OrderKey(JsonNode? item, string? key)
    {
        if (key is null)
        {
            return item;
        }

        return item is JsonObject map && map.TryGetPropertyValue(key, out var value) ? value : throw NoMergeKey(item, key);
    }

    /// <summary>Orders patch items by the patch (or <c>$setElementOrder</c>), server-only items by the live list, then interleaves them.</summary>
    private static List<JsonNode?> NormalizeOrder(List<JsonNode?> patchItems, List<JsonNode?> serverOnly, List<JsonNode?> patchOrder, List<JsonNode?> serverOrder, string? key)
    {
        SortByOrder(patchItems, patchOrder, key);
        SortByOrder(serverOnly, serverOrder, key);

        // mergeSortedSlice: a server-only item goes first only when the live list had it before the next patch item.
        var result = new List<JsonNode?>(patchItems.Count + serverOnly.Count);
        int left = 0, right = 0;
        while (left < serverOnly.Count || right < patchItems.Count)
        {
            if (right >= patchItems.Count)
            {
                result.Add(serverOnly[left++]);
            }
            else if (left >= serverOnly.Count)
            {
                result.Add(patchItems[right++]);
            }
            else
            {
                var li = IndexIn(serverOrder, serverOnly[left], key);
                var ri = IndexIn(serverOrder, patchItems[right], key);
                result.Add(li >= 0 && ri >= 0 && li < ri ? serverOnly[left++] : patchItems[right++]);
            }
        }

        return result;
    }

    /// <summary>sort.SliceStable with upstream's comparator (an item missing from the order sorts first), as an insertion sort.</summary>
    private static void SortByOrder(List<JsonNode?> items, List<JsonNode?> order, string? key)
    {
        for (var i = 1; i < items.Count; i++)
        {
            for (var j = i; j > 0 && Less(items[j], items[j - 1]); j--)
            {
                (items[j], items[j - 1]) = (items[j - 1], items[j]);
            }
        }

        bool Less(JsonNode? a, JsonNode? b)
        {
            var ia = IndexIn(order, a, key);
            var ib = IndexIn(order, b, key);
            return ia < 0 || ib < 0 || ia < ib;
        }
    }

    private static int IndexIn(List<JsonNode?> list, JsonNode? item, string? key)
    {
        var wanted = KeyOf(item, key);
        return list.FindIndex(x => JsonNode.DeepEquals(KeyOf(x, key), wanted));
    }

    private static JsonNode? KeyOf(JsonNode? item, string? key) => key is null ? item : (item as JsonObject)?[key];

    private static (List<JsonNode?> In, List<JsonNode?> NotIn) Partition(List<JsonNode?> items, List<JsonNode?> by, string? key)
    {
        var inBy = new List<JsonNode?>();
        var notIn = new List<JsonNode?>();
        foreach (var item in items)
        {
            (IndexIn(by, item, key) >= 0 ? inBy : notIn).Add(item);
        }

        return (inBy, notIn);
    }

    /// <summary>True for lists of maps, false for lists of scalars; lists of lists and mixed lists are refused as upstream refuses them.</summary>
    private static bool ListOfMaps(params JsonArray[] lists)
    {
        bool? maps = null;
        foreach (var item in lists.SelectMany(l => l))
        {
            if (item is JsonArray)
            {
                throw PatchErrors.Unprocessable("lists of lists are not supported");
            }

            var isMap = item is JsonObject;
            if (maps is { } known && known != isMap)
            {
                throw PatchErrors.BadRequest("list element types are not identical");
            }

            maps = isMap;
        }

        return maps ?? false;
    }

    /// <summary>Takes the items out of a list so they can be placed in another.</summary>
    private static List<JsonNode?> Detach(JsonArray list)
    {
        var items = list.ToList();
        list.Clear();
        return items;
    }

    private static ApiException NoMergeKey(JsonNode? map, string key) =>
        PatchErrors.BadRequest($"map: {map?.ToJsonString()} does not contain declared merge key: {key}");
}
