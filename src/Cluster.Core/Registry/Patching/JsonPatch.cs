using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Patching;

/// <summary>
/// JSON Patch (RFC 6902, <c>application/json-patch+json</c>): an ordered list of add, remove,
/// replace, move, copy and test operations addressed by JSON pointers (RFC 6901). A patch that
/// is not a list of objects is a 400; an operation that cannot apply is the API server's 422,
/// with the json-patch library's wording in the cause.
/// </summary>
public static class JsonPatch
{
    /// <summary>Applies <paramref name="patch"/> to a deep copy of <paramref name="target"/>; neither input is changed.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode patch)
    {
        if (patch is not JsonArray operations)
        {
            throw PatchErrors.BadRequest($"json: cannot unmarshal {Describe(patch)} into Go value of type jsonpatch.Patch");
        }

        foreach (var operation in operations)
        {
            if (operation is not JsonObject)
            {
                throw PatchErrors.BadRequest($"json: cannot unmarshal {Describe(operation)} into Go value of type jsonpatch.Operation");
            }
        }

        var document = new Document(target?.DeepClone());
        foreach (var operation in operations)
        {
            document.Apply((JsonObject)operation!);
        }

        return document.Root;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        null => "null",
        _ => node.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => "string",
            System.Text.Json.JsonValueKind.Number => "number",
            _ => "bool",
        },
    };

    /// <summary>The document being patched; the root may be replaced by an operation on the pointer "".</summary>
    private sealed class Document(JsonNode? root)
    {
        public JsonNode? Root { get; private set; } = root;

        public void Apply(JsonObject operation)
        {
            var op = ObjectMeta.GetString(operation, "op") ?? "unknown";
            switch (op)
            {
                case "add":
                    Add(RequirePath(operation, op), RequireValue(operation, op));
                    break;
                case "remove":
                    Remove(RequirePath(operation, op), "remove");
                    break;
                case "replace":
                    Replace(RequirePath(operation, op), RequireValue(operation, op));
                    break;
                case "move":
                    Move(RequireFrom(operation, op), RequirePath(operation, op));
                    break;
                case "copy":
                    Copy(RequireFrom(operation, op), RequirePath(operation, op));
                    break;
                case "test":
                    Test(RequirePath(operation, op), RequireValue(operation, op));
                    break;
                default:
                    throw PatchErrors.Unprocessable($"Unexpected kind: {op}");
            }
        }

        private void Add(string path, JsonNode? value)
        {
            var tokens = Pointer(path, "add");
            if (tokens.Length == 0)
            {
                Root = value;
                return;
            }

            switch (Parent(tokens, path, "add"))
            {
                case JsonObject parent:
                    parent[tokens[^1]] = value;
                    break;
                case JsonArray array:
                    var token = tokens[^1];
                    if (token == "-")
                    {
                        array.Add(value);
                        break;
                    }

                    var index = Index(token, path);
                    if (index > array.Count)
                    {
                        throw InvalidIndex(index);
                    }

                    array.Insert(index, value);
                    break;
                default:
                    throw Missing("add", path);
            }
        }

        private JsonNode? Remove(string path, string op)
        {
            var tokens = Pointer(path, op);
            if (tokens.Length == 0)
            {
                throw Missing(op, path);
            }

            switch (Parent(tokens, path, op))
            {
                case JsonObject parent:
                    if (!parent.TryGetPropertyValue(tokens[^1], out var removed))
                    {
                        throw PatchErrors.Unprocessable($"error in {op} for path: '{path}': Unable to remove nonexistent key: {tokens[^1]}: missing value");
                    }

                    parent.Remove(tokens[^1]);
                    return removed;
                case JsonArray array:
                    var index = Index(tokens[^1], path);
                    if (index >= array.Count)
                    {
                        throw InvalidIndex(index);
                    }

                    var item = array[index];
                    array.RemoveAt(index);
                    return item;
                default:
                    throw Missing(op, path);
            }
        }

        private void Replace(string path, JsonNode? value)
        {
            var tokens = Pointer(path, "replace");
            if (tokens.Length == 0)
            {
                Root = value;
                return;
            }

            switch (Parent(tokens, path, "replace"))
            {
                // Like the API server's json-patch library, replacing a missing member of an object sets it.
                case JsonObject parent:
                    parent[tokens[^1]] = value;
                    break;
                case JsonArray array:
                    var index = Index(tokens[^1], path);
                    if (index >= array.Count)
                    {
                        throw InvalidIndex(index);
                    }

                    array[index] = value;
                    break;
                default:
                    throw Missing("replace", path);
            }
        }

        private void Move(string from, string path)
        {
            if (from == path)
            {
                Get(from, "move");
                return;
            }

            if (path.StartsWith(from + "/", StringComparison.Ordinal))
            {
                throw PatchErrors.Unprocessable($"move operation does not apply: from path {from} is a prefix of path {path}");
            }

            var value = Remove(from, "move");
            Add(path, value);
        }

        private void Copy(string from, string path) => Add(path, Get(from, "copy")?.DeepClone());

        private void Test(string path, JsonNode? expected)
        {
            var actual = Get(path, "test");
            if (!JsonNode.DeepEquals(actual, expected))
            {
                throw PatchErrors.Unprocessable($"testing value {path} failed: test failed");
            }
        }

        private JsonNode? Get(string path, string op)
        {
            var tokens = Pointer(path, op);
            if (tokens.Length == 0)
            {
                return Root;
            }

            switch (Parent(tokens, path, op))
            {
                case JsonObject parent when parent.TryGetPropertyValue(tokens[^1], out var value):
                    return value;
                case JsonArray array:
                    var index = Index(tokens[^1], path);
                    return index < array.Count ? array[index] : throw InvalidIndex(index);
                default:
                    throw Missing(op, path);
            }
        }

        /// <summary>The container holding the pointer's last token, or null when a step along the way is missing.</summary>
        private JsonNode? Parent(string[] tokens, string path, string op)
        {
            var current = Root;
            for (var i = 0; i < tokens.Length - 1; i++)
            {
                current = current switch
                {
                    JsonObject o => o.TryGetPropertyValue(tokens[i], out var child) ? child : throw Missing(op, path),
                    JsonArray a => Index(tokens[i], path) is var index && index < a.Count ? a[index] : throw Missing(op, path),
                    _ => throw Missing(op, path),
                };
            }

            return current;
        }

        private static string[] Pointer(string path, string op)
        {
            if (path.Length == 0)
            {
                return [];
            }

            if (path[0] != '/')
            {
                throw Missing(op, path);
            }

            var tokens = path[1..].Split('/');
            for (var i = 0; i < tokens.Length; i++)
            {
                tokens[i] = tokens[i].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            }

            return tokens;
        }

        /// <summary>An array index as RFC 6901 allows it: decimal digits without leading zeros.</summary>
        private static int Index(string token, string path)
        {
            var valid = token.Length > 0 && token.All(char.IsAsciiDigit) && (token.Length == 1 || token[0] != '0');
            if (!valid || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw PatchErrors.Unprocessable($"value was not a proper array index: '{token}' in path '{path}'");
            }

            return index;
        }

        private static string RequirePath(JsonObject operation, string op) =>
            ObjectMeta.GetString(operation, "path") ?? throw PatchErrors.Unprocessable($"{op} operation failed to decode path: operation missing path field: missing value");

        private static string RequireFrom(JsonObject operation, string op) =>
            ObjectMeta.GetString(operation, "from") ?? throw PatchErrors.Unprocessable($"{op} operation failed to decode from: operation, missing from field: missing value");

        private static JsonNode? RequireValue(JsonObject operation, string op) =>
            operation.TryGetPropertyValue("value", out var value)
                ? value?.DeepClone()
                : throw PatchErrors.Unprocessable($"{op} operation failed: operation, missing value field: missing value");

        private static ApiException Missing(string op, string path) =>
            PatchErrors.Unprocessable($"{op} operation does not apply: doc is missing path: \"{path}\": missing value");

        private static ApiException InvalidIndex(int index) =>
            PatchErrors.Unprocessable($"Unable to access invalid index: {index}: invalid index referenced");
    }
}
