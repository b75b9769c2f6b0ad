using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cluster.Core.Registry.Objects;

/// <summary>How a write is carried out (query parameters of the request).</summary>
/// <param name="DryRun">Run every rule, store nothing (<c>dryRun=All</c>).</param>
/// <param name="FieldManager">Who makes the change (managedFields); kubectl names itself, e.g. kubectl-client-side-apply.</param>
/// <param name="Force">Server-side apply: take ownership of conflicting fields.</param>
public sealed record WriteOptions(bool DryRun = false, string? FieldManager = null, bool Force = false)
{
    /// <summary>For a Service write: the cluster IP and node ports the registry reserved for it, which the rules fill in.</summary>
    public Services.ServiceAllocation? Allocation { get; init; }

    /// <summary>Names one request across the registry's attempts at it, so a repeated attempt is not applied twice (see <see cref="ObjectCommand.RequestIdOf"/>).</summary>
    public Guid RequestId { get; init; }

    /// <summary>
    /// Where admission leaves warnings and audit annotations for the request (null: nobody listens). It stays on the
    /// member that took the request: the object's actor, wherever it lives, has no use for it.
    /// </summary>
    [JsonIgnore]
    public Admission.AdmissionNotes? Notes { get; init; }

    /// <summary>The requesting user's RBAC escalation check for writes of roles and bindings (null: the write is the cluster's own).</summary>
    [JsonIgnore]
    public Admission.IGrantCheck? Grants { get; init; }

    /// <summary>Admission for the requesting user, as NodeRestriction for node agents (null: nothing depends on who asks).</summary>
    [JsonIgnore]
    public Admission.IRequesterAdmission? Requester { get; init; }

    public static WriteOptions Default { get; } = new();
}

/// <summary>Kubernetes' DeleteOptions.</summary>
/// <param name="PropagationPolicy">Background (default), Foreground or Orphan.</param>
/// <param name="GracePeriodSeconds">0 removes at once; null takes the kind's default.</param>
public sealed record DeleteOptions(
    string? PropagationPolicy = null,
    long? GracePeriodSeconds = null,
    string? PreconditionUid = null,
    string? PreconditionResourceVersion = null,
    bool DryRun = false)
{
    /// <summary>As <see cref="WriteOptions.RequestId"/>.</summary>
    public Guid RequestId { get; init; }

    public static DeleteOptions Default { get; } = new();
}

/// <summary>The four patch formats of the Kubernetes API.</summary>
public enum PatchType
{
    /// <summary>RFC 6902, <c>application/json-patch+json</c>.</summary>
    Json,

    /// <summary>RFC 7386, <c>application/merge-patch+json</c>.</summary>
    Merge,

    /// <summary><c>application/strategic-merge-patch+json</c>, with the kinds' merge keys.</summary>
    StrategicMerge,

    /// <summary>Server-side apply, <c>application/apply-patch+yaml</c>.</summary>
    Apply,
}

/// <summary>What an object actor is asked to do; each answers an <see cref="ObjectReply"/> or an <see cref="ObjectFailure"/>.</summary>
public static class ObjectCommand
{
    public sealed record Get;

    public sealed record Create(JsonObject Object, WriteOptions Options);

    /// <summary>A full replacement (PUT) of the object or of one subresource ("status").</summary>
    public sealed record Update(JsonObject Object, string? Subresource, WriteOptions Options);

    /// <summary>A patch of the object or of its "status"; Apply creates the object when it is missing.</summary>
    public sealed record Patch(PatchType Type, JsonNode Body, string? Subresource, WriteOptions Options);

    public sealed record Delete(DeleteOptions Options);

    /// <summary>Binds a pod to a node (the pods/binding subresource).</summary>
    public sealed record Bind(string NodeName, WriteOptions Options);

    /// <summary>The request id a write command carries (empty for reads and for writes sent without one).</summary>
    public static Guid RequestIdOf(object command) => command switch
    {
        Create c => c.Options.RequestId,
        Update c => c.Options.RequestId,
        Patch c => c.Options.RequestId,
        Delete c => c.Options.RequestId,
        Bind c => c.Options.RequestId,
        _ => Guid.Empty,
    };

    /// <summary>The write command stamped with <paramref name="id"/>; reads unchanged.</summary>
    public static object WithRequestId(object command, Guid id) => command switch
    {
        Create c => c with { Options = c.Options with { RequestId = id } },
        Update c => c with { Options = c.Options with { RequestId = id } },
        Patch c => c with { Options = c.Options with { RequestId = id } },
        Delete c => c with { Options = c.Options with { RequestId = id } },
        Bind c => c with { Options = c.Options with { RequestId = id } },
        _ => command,
    };

    /// <summary>
    /// Stop after the commands before it (sharding's hand-off and passivation message). Unlike a
    /// PoisonPill it waits in line, so a write being persisted finishes and is answered first.
    /// </summary>
    public sealed record Stop
    {
        public static readonly Stop Instance = new();
    }
}

/// <summary>
/// The outcome of a command. The object travels as the UTF-8 JSON the API writes (the actor's own
/// state bytes when it was stored), not as a tree: the asker's reply then costs no second copy,
/// and nothing large stays reachable from the actor through its last sender.
/// </summary>
/// <param name="Json">The object as stored (with its resourceVersion), or as it would be for a dry run.</param>
/// <param name="ResourceVersion">The journal ordering the object carries; 0 when it was not stored (a dry run).</param>
/// <param name="Created">The write created the object (HTTP 201).</param>
/// <param name="Removed">The object is gone (a delete that did not wait for finalizers or grace).</param>
public sealed record ObjectReply(byte[] Json, long ResourceVersion = 0, bool Created = false, bool Removed = false)
{
    /// <summary>A fresh tree of the object, for callers that reshape it (scale, lists).</summary>
    public JsonObject ToJsonObject() => ObjectState.Parse(Json);
}

/// <summary>
/// A refused or failed command: everything of the <see cref="ApiException"/> the rules raised, as
/// a plain message, so it crosses the cluster's wire unchanged (an exception inside a
/// <c>Status.Failure</c> would lose its code, reason and causes on the way).
/// </summary>
public sealed record ObjectFailure(int Code, string Reason, string Message, StatusDetails? Details = null, int? RetryAfterSeconds = null)
{
    public static ObjectFailure From(ApiException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Code, e.Reason, e.Message, e.Details, e.RetryAfterSeconds);
    }

    public ApiException ToException() => new(Code, Reason, Message, Details) { RetryAfterSeconds = RetryAfterSeconds };
}
