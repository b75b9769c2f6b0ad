using System.Collections.Frozen;
using static Cluster.Core.Registry.Schemas.SchemaDsl;

namespace Cluster.Core.Registry.Schemas;

/// <summary>
/// The object definitions of the served kinds, by name and by group-version-kind. One catalog
/// feeds both the server's field validation and the published OpenAPI documents, so what kubectl
/// reads and what the server enforces cannot drift apart.
/// </summary>
public sealed class SchemaCatalog
{
    private readonly FrozenDictionary<string, ObjectSchema> _byName;
    private readonly FrozenDictionary<GroupVersionKind, ObjectSchema> _byGvk;

    /// <exception cref="InvalidOperationException">A definition refers to a name no definition has.</exception>
    public SchemaCatalog(IEnumerable<ObjectSchema> definitions)
    {
        _byName = definitions.ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);
        _byGvk = _byName.Values.Where(d => d.Gvk is not null).ToFrozenDictionary(d => d.Gvk!);
        var missing = _byName.Values
            .SelectMany(d => d.Properties.Select(p => (Definition: d.Name, Ref: RefOf(p.Schema))))
            .Where(r => r.Ref is not null && !_byName.ContainsKey(r.Ref))
            .Select(r => r.Definition + " -> " + r.Ref)
            .ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException("Unresolved schema references: " + string.Join(", ", missing));
        }
    }

    /// <summary>The definitions of every built-in kind, their lists, and what they reference.</summary>
    public static SchemaCatalog BuiltIn { get; } = new(BuiltInDefinitions());

    public IEnumerable<ObjectSchema> Definitions => _byName.Values;

    public ObjectSchema? Find(string name) => _byName.GetValueOrDefault(name);

    public ObjectSchema? ForKind(ResourceKind kind) => _byGvk.GetValueOrDefault(new GroupVersionKind(kind.Group, kind.Version, kind.Kind));

    public ObjectSchema? ForGvk(GroupVersionKind gvk) => _byGvk.GetValueOrDefault(gvk);

    /// <summary>The roots and every definition they reach, ordered by name.</summary>
    public IReadOnlyList<ObjectSchema> Closure(IEnumerable<ObjectSchema> roots)
    {
        var seen = new SortedDictionary<string, ObjectSchema>(StringComparer.Ordinal);
        var pending = new Stack<ObjectSchema>(roots);
        while (pending.TryPop(out var next))
        {
            if (!seen.TryAdd(next.Name, next))
            {
                continue;
            }

            foreach (var property in next.Properties)
            {
                if (RefOf(property.Schema) is { } name && _byName.TryGetValue(name, out var referenced))
                {
                    pending.Push(referenced);
                }
            }
        }

        return [.. seen.Values];
    }

    /// <summary>The definition an object, a map of objects or a list of objects refers to.</summary>
    public static string? RefOf(SchemaNode node) => node.Ref ?? (node.Items is { } items ? RefOf(items) : null);

    private static IEnumerable<ObjectSchema> BuiltInDefinitions()
    {
        ObjectSchema[] definitions =
        [
            .. MetaV1Schemas.Definitions(),
            .. RbacPolicySchemas.Definitions(),
            .. NetworkingV1Schemas.Definitions(),
            .. StorageMiscSchemas.Definitions(),
            .. AutoscalingEventsSchemas.Definitions(),
            .. CoreV1PodSchemas.Definitions(),
            .. CoreV1SchedulingSchemas.Definitions(),
            .. CoreV1VolumeSchemas.Definitions(),
            .. CoreV1StatusSchemas.Definitions(),
            .. CoreV1Schemas.Definitions(),
            .. AppsV1Schemas.Definitions(),
            .. BatchV1Schemas.Definitions(),
        ];
        var served = BuiltInKinds.All.Select(k => new GroupVersionKind(k.Group, k.Version, k.Kind)).ToHashSet();
        var lists = definitions.Where(d => d.Gvk is { } gvk && served.Contains(gvk)).Select(ListDefinition).ToArray();
        return [.. definitions, .. lists];
    }

    /// <summary>The <c>FooList</c> definition list responses use: metadata and items.</summary>
    private static ObjectSchema ListDefinition(ObjectSchema kind) =>
        new(kind.Name + "List", kind.Gvk!.Kind + "List is a list of " + kind.Gvk.Kind + " objects.",
            [
                .. TypeMeta(),
                P("metadata", Meta("ListMeta"), "Standard list metadata."),
                P("items", ListOf(Ref(kind.Name)), "List of " + kind.Gvk.Kind + " objects.").Req(),
            ],
            kind.Gvk with { Kind = kind.Gvk.Kind + "List" });
}
