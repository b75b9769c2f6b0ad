namespace Cluster.Core.Registry.Patching;

/// <summary>The Status errors patch engines raise, worded as the Kubernetes API server words them.</summary>
internal static class PatchErrors
{
    /// <summary>
    /// The API server answers a patch that decodes but cannot apply with this generic 422
    /// (apimachinery's NewGenericServerResponse); the engine's own text goes into a cause so
    /// kubectl prints it under the headline instead of dropping it.
    /// </summary>
    public const string UnprocessableMessage = "the server rejected our request due to an error in our request";

    public static ApiException BadRequest(string message) => ApiException.BadRequest(message);

    public static ApiException Unprocessable(string detail) =>
        new(422, "Invalid", UnprocessableMessage, new StatusDetails(null, null, null, Causes: [new StatusCause("FieldValueInvalid", detail)]));
}
