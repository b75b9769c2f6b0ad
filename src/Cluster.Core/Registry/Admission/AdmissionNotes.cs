namespace Cluster.Core.Registry.Admission;

/// <summary>
/// What admission hands back to the request that caused it besides a yes or no (upstream's warning recorder and
/// audit annotations): warnings the API sends as <c>Warning</c> headers, and audit annotations for the request's
/// audit event. A request gets one collector (<see cref="Objects.WriteOptions.Notes"/>); writes made by the
/// controllers carry none, and what admission would note for them is dropped, as nobody reads it.
/// </summary>
public sealed class AdmissionNotes
{
    private readonly Lock _lock = new();
    private readonly List<string> _warnings = [];
    private readonly List<KeyValuePair<string, string>> _annotations = [];

    /// <summary>The warnings in the order they were added, each once.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_lock)
            {
                return [.. _warnings];
            }
        }
    }

    /// <summary>The audit annotations, keyed as upstream's (e.g. <c>pod-security.kubernetes.io/audit-violations</c>); a later value for a key replaces the earlier one.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AuditAnnotations
    {
        get
        {
            lock (_lock)
            {
                return [.. _annotations];
            }
        }
    }

    public void Warn(string text)
    {
        lock (_lock)
        {
            // Upstream's recorder drops a repeat of the same text as well.
            if (!_warnings.Contains(text, StringComparer.Ordinal))
            {
                _warnings.Add(text);
            }
        }
    }

    public void Annotate(string key, string value)
    {
        lock (_lock)
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
    }
}
