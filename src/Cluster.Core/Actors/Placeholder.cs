namespace Cluster.Core.Actors;

internal static class Placeholder;
