using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>
/// The pod-template-hash label that names a deployment's ReplicaSets and keeps their pods apart (upstream's
/// controller.ComputeHash): FNV-32a over the template, then the collision count as eight little-endian bytes when
/// set, printed in decimal and spelled with rand.SafeEncodeString's alphabet. Upstream hashes Go's printing of the
/// template; this hashes a canonical JSON of it (keys sorted, nulls and empty lists and maps dropped), so a value
/// depends only on the template's content, never on field order or on how a client spelled "nothing".
/// </summary>
public static class PodTemplateHash
{
    public const string Label = "pod-template-hash";

    /// <summary>rand.SafeEncodeString's alphabet: no vowels (no words), no 0/1/3 (look like o/l/e).</summary>
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(V1PodTemplateSpec template, int? collisionCount)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(Canonical(template)))
        {
            hash = Step(hash, b);
        }

        if (collisionCount is { } count)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, unchecked((uint)count));
            foreach (var b in bytes)
            {
                hash = Step(hash, b);
            }
        }

        return SafeEncode(hash);
    }

    /// <summary>A hash printed in decimal and spelled with rand.SafeEncodeString's alphabet (upstream's naming of hashed objects).</summary>
    public static string SafeEncode(uint hash)
    {
        var digits = hash.ToString(CultureInfo.InvariantCulture);
        return string.Create(digits.Length, digits, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = Alphabet[s[i] % Alphabet.Length];
            }
        });
    }

    /// <summary>Whether two templates are the same but for the pod-template-hash label (upstream's EqualIgnoreHash, a semantic comparison).</summary>
    public static bool EqualIgnoreHash(V1PodTemplateSpec? a, V1PodTemplateSpec? b) => Canonical(a, dropHash: true) == Canonical(b, dropHash: true);

    /// <summary>The template as canonical JSON (what the hash and the comparison read).</summary>
    public static string Canonical(V1PodTemplateSpec? template, bool dropHash = false)
    {
        var node = template is null ? null : JsonNode.Parse(KubernetesJson.Serialize(template));
        if (dropHash && node?["metadata"]?["labels"] is JsonObject labels)
        {
            labels.Remove(Label);
        }

        return Normalize(node)?.ToJsonString() ?? "{}";
    }

    private static uint Step(uint hash, byte b) => unchecked((hash ^ b) * 16777619u);

    /// <summary>Sorted keys; null, [] and {} are all "unset", as Go's semantic equality treats nil and empty maps and slices.</summary>
    public static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var sorted = new JsonObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (Normalize(value) is { } kept)
                    {
                        sorted[key] = kept;
                    }
                }

                return sorted.Count == 0 ? null : sorted;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(Normalize(item) ?? new JsonObject());
                }

                return items.Count == 0 ? null : items;
            default:
                return node?.DeepClone();
        }
    }
}
