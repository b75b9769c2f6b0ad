using System.Text.Json.Nodes;
using Cluster.Core.Registry;

namespace Cluster.Core.Tests.Registry.Strategies;

/// <summary>Builds objects from JSON text and checks validation causes by field.</summary>
internal static class StrategyAssert
{
    public static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    public static JsonNode? At(JsonNode? node, string path) =>
        path.Split('.').Aggregate(node, (n, key) => int.TryParse(key, out var i) ? (n as JsonArray)?[i] : (n as JsonObject)?[key]);

    public static string? Str(JsonNode? node, string path) => At(node, path)?.GetValue<object>().ToString();

    /// <summary>Asserts a cause on <paramref name="field"/> whose message contains <paramref name="message"/>; returns it.</summary>
    public static StatusCause HasCause(IReadOnlyList<StatusCause> causes, string field, string message)
    {
        var match = causes.FirstOrDefault(c => c.Field == field && c.Message.Contains(message, StringComparison.Ordinal));
        Assert.True(match is not null, $"expected a cause on {field} containing \"{message}\", got: {Describe(causes)}");
        return match!;
    }

    public static void NoCauses(IReadOnlyList<StatusCause> causes) => Assert.True(causes.Count == 0, "expected no causes, got: " + Describe(causes));

    public static void NoCauseOn(IReadOnlyList<StatusCause> causes, string field) =>
        Assert.False(causes.Any(c => c.Field == field), $"expected no cause on {field}, got: {Describe(causes)}");

    private static string Describe(IReadOnlyList<StatusCause> causes) =>
        causes.Count == 0 ? "(none)" : string.Join("; ", causes.Select(c => $"{c.Field}: {c.Message}"));
}
