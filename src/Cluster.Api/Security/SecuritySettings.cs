using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Api.Security;

/// <summary>
/// How the API server is guarded (configuration section <c>api</c>: <c>insecure-http</c>, <c>tls</c>,
/// <c>authentication</c>, <c>authorization</c>). HTTPS with the cluster CA, client certificates and RBAC by default.
/// </summary>
public sealed record SecuritySettings
{
    /// <summary>api.insecure-http (flag --insecure-http): plain HTTP, for development on loopback only.</summary>
    public bool InsecureHttp { get; init; }

    /// <summary>api.tls.ca-cert-file: the cluster CA's certificate (PEM) to use; empty: created in DATA-DIR/pki on first start.</summary>
    public string CaCertFile { get; init; } = "";

    /// <summary>api.tls.ca-key-file: the cluster CA's private key (PEM), with <see cref="CaCertFile"/>.</summary>
    public string CaKeyFile { get; init; } = "";

    /// <summary>api.tls.extra-sans: names and IP addresses the serving certificate carries besides the built-in ones.</summary>
    public IReadOnlyList<string> ExtraSans { get; init; } = [];

    /// <summary>api.tls.serving-validity: how long a serving certificate is valid.</summary>
    public TimeSpan ServingValidity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>api.tls.renew-before: the serving certificate is reissued, without a restart, when less than this is left.</summary>
    public TimeSpan RenewBefore { get; init; } = TimeSpan.FromDays(30);

    /// <summary>api.tls.client-validity: how long a client certificate issued by the node (admin, users) is valid.</summary>
    public TimeSpan ClientValidity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>api.tls.service-account-key-file: the PEM ECDSA P-256 key ServiceAccount tokens are signed with; empty: DATA-DIR/pki/sa.key.</summary>
    public string ServiceAccountKeyFile { get; init; } = "";

    /// <summary>api.service-account-issuer: the iss of ServiceAccount tokens, and the audience the API accepts (upstream's --service-account-issuer).</summary>
    public string ServiceAccountIssuer { get; init; } = ServiceAccounts.ServiceAccountTokens.DefaultIssuer;

    /// <summary>api.authentication.token-file: static bearer tokens, CSV lines token,user,uid,"group1,group2" (upstream's --token-auth-file).</summary>
    public string TokenFile { get; init; } = "";

    /// <summary>api.authentication.anonymous: serve requests without credentials as system:anonymous (RBAC still decides).</summary>
    public bool Anonymous { get; init; }

    public const string NodeRbacMode = "Node,RBAC";
    public const string RbacMode = "RBAC";
    public const string AlwaysAllowMode = "AlwaysAllow";

    /// <summary>
    /// api.authorization.mode: Node,RBAC (the Node authorizer for node agents, then RBAC, as upstream's usual
    /// --authorization-mode), RBAC alone, or AlwaysAllow (every authenticated request allowed, as upstream's mode of that name).
    /// </summary>
    public string AuthorizationMode { get; init; } = NodeRbacMode;

    public bool AlwaysAllow => AuthorizationMode == AlwaysAllowMode;

    public static SecuritySettings Default { get; } = new();

    public static SecuritySettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(ApiServerSettings.SectionName);
        var d = Default;
        var settings = new SecuritySettings
        {
            InsecureHttp = SettingsReader.Bool(section, "insecure-http", d.InsecureHttp),
            CaCertFile = SettingsReader.String(section, "tls:ca-cert-file", d.CaCertFile),
            CaKeyFile = SettingsReader.String(section, "tls:ca-key-file", d.CaKeyFile),
            ExtraSans = SettingsReader.List(section, "tls:extra-sans"),
            ServingValidity = SettingsReader.Duration(section, "tls:serving-validity", d.ServingValidity),
            RenewBefore = SettingsReader.Duration(section, "tls:renew-before", d.RenewBefore),
            ClientValidity = SettingsReader.Duration(section, "tls:client-validity", d.ClientValidity),
            ServiceAccountKeyFile = SettingsReader.String(section, "tls:service-account-key-file", d.ServiceAccountKeyFile),
            ServiceAccountIssuer = SettingsReader.String(section, "service-account-issuer", d.ServiceAccountIssuer),
            TokenFile = SettingsReader.String(section, "authentication:token-file", d.TokenFile),
            Anonymous = SettingsReader.Bool(section, "authentication:anonymous", d.Anonymous),
            AuthorizationMode = SettingsReader.String(section, "authorization:mode", d.AuthorizationMode),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require((CaCertFile.Length == 0) == (CaKeyFile.Length == 0), "api.tls.ca-key-file", CaKeyFile, "must be given together with api.tls.ca-cert-file");
        SettingsException.Require(ServingValidity > TimeSpan.FromMinutes(1), "api.tls.serving-validity", ServingValidity, "must be longer than a minute");
        SettingsException.Require(RenewBefore > TimeSpan.Zero && RenewBefore < ServingValidity, "api.tls.renew-before", RenewBefore, "must be positive and shorter than api.tls.serving-validity");
        SettingsException.Require(ClientValidity > TimeSpan.FromMinutes(1), "api.tls.client-validity", ClientValidity, "must be longer than a minute");
        SettingsException.Require(ServiceAccountIssuer.Contains(':', StringComparison.Ordinal), "api.service-account-issuer", ServiceAccountIssuer, "must be a URL (or another name with a colon, as upstream requires)");
        SettingsException.Require(AuthorizationMode is NodeRbacMode or RbacMode or AlwaysAllowMode, "api.authorization.mode", AuthorizationMode, "must be Node,RBAC, RBAC or AlwaysAllow");
    }

    /// <summary>Plain HTTP is refused on any address but loopback: credentials would cross the network in clear.</summary>
    public void ValidateAddress(string host)
    {
        var loopback = host == "localhost" || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
        SettingsException.Require(!InsecureHttp || loopback, "api.insecure-http", InsecureHttp, $"is for development on loopback only; api.address is {host}");
    }
}
