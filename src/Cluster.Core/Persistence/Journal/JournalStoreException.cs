namespace Cluster.Core.Persistence.Journal;

/// <summary>
/// The store itself failed or cannot be used (unreachable server, corrupt or unreadable file,
/// schema newer than this build). Not a rejection: when a write throws it, nothing is known about
/// the batch and every writer in it must treat its write as failed.
/// </summary>
public sealed class JournalStoreException : Exception
{
    public JournalStoreException()
    {
    }

    public JournalStoreException(string message)
        : base(message)
    {
    }

    public JournalStoreException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
