using System.Globalization;
using System.Text;
using Cluster.Core.Coordination;

namespace Cluster.Core.Persistence.Sql;

/// <summary>
/// The <c>lease</c> table: one row per lease, taken by an atomic upsert that succeeds only for
/// the current holder or once the holder's time ran out (by the database's clock, so hosts' clocks
/// never disagree about it). The fencing counter grows with every change of holder.
/// </summary>
internal sealed class SqlLeaseStore(SqlDatabase database) : ILeaseTable
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SqlDatabase, SqlLeaseStore> Stores = new();

    /// <summary>Most names renewed by one statement (well under either database's parameter limit).</summary>
    private const int RenewChunk = 500;

    /// <summary>The lease table of <paramref name="database"/> (one per database, so its leases share one heartbeat).</summary>
    public static SqlLeaseStore For(SqlDatabase database) => Stores.GetValue(database, d => new SqlLeaseStore(d));

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
            return value is null or DBNull ? (long?)null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One <c>UPDATE ... RETURNING</c> per 500 names. A released lease (expires 0) is left alone,
    /// so a renewal that crosses a release does not hold the lease again.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> RenewAsync(string owner, IReadOnlyCollection<string> names, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var renewed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in names.Chunk(RenewChunk))
        {
            var sql = new StringBuilder($"UPDATE lease SET expires = {database.NowMillis} + @ttl WHERE owner = @owner AND expires > 0 AND name IN (");
            var parameters = new (string Name, object? Value)[chunk.Length + 2];
            parameters[0] = ("@ttl", (long)ttl.TotalMilliseconds);
            parameters[1] = ("@owner", owner);
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "@n" : ", @n").Append(i.ToString(CultureInfo.InvariantCulture));
                parameters[i + 2] = ("@n" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
            }

            sql.Append(") RETURNING name, fencing");
            await database.InWriteTransactionAsync(exclusive: false, async (connection, transaction) =>
            {
                await using var command = SqlCommands.Create(connection, transaction, sql.ToString(), parameters);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    renewed[reader.GetString(0)] = reader.GetInt64(1);
                }

                return 0;
            }, cancellationToken).ConfigureAwait(false);
        }

        return renewed;
    }

    public async Task<bool> ReleaseAsync(string name, string owner, long fencing, CancellationToken cancellationToken) =>
        await database.InWriteTransactionAsync(exclusive: false, async (connection, transaction) =>
            await SqlCommands.ExecuteAsync(connection, transaction, "UPDATE lease SET expires = 0 WHERE name = @name AND owner = @owner AND fencing = @fencing", cancellationToken,
                ("@name", name), ("@owner", owner), ("@fencing", fencing)).ConfigureAwait(false) == 1,
            cancellationToken).ConfigureAwait(false);
}
