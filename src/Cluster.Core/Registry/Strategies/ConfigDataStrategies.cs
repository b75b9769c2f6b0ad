using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// What ConfigMaps and Secrets share: config keys, a 1 MiB total, and the <c>immutable</c> flag
/// that freezes the data and cannot be unset.
/// </summary>
internal abstract class ConfigDataStrategy : ResourceStrategy
{
    public const int MaxTotalBytes = 1024 * 1024;
    public const string ImmutableMessage = "field is immutable when `immutable` is set";

    protected ConfigDataStrategy(ResourceKind kind)
        : base(kind)
    {
    }

    /// <summary>The maps that <c>immutable: true</c> freezes.</summary>
    protected abstract IReadOnlyList<string> DataFields { get; }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        if (JsonFields.Bool(old, "immutable") != true)
        {
            return;
        }

        if (JsonFields.Bool(updated, "immutable") != true)
        {
            causes.Forbidden("immutable", ImmutableMessage);
        }

        foreach (var field in DataFields)
        {
            if (!JsonFields.SameIgnoringNulls(updated[field] ?? new JsonObject(), old[field] ?? new JsonObject()))
            {
                causes.Forbidden(field, ImmutableMessage);
            }
        }
    }

    /// <summary>Validates the keys of a data map; returns its size in bytes as stored.</summary>
    protected static long ValidateKeys(JsonObject? data, string path, Causes causes)
    {
        long size = 0;
        foreach (var (key, value) in data ?? [])
        {
            causes.InvalidEach(JsonFields.Key(path, key), key, NameRules.ConfigMapKey(key));
            size += Encoding.UTF8.GetByteCount(JsonFields.AsString(value) ?? "");
        }

        return size;
    }

    /// <summary>Each value must be base64 (binaryData, Secret data); the value itself is never echoed.</summary>
    protected static void ValidateBase64(JsonObject? data, string path, Causes causes)
    {
        foreach (var (key, value) in data ?? [])
        {
            var text = JsonFields.AsString(value);
            if (text is null || !Base64.IsValid(text))
            {
                causes.Invalid(JsonFields.Key(path, key), (JsonNode?)"<value omitted>", "must be a base64-encoded string");
            }
        }
    }
}

/// <summary>ConfigMaps: data and binaryData keys are config keys and never both.</summary>
internal sealed class ConfigMapStrategy : ConfigDataStrategy
{
    private static readonly string[] Fields = ["data", "binaryData"];

    public ConfigMapStrategy()
        : base(BuiltInKinds.ConfigMap)
    {
    }

    protected override IReadOnlyList<string> DataFields => Fields;

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var data = JsonFields.Obj(obj, "data");
        var binary = JsonFields.Obj(obj, "binaryData");
        var size = ValidateKeys(data, "data", causes) + ValidateKeys(binary, "binaryData", causes);
        foreach (var (key, _) in data ?? [])
        {
            if (binary?.ContainsKey(key) == true)
            {
                causes.Invalid(JsonFields.Key("data", key), key, "duplicate of key present in binaryData");
            }
        }

        foreach (var (key, value) in data ?? [])
        {
            if (value is not null && JsonFields.AsString(value) is null)
            {
                causes.Invalid(JsonFields.Key("data", key), value, "must be a string");
            }
        }

        ValidateBase64(binary, "binaryData", causes);
        if (size > MaxTotalBytes)
        {
            causes.TooLong("", MaxTotalBytes);
        }
    }
}

/// <summary>
/// Secrets: type defaults to Opaque and cannot change; <c>stringData</c> is folded into
/// <c>data</c> (base64) on write, as upstream's conversion does; typed secrets need their keys.
/// </summary>
internal sealed class SecretStrategy : ConfigDataStrategy
{
    private static readonly string[] Fields = ["data"];

    public SecretStrategy()
        : base(BuiltInKinds.Secret)
    {
        Selectable("type");
    }

    protected override IReadOnlyList<string> DataFields => Fields;

    protected override void ApplyDefaults(JsonObject obj)
    {
        JsonFields.DefaultString(obj, "type", "Opaque");
        if (obj["stringData"] is JsonObject stringData)
        {
            var data = JsonFields.Ensure(obj, "data");
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonFields.AsString(value) ?? ""));
            }
        }

        obj.Remove("stringData");
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var data = JsonFields.Obj(obj, "data");
        ValidateKeys(data, "data", causes);
        ValidateBase64(data, "data", causes);
        long size = 0;
        foreach (var (_, value) in data ?? [])
        {
            size += JsonFields.AsString(value) is { } text ? text.Length * 3 / 4 : 0;
        }

        if (size > MaxTotalBytes)
        {
            causes.TooLong("data", MaxTotalBytes);
        }

        var has = (string key) => data?.ContainsKey(key) == true;
        switch (JsonFields.Str(obj, "type"))
        {
            case "kubernetes.io/service-account-token":
                if (string.IsNullOrEmpty(ObjectMeta.Annotations(obj).GetValueOrDefault("kubernetes.io/service-account.name")))
                {
                    causes.Required("metadata.annotations[kubernetes.io/service-account.name]");
                }

                break;
            case "kubernetes.io/dockercfg":
                RequireKeys(has, causes, ".dockercfg");
                break;
            case "kubernetes.io/dockerconfigjson":
                RequireKeys(has, causes, ".dockerconfigjson");
                break;
            case "kubernetes.io/basic-auth":
                if (!has("username") && !has("password"))
                {
                    RequireKeys(has, causes, "username", "password");
                }

                break;
            case "kubernetes.io/ssh-auth":
                RequireKeys(has, causes, "ssh-privatekey");
                break;
            case "kubernetes.io/tls":
                RequireKeys(has, causes, "tls.key", "tls.crt");
                break;
            case "" or null:
                causes.Required("type");
                break;
        }
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes)
    {
        causes.ImmutableField("type", updated["type"], old["type"]);
        base.ValidateChange(updated, old, causes);
    }

    private static void RequireKeys(Func<string, bool> has, Causes causes, params string[] keys)
    {
        foreach (var key in keys.Where(k => !has(k)))
        {
            causes.Required(JsonFields.Key("data", key));
        }
    }
}
