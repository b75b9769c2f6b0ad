using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Validation;

/// <summary>
/// Validation of <c>metadata.ownerReferences</c> and <c>metadata.finalizers</c> as upstream: errors
/// name the list (<c>metadata.ownerReferences.uid</c>), not the entry, as a real API server does.
/// </summary>
public static class OwnerReferenceValidation
{
    private const string OrphanFinalizer = "orphan";
    private const string ForegroundFinalizer = "foregroundDeletion";

    public static IReadOnlyList<StatusCause> Validate(JsonNode? ownerReferences, string path)
    {
        var causes = new List<StatusCause>();
        if (ownerReferences is null)
        {
            return causes;
        }

        if (ownerReferences is not JsonArray array)
        {
            causes.Add(FieldErrors.TypeInvalid(path, ownerReferences, "must be of type array"));
            return causes;
        }

        string? firstController = null;
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject reference)
            {
                causes.Add(FieldErrors.TypeInvalid($"{path}[{i}]", array[i], "must be of type object"));
                continue;
            }

            var apiVersion = LabelValidation.StringField(reference, "apiVersion", path, causes) ?? "";
            var kind = LabelValidation.StringField(reference, "kind", path, causes) ?? "";
            var name = LabelValidation.StringField(reference, "name", path, causes) ?? "";
            var uid = LabelValidation.StringField(reference, "uid", path, causes) ?? "";
            var (group, version) = ResourceKind.ParseGroupVersion(apiVersion);
            if (version.Length == 0)
            {
                causes.Add(FieldErrors.Invalid(path + ".apiVersion", apiVersion, "version must not be empty"));
            }

            if (kind.Length == 0)
            {
                causes.Add(FieldErrors.Invalid(path + ".kind", kind, "must not be empty"));
            }

            if (name.Length == 0)
            {
                causes.Add(FieldErrors.Invalid(path + ".name", name, "must not be empty"));
            }

            if (uid.Length == 0)
            {
                causes.Add(FieldErrors.Invalid(path + ".uid", uid, "must not be empty"));
            }

            if (group.Length == 0 && version == "v1" && kind == "Event")
            {
                causes.Add(FieldErrors.Invalid(path, reference, "/v1, Kind=Event is disallowed from being an owner"));
            }

            if (reference["controller"] is JsonValue c && c.TryGetValue<bool>(out var isController) && isController)
            {
                var current = kind + "/" + name;
                if (firstController is null)
                {
                    firstController = current;
                }
                else
                {
                    causes.Add(FieldErrors.Invalid(path, array, $"Only one reference can have Controller set to true. Found \"true\" in references for {firstController} and {current}"));
                }
            }
        }

        return causes;
    }

    /// <summary>Finalizer names are qualified names; "orphan" and "foregroundDeletion" exclude each other.</summary>
    public static IReadOnlyList<StatusCause> ValidateFinalizers(JsonNode? finalizers, string path)
    {
        var causes = new List<StatusCause>();
        if (finalizers is null)
        {
            return causes;
        }

        if (finalizers is not JsonArray array)
        {
            causes.Add(FieldErrors.TypeInvalid(path, finalizers, "must be of type array"));
            return causes;
        }

        var names = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue v && v.TryGetValue<string>(out var name))
            {
                names.Add(name);
                causes.AddRange(NameValidation.IsQualifiedName(name).Select(m => FieldErrors.Invalid(path, name, m)));
            }
            else
            {
                causes.Add(FieldErrors.TypeInvalid($"{path}[{i}]", array[i], "must be of type string"));
            }
        }

        if (names.Contains(OrphanFinalizer) && names.Contains(ForegroundFinalizer))
        {
            causes.Add(FieldErrors.Invalid(path, array, $"finalizer {OrphanFinalizer} and {ForegroundFinalizer} cannot be both set"));
        }

        return causes;
    }
}
