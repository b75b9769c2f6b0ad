namespace Cluster.Controllers;

internal static class Placeholder;
