using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using static Cluster.Api.Tables.JsonRead;

namespace Cluster.Api.Tables;

/// <summary>Rows of the simpler core/v1 and coordination.k8s.io/v1 kinds.</summary>
internal static class CorePrinters
{
    public static ITableConverter Namespace { get; } = new TableConverter(
        [Columns.Name, Columns.Str("Status", "The status of the namespace"), Columns.Age],
        // The namespace strategy always sets the phase; Active is what a new namespace gets.
        (obj, now) => [Name(obj), Str(obj, "status", "phase") is { Length: > 0 } phase ? phase : "Active", Age(obj, now)]);

    public static ITableConverter ConfigMap { get; } = new TableConverter(
        [Columns.Name, Columns.Int("Data", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."), Columns.Age],
        (obj, now) => [Name(obj), (long)(Count(obj, "data") + Count(obj, "binaryData")), Age(obj, now)]);

    public static ITableConverter Secret { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Type", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
            Columns.Int("Data", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
            Columns.Age,
        ],
        (obj, now) => [Name(obj), Str(obj, "type") is { Length: > 0 } type ? type : "Opaque", (long)Count(obj, "data"), Age(obj, now)]);

    public static ITableConverter ServiceAccount { get; } = new TableConverter(
        [Columns.Name, Columns.Int("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), Columns.Age],
        (obj, now) => [Name(obj), (long)Count(obj, "secrets"), Age(obj, now)]);

    public static ITableConverter Lease { get; } = new TableConverter(
        [Columns.Name, Columns.Str("Holder", "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field."), Columns.Age],
        (obj, now) => [Name(obj), Str(obj, "spec", "holderIdentity"), Age(obj, now)]);

    public static ITableConverter ResourceQuota { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
            Columns.Str("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
            Columns.Age,
        ],
        ResourceQuotaCells);

    public static ITableConverter Endpoints { get; } = new TableConverter(
        [Columns.Name, Columns.Str("Endpoints", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service."), Columns.Age],
        (obj, now) => [Name(obj), FormatEndpoints(obj), Age(obj, now)]);

    /// <summary>
    /// "Used/hard" per resource, sorted by name; resources named limits.* go to LIMIT, the rest to REQUEST.
    /// Quantities print as stored (the real server stores them canonicalized).
    /// </summary>
    private static object?[] ResourceQuotaCells(JsonObject obj, DateTimeOffset now)
    {
        var hard = Obj(obj, "status", "hard");
        var used = Obj(obj, "status", "used");
        var request = new StringBuilder();
        var limit = new StringBuilder();
        foreach (var resource in (hard?.Select(kv => kv.Key) ?? []).Order(StringComparer.Ordinal))
        {
            var w = resource.Split('.') is [ "limits", _, .. ] ? limit : request;
            var usedQuantity = Str(used, resource) is { Length: > 0 } u ? u : "0";
            w.Append(CultureInfo.InvariantCulture, $"{resource}: {usedQuantity}/{Str(hard, resource)}, ");
        }

        return [Name(obj), TrimSeparator(request), TrimSeparator(limit), Age(obj, now)];
    }

    private static string TrimSeparator(StringBuilder sb) => sb.ToString().EndsWith(", ", StringComparison.Ordinal) ? sb.ToString()[..^2] : sb.ToString();

    /// <summary>formatEndpoints: up to three ip:port pairs, then "+ N more...".</summary>
    private static string FormatEndpoints(JsonObject obj)
    {
        var subsets = Objects(obj, "subsets").ToArray();
        if (subsets.Length == 0)
        {
            return "<none>";
        }

        // Headless services may have addresses without ports.
        var entries = new List<string>();
        foreach (var subset in subsets)
        {
            var addresses = Objects(subset, "addresses").Select(a => Str(a, "ip")).ToArray();
            var ports = Objects(subset, "ports").ToArray();
            entries.AddRange(ports.Length == 0 ? addresses : ports.SelectMany(p => addresses.Select(ip => JoinHostPort(ip, Int(p, "port")))));
        }

        return FirstThree(entries);
    }

    private static string JoinHostPort(string host, long port) =>
        host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{host}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");
}
