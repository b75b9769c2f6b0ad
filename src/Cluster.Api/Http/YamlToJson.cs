using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Cluster.Api.Http;

/// <summary>
/// Reads a YAML document into a JSON tree with the YAML 1.2 core schema that Kubernetes' sigs.k8s.io/yaml
/// applies: plain scalars true/false, null/~, integers and floats become JSON values, quoted
/// scalars stay strings. It works on the parser's event stream with an explicit stack, so a
/// hostile document can neither overflow the call stack nor expand aliases (they are refused).
/// </summary>
public static class YamlToJson
{
    /// <summary>Nesting deeper than this is refused (Kubernetes objects nest far less).</summary>
    public const int MaxDepth = 64;

    /// <summary>The single document in <paramref name="text"/> (null for an empty one); throws <see cref="YamlException"/> on malformed input.</summary>
    public static JsonNode? Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (parser.TryConsume<StreamEnd>(out _))
        {
            return null;
        }

        parser.Consume<DocumentStart>();
        var root = ReadDocument(parser);
        parser.Consume<DocumentEnd>();
        if (!parser.TryConsume<StreamEnd>(out _))
        {
            throw new YamlException("expected a single YAML document, found more");
        }

        return root;
    }

    private static JsonNode? ReadDocument(Parser parser)
    {
        // Each open container with the key waiting for its value (for mappings).
        var stack = new Stack<(JsonNode Container, string? PendingKey)>();
        JsonNode? root = null;
        var rootSet = false;
        while (true)
        {
            var current = parser.Current ?? throw new YamlException("unexpected end of the document");
            if (current is DocumentEnd)
            {
                if (stack.Count > 0 || !rootSet)
                {
                    throw new YamlException(current.Start, current.End, "unexpected end of the document");
                }

                return root;
            }

            parser.MoveNext();
            switch (current)
            {
                case AnchorAlias alias:
                    throw new YamlException(alias.Start, alias.End, "YAML aliases are not allowed");
                case MappingStart or SequenceStart:
                    if (stack.Count >= MaxDepth)
                    {
                        throw new YamlException(current.Start, current.End, $"the document nests deeper than {MaxDepth} levels");
                    }

                    JsonNode container = current is MappingStart ? new JsonObject() : new JsonArray();
                    Add(stack, container, ref root, ref rootSet, current);
                    stack.Push((container, null));
                    break;
                case MappingEnd or SequenceEnd:
                    var (done, pending) = stack.Pop();
                    if (pending is not null)
                    {
                        throw new YamlException(current.Start, current.End, $"key \"{pending}\" has no value");
                    }

                    _ = done;
                    break;
                case Scalar scalar:
                    if (stack.Count > 0 && stack.Peek() is { Container: JsonObject, PendingKey: null } top)
                    {
                        if (((JsonObject)top.Container).ContainsKey(scalar.Value))
                        {
                            throw new YamlException(scalar.Start, scalar.End, $"duplicate key \"{scalar.Value}\"");
                        }

                        stack.Pop();
                        stack.Push((top.Container, scalar.Value));
                    }
                    else
                    {
                        Add(stack, ScalarValue(scalar), ref root, ref rootSet, current);
                    }

                    break;
                default:
                    throw new YamlException(current.Start, current.End, "unsupported YAML construct " + current.GetType().Name);
            }
        }
    }

    private static void Add(Stack<(JsonNode Container, string? PendingKey)> stack, JsonNode? value, ref JsonNode? root, ref bool rootSet, ParsingEvent at)
    {
        if (stack.Count == 0)
        {
            if (rootSet)
            {
                throw new YamlException(at.Start, at.End, "more than one root value");
            }

            root = value;
            rootSet = true;
            return;
        }

        var (container, key) = stack.Pop();
        if (container is JsonArray array)
        {
            array.Add(value);
            stack.Push((container, null));
            return;
        }

        if (key is null)
        {
            throw new YamlException(at.Start, at.End, "mapping keys must be scalars");
        }

        ((JsonObject)container)[key] = value;
        stack.Push((container, null));
    }

    private static JsonValue? ScalarValue(Scalar scalar)
    {
        var text = scalar.Value;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.') &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }
}
