namespace Cluster.Node.Tests.Kubectl;

/// <summary>The manifests the scenarios apply, parameterised by namespace so tests sharing a node stay apart.</summary>
public static class Manifests
{
    /// <summary>
    /// A small application: its namespace, a ConfigMap, a Deployment, a Service and a Pod. The later version
    /// (<paramref name="revised"/>) changes the ConfigMap's mode and the image and drops the DEBUG env entry;
    /// the Service and the Pod stay the same.
    /// </summary>
    public static string Shop(string ns, bool revised = false) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {ns}
          labels:
            team: web
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: {ns}
          labels:
            app: web
        data:
          mode: {(revised ? "green" : "blue")}
          size: small
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {ns}
          labels:
            app: web
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: {(revised ? "nginx:1.26" : "nginx:1.25")}
                env:
                - name: MODE
                  value: blue
        {(revised ? "" : DebugEnv)}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: {ns}
          labels:
            app: web
        spec:
          selector:
            app: web
          ports:
          - port: 80
            targetPort: 8080
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: worker
          namespace: {ns}
          labels:
            app: worker
            tier: backend
        spec:
          containers:
          - name: main
            image: busybox:1.36
            command: ["sleep", "3600"]
        """;

    /// <summary>A ConfigMap with a misspelt top-level field, which strict field validation rejects.</summary>
    public static string ConfigMapWithUnknownField(string ns) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: typo
          namespace: {ns}
        dataa:
          key: value
        """;

    /// <summary>A Deployment with a misspelt field deep inside its pod template.</summary>
    public static string DeploymentWithNestedUnknownField(string ns) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: typo
          namespace: {ns}
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: typo
          template:
            metadata:
              labels:
                app: typo
            spec:
              containers:
              - name: main
                image: nginx
                imagePullPolicyy: Always
        """;

    /// <summary>A ConfigMap whose name is not a DNS subdomain.</summary>
    public static string ConfigMapWithInvalidName(string ns) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: Bad_Name
          namespace: {ns}
        data:
          key: value
        """;

    public static string Namespace(string name) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {name}
        """;

    public static string ConfigMap(string ns, string name, string key, string value) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
          namespace: {ns}
        data:
          {key}: {value}
        """;

    /// <summary>A ConfigMap held by a finalizer, so deleting it leaves it terminating until the finalizer goes.</summary>
    public static string FinalizedConfigMap(string ns, string name) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
          namespace: {ns}
          finalizers:
          - example.com/hold
        data:
          key: value
        """;

    private const string DebugEnv = """
                - name: DEBUG
                  value: "true"
        """;
}
