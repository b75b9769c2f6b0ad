namespace Cluster.Core.Tests.Registry.Schemas;

/// <summary>Realistic manifests as users write them (modelled on the upstream docs' examples).</summary>
internal static class Manifests
{
    public const string Deployment = """
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", "tier": "frontend"},
                       "annotations": {"deployment.kubernetes.io/revision": "3"}, "finalizers": ["example.io/a"]},
          "spec": {
            "replicas": 3,
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
            "selector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend"]}]},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
              "metadata": {"creationTimestamp": null, "labels": {"app": "web"}, "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"}},
              "spec": {
                "serviceAccountName": "web",
                "terminationGracePeriodSeconds": 30,
                "nodeSelector": {"kubernetes.io/os": "linux"},
                "securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "fsGroup": 2000, "seccompProfile": {"type": "RuntimeDefault"}},
                "affinity": {
                  "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]}]}},
                  "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}}]}
                },
                "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
                "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "web"}}}],
                "initContainers": [{"name": "migrate", "image": "busybox:1.36", "command": ["sh", "-c", "echo migrating"]}],
                "containers": [
                  {
                    "name": "app",
                    "image": "nginx:1.27",
                    "imagePullPolicy": "IfNotPresent",
                    "args": ["--port", "8080"],
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "env": [
                      {"name": "MODE", "value": "production"},
                      {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                      {"name": "CPU_LIMIT", "valueFrom": {"resourceFieldRef": {"containerName": "app", "resource": "limits.cpu", "divisor": "1m"}}},
                      {"name": "DB_HOST", "valueFrom": {"configMapKeyRef": {"name": "db", "key": "host", "optional": false}}},
                      {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}
                    ],
                    "envFrom": [{"prefix": "CFG_", "configMapRef": {"name": "web-config"}}, {"secretRef": {"name": "web-secret", "optional": true}}],
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": 1, "memory": "1Gi", "ephemeral-storage": "2G"}},
                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP", "httpHeaders": [{"name": "X-Probe", "value": "1"}]}, "initialDelaySeconds": 5, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                    "readinessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 5},
                    "startupProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "failureThreshold": 30},
                    "lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "sleep 5"]}}, "postStart": {"sleep": {"seconds": 1}}},
                    "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}},
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}, {"name": "config", "mountPath": "/etc/web", "readOnly": true}, {"name": "token", "mountPath": "/var/run/secrets/tokens"}],
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File"
                  },
                  {"name": "sidecar", "image": "busybox:1.36", "command": ["sleep", "infinity"], "stdin": true, "tty": true, "resources": {}}
                ],
                "volumes": [
                  {"name": "data", "emptyDir": {"sizeLimit": "1Gi"}},
                  {"name": "config", "configMap": {"name": "web-config", "defaultMode": 420, "items": [{"key": "nginx.conf", "path": "nginx.conf"}]}},
                  {"name": "secret", "secret": {"secretName": "web-secret", "optional": true}},
                  {"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}},
                  {"name": "claim", "persistentVolumeClaim": {"claimName": "web-data"}},
                  {"name": "podinfo", "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
                  {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3600, "audience": "api"}}, {"configMap": {"name": "ca", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}}
                ],
                "imagePullSecrets": [{"name": "registry"}],
                "hostAliases": [{"ip": "10.0.0.1", "hostnames": ["db.local"]}],
                "dnsConfig": {"nameservers": ["1.1.1.1"], "options": [{"name": "ndots", "value": "2"}]}
              }
            }
          }
        }
        """;

    public const string Pod = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {"name": "web", "labels": {"app": "web"}},
          "spec": {
            "restartPolicy": "Always",
            "containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}], "resources": {"limits": {"cpu": "500m", "memory": 536870912}}}],
            "readinessGates": [{"conditionType": "example.io/ready"}],
            "os": {"name": "linux"}
          }
        }
        """;

    public const string Service = """
        {
          "apiVersion": "v1",
          "kind": "Service",
          "metadata": {"name": "web", "labels": {"app": "web"}},
          "spec": {
            "type": "NodePort",
            "selector": {"app": "web"},
            "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080, "nodePort": 30080}, {"name": "metrics", "port": 9090, "targetPort": "metrics"}],
            "sessionAffinity": "ClientIP",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
            "ipFamilyPolicy": "SingleStack",
            "ipFamilies": ["IPv4"]
          }
        }
        """;

    public const string Job = """
        {
          "apiVersion": "batch/v1",
          "kind": "Job",
          "metadata": {"name": "pi"},
          "spec": {
            "backoffLimit": 4,
            "completions": 5,
            "parallelism": 2,
            "completionMode": "Indexed",
            "ttlSecondsAfterFinished": 100,
            "podFailurePolicy": {"rules": [{"action": "FailJob", "onExitCodes": {"containerName": "pi", "operator": "In", "values": [42]}}, {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}]},
            "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl:5.34.0", "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}]}}
          }
        }
        """;

    public const string CronJob = """
        {
          "apiVersion": "batch/v1",
          "kind": "CronJob",
          "metadata": {"name": "hello"},
          "spec": {
            "schedule": "* * * * *",
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 200,
            "successfulJobsHistoryLimit": 3,
            "jobTemplate": {
              "metadata": {"labels": {"job": "hello"}},
              "spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "hello", "image": "busybox:1.28", "imagePullPolicy": "IfNotPresent", "command": ["/bin/sh", "-c", "date; echo Hello"]}]}}}
            }
          }
        }
        """;
}
