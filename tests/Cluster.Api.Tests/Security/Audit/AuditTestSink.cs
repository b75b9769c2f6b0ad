using System.Text;
using System.Text.Json.Nodes;
using Cluster.Api.Security.Audit;

namespace Cluster.Api.Tests.Security.Audit;

/// <summary>Keeps the lines the audit log writes; can hold the writer inside a batch to fill the queue.</summary>
internal sealed class AuditTestSink : IAuditSink
{
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim? _gate;

    public AuditTestSink(bool blocked = false)
    {
        _gate = blocked ? new SemaphoreSlim(0) : null;
    }

    /// <summary>Set when the writer has taken its first batch (and, when blocked, waits in it).</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IReadOnlyList<JsonObject> Events => [.. Lines.Select(l => (JsonObject)JsonNode.Parse(l)!)];

    public void Release() => _gate?.Release(int.MaxValue / 2);

    public void Write(IReadOnlyList<byte[]> lines)
    {
        Entered.TrySetResult();
        _gate?.Wait();
        lock (_lines)
        {
            _lines.AddRange(lines.Select(l => Encoding.UTF8.GetString(l).TrimEnd('\n')));
        }
    }

    public void Dispose() => _gate?.Dispose();
}
