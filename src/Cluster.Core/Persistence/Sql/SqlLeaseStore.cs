namespace Cluster.Core.Persistence.Sql;

/// <summary>
/// The <c>lease</c> table: one row per lease, taken by an atomic upsert that succeeds only for
/// the current holder or once the holder's time ran out (by the database's clock, so hosts' clocks
/// never disagree about it). The fencing counter grows with every change of holder.
/// </summary>
internal sealed class SqlLeaseStore(SqlDatabase database)
{
    /// <summary>Takes or renews <paramref name="name"/> for <paramref name="owner"/>; the fencing counter when held, null when another holds it.</summary>
    public async Task<long?> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = database.NowMillis;
        var sql =
            $"INSERT INTO lease (name, owner, expires, fencing) VALUES (@name, @owner, {now} + @ttl, 1) " +
            "ON CONFLICT (name) DO UPDATE SET " +
            "fencing = CASE WHEN lease.owner = excluded.owner AND lease.expires >= " + now + " THEN lease.fencing ELSE lease.fencing + 1 END, " +
            "owner = excluded.owner, expires = excluded.expires " +
            $"WHERE lease.owner = excluded.owner OR lease.expires < {now} " +
            "RETURNING fencing";
        return await database.InWriteTransactionAsync(exclusive: false, async (connection, transaction) =>
        {
            await using var command = SqlCommands.Create(connection, transaction, sql, ("@name", name), ("@owner", owner), ("@ttl", (long)ttl.TotalMilliseconds));
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is null or DBNull ? (long?)null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Extends the holder's time; false when the lease is no longer this holder's (taken over after it ran out).</summary>
    public Task<bool> RenewAsync(string name, string owner, long fencing, TimeSpan ttl, CancellationToken cancellationToken) =>
        UpdateOneAsync($"UPDATE lease SET expires = {database.NowMillis} + @ttl WHERE name = @name AND owner = @owner AND fencing = @fencing", cancellationToken,
            ("@name", name), ("@owner", owner), ("@fencing", fencing), ("@ttl", (long)ttl.TotalMilliseconds));

    /// <summary>Gives the lease up at once (the next owner need not wait for it to run out).</summary>
    public Task<bool> ReleaseAsync(string name, string owner, long fencing, CancellationToken cancellationToken) =>
        UpdateOneAsync("UPDATE lease SET expires = 0 WHERE name = @name AND owner = @owner AND fencing = @fencing", cancellationToken,
            ("@name", name), ("@owner", owner), ("@fencing", fencing));

    private Task<bool> UpdateOneAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.InWriteTransactionAsync(exclusive: false, async (connection, transaction) =>
            await SqlCommands.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters).ConfigureAwait(false) == 1,
            cancellationToken);
}
