using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using Cluster.Core.Registry;

namespace Cluster.Api.Security.Audit;

/// <summary>
/// What the audit log knows about one request, written as an audit.k8s.io/v1 Event line per stage (field order and
/// omissions as upstream's JSON, timestamps as its MicroTime).
/// </summary>
public sealed class AuditEvent(string auditId, string requestUri, RequestInfo request, DateTimeOffset received)
{
    private readonly List<KeyValuePair<string, string>> _annotations = [];

    public string AuditId => auditId;

    public RequestInfo Request => request;

    public DateTimeOffset RequestReceived => received;

    public AuditLevel Level { get; set; } = AuditLevel.Metadata;

    /// <summary>Null when authentication failed: upstream records such a request without a user.</summary>
    public UserInfo? User { get; set; }

    public IReadOnlyList<string> SourceIps { get; set; } = [];

    public string UserAgent { get; set; } = "";

    /// <summary>The response's code, once known.</summary>
    public int? Code { get; set; }

    /// <summary>The Status of a failed request (its message, reason and details go into responseStatus).</summary>
    public ApiException? Failure { get; set; }

    public JsonNode? RequestObject { get; set; }

    public JsonNode? ResponseObject { get; set; }

    public void Annotate(string key, string value)
    {
        var at = _annotations.FindIndex(a => a.Key == key);
        if (at >= 0)
        {
            _annotations[at] = new(key, value);
        }
        else
        {
            _annotations.Add(new(key, value));
        }
    }

    /// <summary>One JSON line (newline included) for <paramref name="stage"/>.</summary>
    public byte[] Serialize(AuditStages stage, DateTimeOffset stageTime)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, ApiJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("kind", "Event");
            w.WriteString("apiVersion", "audit.k8s.io/v1");
            w.WriteString("level", Level.ToString());
            w.WriteString("auditID", auditId);
            w.WriteString("stage", stage.ToString());
            w.WriteString("requestURI", requestUri);
            w.WriteString("verb", request.Verb);
            WriteUser(w);
            w.WriteStartArray("sourceIPs");
            foreach (var ip in SourceIps)
            {
                w.WriteStringValue(ip);
            }

            w.WriteEndArray();
            OptionalString(w, "userAgent", UserAgent);
            WriteObjectRef(w);
            if (stage != AuditStages.RequestReceived && Code is { } code)
            {
                WriteResponseStatus(w, code);
            }

            if (RequestObject is not null && Level >= AuditLevel.Request)
            {
                w.WritePropertyName("requestObject");
                RequestObject.WriteTo(w);
            }

            if (ResponseObject is not null && Level >= AuditLevel.RequestResponse && stage == AuditStages.ResponseComplete)
            {
                w.WritePropertyName("responseObject");
                ResponseObject.WriteTo(w);
            }

            w.WriteString("requestReceivedTimestamp", MicroTime(received));
            w.WriteString("stageTimestamp", MicroTime(stageTime));
            if (_annotations.Count > 0)
            {
                // Sorted by key, as Go writes a map.
                w.WriteStartObject("annotations");
                foreach (var (key, value) in _annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>RFC 3339 in UTC with microseconds, as upstream's metav1.MicroTime.</summary>
    public static string MicroTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private void WriteUser(Utf8JsonWriter w)
    {
        w.WriteStartObject("user");
        if (User is { } user)
        {
            w.WriteString("username", user.Name);
            OptionalString(w, "uid", user.Uid);
            w.WriteStartArray("groups");
            foreach (var group in user.Groups)
            {
                w.WriteStringValue(group);
            }

            w.WriteEndArray();
            if (user.Extra is { Count: > 0 } extra)
            {
                w.WriteStartObject("extra");
                foreach (var (key, values) in extra.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    w.WriteStartArray(key);
                    foreach (var value in values)
                    {
                        w.WriteStringValue(value);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }
        }

        w.WriteEndObject();
    }

    private void WriteObjectRef(Utf8JsonWriter w)
    {
        if (!request.IsResourceRequest)
        {
            return;
        }

        w.WriteStartObject("objectRef");
        OptionalString(w, "resource", request.Resource);
        OptionalString(w, "namespace", request.Namespace);
        OptionalString(w, "name", request.Name);
        OptionalString(w, "apiGroup", request.ApiGroup);
        OptionalString(w, "apiVersion", request.ApiVersion);
        OptionalString(w, "subresource", request.Subresource);
        w.WriteEndObject();
    }

    private void WriteResponseStatus(Utf8JsonWriter w, int code)
    {
        w.WriteStartObject("responseStatus");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        if (Failure is { } failure)
        {
            foreach (var (key, value) in ApiJson.Status(failure))
            {
                if (key is not ("kind" or "apiVersion" or "metadata" or "code") && value is not null)
                {
                    w.WritePropertyName(key);
                    value.WriteTo(w);
                }
            }
        }

        w.WriteNumber("code", code);
        w.WriteEndObject();
    }

    private static void OptionalString(Utf8JsonWriter w, string name, string value)
    {
        if (value.Length > 0)
        {
            w.WriteString(name, value);
        }
    }
}
