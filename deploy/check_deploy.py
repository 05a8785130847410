#!/usr/bin/env python3
"""Static checks of the deploy files (no container engine runs on our machines).

Parses every YAML file with python3-yaml and checks what would otherwise only fail at deploy
time: the Dockerfile is multi-stage on Debian 12 and ends as a non-root user; compose and the
Kubernetes objects are well-formed and agree with each other and with the service (ports, probe
paths that exist in docs/openapi.json without a key, the config keys the server accepts, the
secret file path, the HPA target). hadolint is not available on Debian 12, so the Dockerfile
rules checked here are the ones that matter for this image. Exit status 0 = all checks passed.
"""
import json
import re
import sys
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def load_yaml(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    check(len(docs) == 1, f"{path.name}: expected one YAML document, found {len(docs)}")
    return docs[0]


# ---- Dockerfile
docker = (DEPLOY / "Dockerfile").read_text()
lines = [l.strip() for l in re.sub(r"\\\n", " ", docker).splitlines()]
froms = [l.split()[1] for l in lines if l.upper().startswith("FROM ")]
check(len(froms) >= 2, f"Dockerfile: not multi-stage ({len(froms)} FROM)")
check(all(f.startswith("debian:12") for f in froms), f"Dockerfile: base images {froms} are not Debian 12")
final = docker.split("\nFROM ")[-1]
users = re.findall(r"^USER\s+(\S+)", final, re.M)
check(users and users[-1].split(":")[0] not in ("0", "root"), "Dockerfile: the final stage does not end as a non-root USER")
check(re.search(r"^EXPOSE\s+8080\b", final, re.M), "Dockerfile: EXPOSE 8080 missing in the final stage")
check("install_deps.sh" in docker, "Dockerfile: the build stage should install packages with scripts/install_deps.sh")
check(re.search(r"apt-get install[^\n]*--no-install-recommends", docker), "Dockerfile: apt-get install without --no-install-recommends")
check("rm -rf /var/lib/apt/lists" in final, "Dockerfile: apt lists not removed in the final stage")
check(not re.search(r"^ADD\s", docker, re.M), "Dockerfile: use COPY, not ADD")
check("HEALTHCHECK" in final and "/healthz" in final, "Dockerfile: no HEALTHCHECK on /healthz")
for copied in re.findall(r"^COPY\s+(?!--from)(\S+)\s", docker, re.M):
    check(copied == "." or (ROOT / copied).exists(), f"Dockerfile: COPY source {copied} does not exist")

# ---- the service: open routes, config keys
openapi = json.loads((ROOT / "docs" / "openapi.json").read_text())
open_paths = {p for p, ops in openapi["paths"].items() if ops.get("get", {}).get("security") == []}
config = json.loads((ROOT / "config" / "deployment_config.json").read_text())
config_keys = {s: set(v) if isinstance(v, dict) else None for s, v in config.items()}

# ---- compose
compose = load_yaml(DEPLOY / "compose.yaml")
svc = compose["services"]["retailcast"]
check(svc["build"]["dockerfile"] == "deploy/Dockerfile", "compose: build.dockerfile is not deploy/Dockerfile")
check((DEPLOY / svc["build"]["context"] / svc["build"]["dockerfile"]).exists(), "compose: the Dockerfile is not at build.context")
check(any(str(p).endswith(":8080") for p in svc["ports"]), "compose: container port 8080 not published")
check(str(svc.get("user", "")).split(":")[0] not in ("", "0", "root"), "compose: runs as root")
check(svc.get("read_only") is True, "compose: root file system is not read-only")
check("ALL" in svc.get("cap_drop", []), "compose: capabilities not dropped")
grace = int(str(svc["stop_grace_period"]).rstrip("s"))
check(grace > config["server"]["shutdown_grace_s"], "compose: stop_grace_period is not above server.shutdown_grace_s")
check(any(p in " ".join(svc["healthcheck"]["test"]) for p in open_paths), "compose: the healthcheck asks no open route")
for name, c in compose.get("configs", {}).items():
    check((DEPLOY / c["file"]).exists(), f"compose: config {name} file {c['file']} does not exist")
args = svc["command"]
check(args[0] == "serve", "compose: command is not `serve`")
secret_target = "/run/secrets/" + svc["secrets"][0]
check(args[args.index("--server-secret-file") + 1] == secret_target, "compose: --server-secret-file is not the mounted secret")

# ---- Kubernetes
k8s = {p.name: load_yaml(p) for p in sorted((DEPLOY / "k8s").glob("*.yaml"))}
by_kind = {}
for name, obj in k8s.items():
    for field in ("apiVersion", "kind"):
        check(field in obj, f"k8s/{name}: no {field}")
    if obj.get("kind") != "Kustomization":
        check("name" in obj.get("metadata", {}), f"k8s/{name}: no metadata.name")
    by_kind.setdefault(obj.get("kind"), []).append(obj)
for kind in ("Deployment", "Service", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "PersistentVolumeClaim"):
    check(kind in by_kind, f"k8s: no {kind}")
kustom = by_kind["Kustomization"][0]
for r in kustom["resources"]:
    check((DEPLOY / "k8s" / r).exists(), f"k8s/kustomization.yaml: {r} does not exist")
dep = by_kind["Deployment"][0]
pod = dep["spec"]["template"]["spec"]
labels = dep["spec"]["template"]["metadata"]["labels"]
check(dep["spec"]["selector"]["matchLabels"].items() <= labels.items(), "Deployment: selector does not match the pod labels")
container = pod["containers"][0]
ports = {p["name"]: p["containerPort"] for p in container["ports"]}
check(pod["securityContext"].get("runAsNonRoot") is True, "Deployment: not runAsNonRoot")
check(container["securityContext"].get("readOnlyRootFilesystem") is True, "Deployment: root file system is writable")
check(container["securityContext"].get("allowPrivilegeEscalation") is False, "Deployment: privilege escalation allowed")
for probe in ("livenessProbe", "readinessProbe"):
    get = container[probe]["httpGet"]
    check(get["path"] in open_paths, f"Deployment: {probe} path {get['path']} is not an open route of the service")
    check(get["port"] in ports or get["port"] in ports.values(), f"Deployment: {probe} port {get['port']} is not a container port")
check(container["livenessProbe"]["httpGet"]["path"] == "/healthz", "Deployment: liveness should ask /healthz (process up)")
check(container["readinessProbe"]["httpGet"]["path"] == "/readyz", "Deployment: readiness should ask /readyz")
cm = by_kind["ConfigMap"][0]
cm_config = json.loads(cm["data"]["deployment_config.json"])
for section, keys in cm_config.items():
    check(section in config_keys, f"ConfigMap: unknown config section {section}")
    if isinstance(keys, dict) and config_keys.get(section) is not None:
        unknown = set(keys) - config_keys[section]
        check(not unknown, f"ConfigMap: unknown keys {sorted(unknown)} in section {section}")
check(cm_config["server"]["port"] in ports.values(), "ConfigMap: server.port is not the container port")
check(cm_config["server"]["host"] == "0.0.0.0", "ConfigMap: server.host must be 0.0.0.0 in a pod")
grace = pod["terminationGracePeriodSeconds"]
check(grace > cm_config["server"]["shutdown_grace_s"] + 5, "Deployment: terminationGracePeriodSeconds leaves no room for preStop + drain")
mounts = {v["name"]: m["mountPath"] for m in container["volumeMounts"] for v in pod["volumes"] if v["name"] == m["name"]}
volumes = {v["name"]: v for v in pod["volumes"]}
secret = by_kind["Secret"][0]
secret_volume = next(n for n, v in volumes.items() if "secret" in v)
check(volumes[secret_volume]["secret"]["secretName"] == secret["metadata"]["name"], "Deployment: the secret volume does not name the Secret")
secret_key = next(iter(secret.get("stringData", secret.get("data", {}))))
check(cm_config["auth"]["server_secret_file"] == f"{mounts[secret_volume]}/{secret_key}", "ConfigMap: auth.server_secret_file is not the mounted Secret key")
config_volume = next(n for n, v in volumes.items() if "configMap" in v)
check(volumes[config_volume]["configMap"]["name"] == cm["metadata"]["name"], "Deployment: the config volume does not name the ConfigMap")
check(f"{mounts[config_volume]}/deployment_config.json" in container["args"], "Deployment: --config is not the mounted ConfigMap")
pvc_volume = next(n for n, v in volumes.items() if "persistentVolumeClaim" in v)
check(volumes[pvc_volume]["persistentVolumeClaim"]["claimName"] == by_kind["PersistentVolumeClaim"][0]["metadata"]["name"], "Deployment: the store volume does not name the PVC")
check(cm_config["store"].startswith(mounts[pvc_volume] + "/"), "ConfigMap: the store is not on the PVC")
svc = by_kind["Service"][0]
check(svc["spec"]["selector"].items() <= labels.items(), "Service: selector does not match the pods")
for p in svc["spec"]["ports"]:
    check(p["targetPort"] in ports or p["targetPort"] in ports.values(), f"Service: targetPort {p['targetPort']} is not a container port")
hpa = by_kind["HorizontalPodAutoscaler"][0]
check(hpa["spec"]["scaleTargetRef"]["name"] == dep["metadata"]["name"], "HPA: does not target the Deployment")
check(hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"], "HPA: minReplicas > maxReplicas")
check("cpu" in container["resources"]["requests"], "Deployment: no CPU request (the HPA scales on CPU utilisation)")

if failures:
    print("deploy checks FAILED:")
    for f in failures:
        print("  -", f)
    sys.exit(1)
print(f"deploy checks passed: Dockerfile ({len(froms)} stages), compose.yaml, {len(k8s)} Kubernetes files")
