using System.Security.Cryptography.X509Certificates;

namespace Cluster.Api.Security.Authentication;

/// <summary>
/// A client certificate's user, as upstream's <c>CommonNameUserConversion</c>: the subject's CN is the user name and
/// each O is a group.
/// </summary>
public static class ClientCertificateIdentity
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>The user, or null when the subject has no CN (upstream refuses such a certificate).</summary>
    public static UserInfo? From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        string? name = null;
        var groups = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            var type = rdn.GetSingleElementType().Value;
            var value = rdn.GetSingleElementValue();
            if (type == CommonNameOid && !string.IsNullOrEmpty(value))
            {
                name = value;
            }
            else if (type == OrganizationOid && !string.IsNullOrEmpty(value))
            {
                groups.Add(value);
            }
        }

        return name is null ? null : new UserInfo(name, groups);
    }
}
