namespace Cluster.Api;

internal static class Placeholder;
