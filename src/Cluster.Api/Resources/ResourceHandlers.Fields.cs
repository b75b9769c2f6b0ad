using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Schemas;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Resources;

/// <summary>
/// fieldValidation (Strict, Warn, Ignore): unknown and duplicate fields, checked against the kind's
/// schema, are refused, answered with Warning headers, or let through. Wrong types are always a 400.
/// Unknown fields that are let through are kept: every field a client sent comes back as sent.
/// </summary>
public sealed partial class ResourceHandlers
{
    private static void CheckFields(HttpContext context, ResourceKind kind, JsonObject obj, byte[] raw, bool isPatch = false)
    {
        var text = ApiQuery.Get(context.Request, "fieldValidation");
        if (!SchemaErrors.TryParseFieldValidation(text, out var validation))
        {
            throw SchemaErrors.UnsupportedFieldValidation(isPatch ? "PatchOptions" : context.Request.Method == "POST" ? "CreateOptions" : "UpdateOptions", text ?? "");
        }

        // A merge or strategic patch is a partial object: its directives ($patch, $setElementOrder/...) are not fields.
        var checkedObject = isPatch ? WithoutDirectives(obj) : obj;
        var report = SchemaValidator.Check(kind, checkedObject).WithDuplicates(JsonDuplicateKeys.Find(raw));
        var error = isPatch
            ? SchemaErrors.ForPatch(report, validation, System.Text.Encoding.UTF8.GetString(raw))
            : SchemaErrors.ForBody(kind, report, validation);
        if (error is not null)
        {
            throw error;
        }

        foreach (var warning in SchemaErrors.Warnings(report, validation))
        {
            WarningHeaders.Add(context.Response, warning);
        }
    }

    private static JsonObject WithoutDirectives(JsonObject patch)
    {
        var copy = (JsonObject)patch.DeepClone();
        Strip(copy);
        return copy;

        static void Strip(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var key in o.Select(p => p.Key).Where(k => k.StartsWith('$')).ToList())
                    {
                        o.Remove(key);
                    }

                    foreach (var (_, value) in o)
                    {
                        Strip(value);
                    }

                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Strip(item);
                    }

                    break;
            }
        }
    }
}
