using System.Globalization;
using System.Text.Json;

namespace Cluster.Core.Registry.Schemas;

/// <summary>
/// Finds keys given twice in the same JSON object, which upstream's strict decoder reports as
/// <c>duplicate field "spec.replicas"</c>. It reads the raw bytes because a parsed JsonNode
/// keeps one value per key (or refuses the document), so the duplicate is gone by then.
/// </summary>
public static class JsonDuplicateKeys
{
    /// <summary>
    /// The paths of duplicated keys in document order (<c>spec.template.spec.containers[0].image</c>).
    /// Malformed JSON ends the scan quietly with what was found so far: the parser reports it.
    /// </summary>
    public static IReadOnlyList<string> Find(ReadOnlySpan<byte> utf8Json)
    {
        var found = new List<string>();
        var frames = new Stack<Frame>();
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        frames.Push(new Frame(ValuePath(frames), new HashSet<string>(StringComparer.Ordinal)));
                        break;
                    case JsonTokenType.StartArray:
                        frames.Push(new Frame(ValuePath(frames), null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var frame = frames.Peek();
                        frame.Property = reader.GetString()!;
                        if (!frame.Keys!.Add(frame.Property))
                        {
                            found.Add(Join(frame.Path, frame.Property));
                        }

                        break;
                    default:
                        _ = ValuePath(frames);
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed input (or a key that is not UTF-8, read from a body that was YAML after all): the caller's
            // parse reports it properly.
        }

        return found;
    }

    /// <summary>The path of the value starting now; in an array it also moves to the next index.</summary>
    private static string ValuePath(Stack<Frame> frames)
    {
        if (!frames.TryPeek(out var parent))
        {
            return "";
        }

        if (parent.Keys is not null)
        {
            return Join(parent.Path, parent.Property);
        }

        return parent.Path + "[" + (parent.NextIndex++).ToString(CultureInfo.InvariantCulture) + "]";
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private sealed class Frame(string path, HashSet<string>? keys)
    {
        public string Path { get; } = path;

        /// <summary>The keys seen so far; null for an array.</summary>
        public HashSet<string>? Keys { get; } = keys;

        public string Property { get; set; } = "";

        public int NextIndex { get; set; }
    }
}
