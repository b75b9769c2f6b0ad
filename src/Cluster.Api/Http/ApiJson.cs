using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Core.Registry;

namespace Cluster.Api.Http;

/// <summary>JSON as the API writes it: compact, UTF-8 text unescaped (as the Kubernetes API server writes it).</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Options);

    /// <summary>The Kubernetes Status object for a failure.</summary>
    public static JsonObject Status(ApiException error)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = error.Message,
            ["reason"] = error.Reason,
        };
        if (error.Details is { } d)
        {
            var details = DetailsNode(d);
            if (d.Causes is { Count: > 0 } causes)
            {
                details["causes"] = new JsonArray(causes.Select(c =>
                {
                    var cause = new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message };
                    if (c.Field is not null)
                    {
                        cause["field"] = c.Field;
                    }

                    return (JsonNode)cause;
                }).ToArray());
            }

            if (error.RetryAfterSeconds is { } retry)
            {
                details["retryAfterSeconds"] = retry;
            }

            status["details"] = details;
        }

        status["code"] = error.Code;
        return status;
    }

    /// <summary>A success Status (deletes of collections, bindings).</summary>
    public static JsonObject Success(StatusDetails? details = null, int code = 200)
    {
        var status = new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" };
        if (details is not null)
        {
            status["details"] = DetailsNode(details);
        }

        status["code"] = code;
        return status;
    }

    private static JsonObject DetailsNode(StatusDetails d)
    {
        var details = new JsonObject();
        if (d.Name is not null)
        {
            details["name"] = d.Name;
        }

        if (!string.IsNullOrEmpty(d.Group))
        {
            details["group"] = d.Group;
        }

        if (d.Kind is not null)
        {
            details["kind"] = d.Kind;
        }

        if (d.Uid is not null)
        {
            details["uid"] = d.Uid;
        }

        return details;
    }
}
