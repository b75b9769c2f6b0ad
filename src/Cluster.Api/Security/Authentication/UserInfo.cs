namespace Cluster.Api.Security.Authentication;

/// <summary>Who made a request: user name, groups (system:authenticated included), uid and extra, as upstream's user.Info.</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups, string Uid = "", IReadOnlyDictionary<string, IReadOnlyList<string>>? Extra = null);
