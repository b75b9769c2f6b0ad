using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// IPAddresses (pkg/apis/networking/validation ValidateIPAddress): named by an IP in canonical form, with a parent
/// reference that never changes. The Service allocator creates one per cluster IP it hands out.
/// </summary>
internal sealed class IPAddressStrategy : ResourceStrategy
{
    public IPAddressStrategy()
        : base(BuiltInKinds.IPAddress)
    {
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var name = ObjectMeta.Name(obj);
        if (!System.Net.IPAddress.TryParse(name, out var ip) || !NameRules.IsIp(name) || ip.ToString() != name)
        {
            causes.Invalid("metadata.name", name, "must be a canonical format IP address");
        }

        ReservationRules.ValidateParentRef(obj, causes);
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes) => ReservationRules.ValidateUnchanged(updated, old, causes);
}

/// <summary>The registry's node-port reservations: named by a port number, with a parent reference that never changes.</summary>
internal sealed class ServiceNodePortStrategy : ResourceStrategy
{
    public ServiceNodePortStrategy()
        : base(BuiltInKinds.ServiceNodePort)
    {
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var name = ObjectMeta.Name(obj);
        if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535 || port.ToString(CultureInfo.InvariantCulture) != name)
        {
            causes.Invalid("metadata.name", name, "must be a port number between 1 and 65535");
        }

        ReservationRules.ValidateParentRef(obj, causes);
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes) => ReservationRules.ValidateUnchanged(updated, old, causes);
}

/// <summary>What both reservation kinds require of their spec.</summary>
internal static class ReservationRules
{
    public static void ValidateParentRef(JsonObject obj, Causes causes)
    {
        if (JsonFields.Obj(JsonFields.Obj(obj, "spec"), "parentRef") is not { } parent)
        {
            causes.Required("spec.parentRef");
            return;
        }

        foreach (var field in (ReadOnlySpan<string>)["resource", "name"])
        {
            if (string.IsNullOrEmpty(JsonFields.Str(parent, field)))
            {
                causes.Required("spec.parentRef." + field);
            }
        }
    }

    public static void ValidateUnchanged(JsonObject updated, JsonObject old, Causes causes) =>
        causes.ImmutableField("spec.parentRef", updated["spec"]?["parentRef"], old["spec"]?["parentRef"]);
}
