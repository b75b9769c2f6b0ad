using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Http;

/// <summary>Writes API responses: objects, Status errors, and pre-serialized JSON bytes.</summary>
public static class ResponseWriter
{
    public const string Json = "application/json";

    public static Task WriteAsync(HttpContext context, int status, JsonNode body, CancellationToken cancellationToken) =>
        WriteBytesAsync(context, status, ApiJson.Serialize(body), cancellationToken);

    public static async Task WriteBytesAsync(HttpContext context, int status, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = Json;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A Status for <paramref name="error"/> (with Retry-After when it says so); nothing when the response has already started.</summary>
    public static Task WriteStatusAsync(HttpContext context, ApiException error)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        if (error.RetryAfterSeconds is { } retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // The audit log records the failure's reason and message (responseStatus).
        context.Features.Set(error);

        return WriteAsync(context, error.Code, ApiJson.Status(error), CancellationToken.None);
    }

    /// <summary>Writes through a <see cref="Utf8JsonWriter"/> into the response, streaming (for large lists and tables).</summary>
    public static async Task StreamAsync(HttpContext context, int status, Func<Utf8JsonWriter, Func<Task>, Task> write, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = Json;
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, ApiJson.WriterOptions);

        // Flushing every so often keeps memory flat however long the list is.
        async Task FlushIfLarge()
        {
            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await write(writer, FlushIfLarge).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
