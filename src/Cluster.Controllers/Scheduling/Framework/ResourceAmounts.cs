using k8s.Models;

namespace Cluster.Controllers.Scheduling.Framework;

/// <summary>
/// An amount of each schedulable resource (upstream's framework.Resource): cpu in millicores, memory and
/// ephemeral storage in bytes, extended resources (<c>example.com/gpu</c>, <c>hugepages-2Mi</c>) by name.
/// Mutable so a node's running totals change in place as pods come and go.
/// </summary>
public sealed class ResourceAmounts
{
    public long MilliCpu { get; set; }

    public long Memory { get; set; }

    public long EphemeralStorage { get; set; }

    /// <summary>Extended and hugepages resources; null while there are none (almost always).</summary>
    public Dictionary<string, long>? Scalars { get; private set; }

    public static ResourceAmounts From(IDictionary<string, ResourceQuantity>? list)
    {
        var amounts = new ResourceAmounts();
        amounts.Add(list);
        return amounts;
    }

    public ResourceAmounts Clone() => new()
    {
        MilliCpu = MilliCpu,
        Memory = Memory,
        EphemeralStorage = EphemeralStorage,
        Scalars = Scalars is null ? null : new Dictionary<string, long>(Scalars, StringComparer.Ordinal),
    };

    public long Scalar(string name) => Scalars is not null && Scalars.TryGetValue(name, out var value) ? value : 0;

    public void SetScalar(string name, long value)
    {
        Scalars ??= new Dictionary<string, long>(StringComparer.Ordinal);
        Scalars[name] = value;
    }

    /// <summary>Adds a resource list (a container's requests, a node's allocatable, a pod's overhead).</summary>
    public void Add(IDictionary<string, ResourceQuantity>? list)
    {
        if (list is null)
        {
            return;
        }

        foreach (var (name, quantity) in list)
        {
            switch (name)
            {
                case "cpu":
                    MilliCpu += MilliValue(quantity);
                    break;
                case "memory":
                    Memory += Value(quantity);
                    break;
                case "ephemeral-storage":
                    EphemeralStorage += Value(quantity);
                    break;
                case "pods":
                    break;
                default:
                    if (IsScalar(name))
                    {
                        SetScalar(name, Scalar(name) + Value(quantity));
                    }

                    break;
            }
        }
    }

    public void Add(ResourceAmounts other, int sign = 1)
    {
        MilliCpu += sign * other.MilliCpu;
        Memory += sign * other.Memory;
        EphemeralStorage += sign * other.EphemeralStorage;
        if (other.Scalars is not null)
        {
            foreach (var (name, value) in other.Scalars)
            {
                SetScalar(name, Scalar(name) + (sign * value));
            }
        }
    }

    /// <summary>Raises each amount to at least <paramref name="other"/>'s (an init container runs alone, so a pod needs the largest of them).</summary>
    public void Max(ResourceAmounts other)
    {
        MilliCpu = Math.Max(MilliCpu, other.MilliCpu);
        Memory = Math.Max(Memory, other.Memory);
        EphemeralStorage = Math.Max(EphemeralStorage, other.EphemeralStorage);
        if (other.Scalars is not null)
        {
            foreach (var (name, value) in other.Scalars)
            {
                SetScalar(name, Math.Max(Scalar(name), value));
            }
        }
    }

    /// <summary>Extended resources (a domain-qualified name outside kubernetes.io), hugepages and attachable volumes count; requests.* and native names do not.</summary>
    public static bool IsScalar(string name) =>
        name.StartsWith("hugepages-", StringComparison.Ordinal)
        || name.StartsWith("attachable-volumes-", StringComparison.Ordinal)
        || (name.Contains('/', StringComparison.Ordinal) && !name.StartsWith("requests.", StringComparison.Ordinal)
            && !name.StartsWith("kubernetes.io/", StringComparison.Ordinal) && !name.Contains(".kubernetes.io/", StringComparison.Ordinal));

    /// <summary>A quantity in thousandths, rounded up (resource.Quantity.MilliValue).</summary>
    public static long MilliValue(ResourceQuantity quantity) => (long)Math.Ceiling(Clamp(quantity.ToDecimal() * 1000m));

    /// <summary>A quantity rounded up to a whole number (resource.Quantity.Value).</summary>
    public static long Value(ResourceQuantity quantity) => (long)Math.Ceiling(Clamp(quantity.ToDecimal()));

    private static decimal Clamp(decimal value) => Math.Clamp(value, long.MinValue, long.MaxValue);
}
