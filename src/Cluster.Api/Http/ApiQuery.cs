using System.Globalization;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Core.Registry.Selectors;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Http;

/// <summary>How the client wants the object rendered (the Table Accept header and includeObject).</summary>
public enum ResponseShape
{
    Object,
    Table,
}

/// <summary>Reads the query parameters of the Kubernetes API.</summary>
public static class ApiQuery
{
    public static string? Get(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    public static bool Flag(HttpRequest request, string name) =>
        Get(request, name) is { } v && (v.Length == 0 || v.Equals("true", StringComparison.OrdinalIgnoreCase) || v == "1");

    public static ListOptions List(HttpRequest request)
    {
        var limit = 0;
        if (Get(request, "limit") is { Length: > 0 } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit)))
        {
            throw ApiException.BadRequest($"invalid limit: \"{text}\"");
        }

        return new ListOptions(
            LabelSelector.Parse(Get(request, "labelSelector")),
            FieldSelector.Parse(Get(request, "fieldSelector")),
            limit,
            Get(request, "continue") is { Length: > 0 } c ? c : null,
            Get(request, "resourceVersion"));
    }

    /// <summary>dryRun, fieldManager, force; the field manager defaults to the client's name (User-Agent up to the first '/'), as upstream.</summary>
    public static WriteOptions Write(HttpRequest request)
    {
        var dryRun = DryRun(request);
        var manager = Get(request, "fieldManager");
        if (string.IsNullOrEmpty(manager))
        {
            var agent = request.Headers.UserAgent.ToString();
            var slash = agent.IndexOf('/', StringComparison.Ordinal);
            manager = slash > 0 ? agent[..slash] : agent.Length > 0 ? agent : null;
        }
        else if (manager.Length > 128)
        {
            throw ApiException.BadRequest("fieldManager must not be longer than 128 characters");
        }

        return new WriteOptions(dryRun, manager, Flag(request, "force"));
    }

    public static bool DryRun(HttpRequest request)
    {
        if (!request.Query.TryGetValue("dryRun", out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            if (value != "All")
            {
                throw ApiException.BadRequest($"Invalid dry run value: \"{value}\": supported values: \"All\"");
            }
        }

        return values.Count > 0;
    }

    /// <summary>fieldValidation: Strict, Warn (the default) or Ignore.</summary>
    public static string FieldValidation(HttpRequest request) => Get(request, "fieldValidation") switch
    {
        null or "" or "Warn" => "Warn",
        "Strict" => "Strict",
        "Ignore" => "Ignore",
        var other => throw ApiException.BadRequest($"fieldValidation parameter unsupported: {other}, supported values: Ignore, Warn, Strict"),
    };

    public static ResponseShape Shape(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal) ? ResponseShape.Table : ResponseShape.Object;

    public static long? Long(HttpRequest request, string name)
    {
        var text = Get(request, name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiException.BadRequest($"invalid {name}: \"{text}\"");
    }
}
