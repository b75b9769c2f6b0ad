namespace Cluster.Api.Tables;

/// <summary>Column definitions shared by several kinds, with the descriptions the API server sends.</summary>
internal static class Columns
{
    public const string NameDoc =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    public const string CreationTimestampDoc =
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public const string SelectorDoc = "A label query over pods that should match the replica count. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";

    public static TableColumn Name { get; } = new("Name", "string", "name", NameDoc, 0);

    public static TableColumn Age { get; } = new("Age", "string", "", CreationTimestampDoc, 0);

    public static TableColumn Containers { get; } = Wide("Containers", "Names of each container in the template.");

    public static TableColumn Images { get; } = Wide("Images", "Images referenced by each container in the template.");

    public static TableColumn Str(string name, string description) => new(name, "string", "", description, 0);

    public static TableColumn Int(string name, string description) => new(name, "integer", "", description, 0);

    public static TableColumn Wide(string name, string description) => new(name, "string", "", description, 1);

    /// <summary>The wide CONTAINERS, IMAGES and SELECTOR columns of the kinds with a pod template.</summary>
    public static TableColumn[] Template(string selectorDescription) => [Containers, Images, Wide("Selector", selectorDescription)];

    /// <summary>The cells of <see cref="Template"/>: the template's containers and images, and the printed selector.</summary>
    public static object?[] TemplateCells(System.Text.Json.Nodes.JsonNode? podSpec, string selector)
    {
        var (names, images) = Layout(podSpec);
        return [names, images, selector];
    }

    /// <summary>layoutContainerCells: container names and images, each comma-joined in template order.</summary>
    public static (string Names, string Images) Layout(System.Text.Json.Nodes.JsonNode? podSpec)
    {
        var containers = JsonRead.Objects(podSpec, "containers").ToArray();
        return (string.Join(",", containers.Select(c => JsonRead.Str(c, "name"))),
            string.Join(",", containers.Select(c => JsonRead.Str(c, "image"))));
    }
}
