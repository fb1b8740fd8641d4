#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/deploy/kubernetes.sh: checks deploy/kubernetes without a cluster: every YAML document
# parses and names itself; the SGX resource, annotation and label names are the Intel device
# plugin's and the AKS add-on's exactly; cella-attestd's config keys are its options; the
# image is the one attestd/Containerfile builds; the pods run non-root on a read-only root;
# the policy parses with cella's parser and refuses debuggable enclaves, as its comment says.
# Usage: kubernetes.sh SOURCE_DIR CELLA_ATTESTD DEPLOY_POLICY_CHECK
set -euo pipefail

source_dir=$1
attestd=$2
policy_check=$3

if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "SKIPPED: python3 with the yaml module (Debian: python3-yaml) is missing; run scripts/install-deps"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The long options cella-attestd takes, as its --help lists them (its config file takes the
# same names without dashes).
"$attestd" --help >"$work/help.txt"

python3 - "$source_dir" "$work" <<'PYTHON'
import os
import re
import sys

import yaml

source_dir, work = sys.argv[1], sys.argv[2]
folder = os.path.join(source_dir, "deploy", "kubernetes")
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def check(condition, message):
    if not condition:
        fail(message)
    return condition


# Every YAML document parses and has apiVersion, kind and metadata.name.
documents = {}
for name in ("attestd.yaml", "enclave-workload.yaml"):
    path = os.path.join(folder, name)
    with open(path, encoding="utf-8") as stream:
        try:
            loaded = [d for d in yaml.safe_load_all(stream) if d is not None]
        except yaml.YAMLError as error:
            fail(f"{name} does not parse: {error}")
            continue
    check(loaded, f"{name} holds no document")
    for index, document in enumerate(loaded, 1):
        where = f"{name}, document {index}"
        if not check(isinstance(document, dict), f"{where} is not a mapping"):
            continue
        check(isinstance(document.get("apiVersion"), str) and document["apiVersion"],
              f"{where} has no apiVersion")
        check(isinstance(document.get("kind"), str) and document["kind"],
              f"{where} has no kind")
        metadata = document.get("metadata")
        check(isinstance(metadata, dict) and isinstance(metadata.get("name"), str)
              and metadata["name"], f"{where} has no metadata.name")
    documents[name] = [d for d in loaded if isinstance(d, dict)]
if failures:
    sys.exit(1)


def find(file_name, kind, name=None):
    found = [d for d in documents[file_name] if d.get("kind") == kind
             and (name is None or d["metadata"]["name"] == name)]
    check(len(found) == 1, f"{file_name}: expected one {kind} {name or ''}, found {len(found)}")
    return found[0] if found else {}


def pod_containers(deployment):
    spec = deployment.get("spec", {}).get("template", {}).get("spec", {})
    return spec, spec.get("initContainers", []) + spec.get("containers", [])


def check_locked_down(where, deployment):
    """Non-root, read-only root file system, no privilege escalation, for every container."""
    spec, containers = pod_containers(deployment)
    pod = spec.get("securityContext", {})
    for container in containers:
        context = container.get("securityContext", {})
        name = f"{where} container {container.get('name')}"
        run_as_non_root = context.get("runAsNonRoot", pod.get("runAsNonRoot"))
        run_as_user = context.get("runAsUser", pod.get("runAsUser"))
        check(run_as_non_root is True, f"{name}: runAsNonRoot is not true")
        # The images name their users, which the kubelet cannot check: a numeric UID.
        check(isinstance(run_as_user, int) and run_as_user > 0,
              f"{name}: runAsUser is not a non-root UID")
        check(context.get("readOnlyRootFilesystem") is True,
              f"{name}: readOnlyRootFilesystem is not true")
        check(context.get("allowPrivilegeEscalation") is False,
              f"{name}: allowPrivilegeEscalation is not false")
        check("ALL" in context.get("capabilities", {}).get("drop", []),
              f"{name}: capabilities are not all dropped")
        resources = container.get("resources", {})
        for part in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                check(resource in resources.get(part, {}),
                      f"{name}: no {resource} in resources.{part}")


def mount_path(spec, container, volume_name):
    for mount in container.get("volumeMounts", []):
        if mount.get("name") == volume_name:
            return mount.get("mountPath")
    return None


def volume(spec, name):
    for entry in spec.get("volumes", []):
        if entry.get("name") == name:
            return entry
    return {}


def under(path, folder_path):
    return folder_path is not None and path.startswith(folder_path.rstrip("/") + "/")


# ---- attestd.yaml ----------------------------------------------------------------------------
namespace = find("attestd.yaml", "Namespace")["metadata"]["name"]
check(namespace == "cella", f"the namespace is {namespace}, not cella")
for document in documents["attestd.yaml"] + documents["enclave-workload.yaml"]:
    if document["kind"] != "Namespace":
        check(document["metadata"].get("namespace") == namespace,
              f"{document['kind']} {document['metadata']['name']} is not in namespace {namespace}")

config_map = find("attestd.yaml", "ConfigMap")
data = config_map.get("data", {})
check(set(data) == {"attestd.conf", "sgx-policy.txt"},
      f"the ConfigMap holds {sorted(data)}, not attestd.conf and sgx-policy.txt")
with open(os.path.join(work, "sgx-policy.txt"), "w", encoding="utf-8") as out:
    out.write(data.get("sgx-policy.txt", ""))

# The config file's keys are long options of cella-attestd (not --config nor --help).
with open(os.path.join(work, "help.txt"), encoding="utf-8") as stream:
    options = set(re.findall(r"^\s+--([a-z][a-z-]*)", stream.read(), re.MULTILINE))
check({"pccs", "listen", "port", "tls-cert", "tls-key", "state-dir"} <= options,
      f"cella-attestd --help lists unexpected options: {sorted(options)}")
options -= {"config", "help"}
config = {}
for number, line in enumerate(data.get("attestd.conf", "").splitlines(), 1):
    text = line.strip()
    if not text or text.startswith("#"):
        continue
    if not check("=" in text, f"attestd.conf line {number} is not name = value: {text}"):
        continue
    key, value = (part.strip() for part in text.split("=", 1))
    check(key in options, f"attestd.conf line {number}: {key} is not an option of cella-attestd")
    check(key not in config, f"attestd.conf line {number}: {key} given twice")
    config[key] = value
check(("pccs" in config) != ("collateral" in config),
      "attestd.conf gives neither or both of pccs and collateral")
check("dev" not in config, "attestd.conf turns dev mode on")
check(config.get("listen") in ("127.0.0.1", "::1") or
      ("tls-cert" in config and "tls-key" in config),
      "attestd.conf listens beyond loopback without tls-cert and tls-key")

# The image is the one attestd/Containerfile says it builds.
with open(os.path.join(source_dir, "attestd", "Containerfile"), encoding="utf-8") as stream:
    built = re.search(r"^#\s+podman build -f attestd/Containerfile -t (\S+) \.$", stream.read(),
                      re.MULTILINE)
image = None
if check(built, "attestd/Containerfile no longer says `podman build ... -t NAME .`"):
    image = built.group(1) if ":" in built.group(1) else built.group(1) + ":latest"
    check(image == "cella-attestd:latest",
          f"attestd/Containerfile builds {image}, the manifests use cella-attestd:latest")

deployment = find("attestd.yaml", "Deployment", "cella-attestd")
spec, containers = pod_containers(deployment)
check(deployment.get("spec", {}).get("replicas") == 1, "cella-attestd runs other than one replica")
check(deployment.get("spec", {}).get("strategy", {}).get("type") == "Recreate",
      "cella-attestd's strategy is not Recreate (two pods would share the database)")
check_locked_down("cella-attestd", deployment)
for container in containers:
    check(container.get("image") == image,
          f"cella-attestd container {container.get('name')} runs {container.get('image')}, "
          f"not {image}")
main = [c for c in spec.get("containers", []) if c.get("name") == "cella-attestd"]
main = main[0] if check(len(main) == 1, "no container named cella-attestd") else {}

# The command line names the ConfigMap's attestd.conf where it is mounted.
arguments = main.get("command", []) + main.get("args", [])
config_path = arguments[arguments.index("--config") + 1] if "--config" in arguments else ""
check(config_path == f"{mount_path(spec, main, 'config')}/attestd.conf" and
      volume(spec, "config").get("configMap", {}).get("name") == config_map["metadata"]["name"],
      f"--config {config_path} is not the ConfigMap's attestd.conf")
check("--state-dir" not in arguments,
      "--state-dir on the command line overrides the config file's")
# Files the config names are in the volumes made for them.
for key, volume_name, source in (("tls-cert", "tls", "secret"), ("tls-key", "tls", "secret"),
                                 ("admin-token-file", "admin", "secret"),
                                 ("state-dir", "state", "persistentVolumeClaim")):
    check(key in config and under(config[key], mount_path(spec, main, volume_name)) and
          source in volume(spec, volume_name),
          f"{key} = {config.get(key)} is not in the {source} volume {volume_name}")
check(volume(spec, "tls").get("secret", {}).get("secretName") == "cella-attestd-tls",
      "the TLS volume is not the Secret cella-attestd-tls")
claim = volume(spec, "state").get("persistentVolumeClaim", {}).get("claimName")
find("attestd.yaml", "PersistentVolumeClaim", claim)
init_mounts = [mount_path(spec, c, "state") for c in spec.get("initContainers", [])]
check(any(under(config.get("state-dir", ""), m) for m in init_mounts if m),
      "no init container prepares the state directory on the volume")

# Probes: GET /.well-known/openid-configuration over HTTPS on the served port.
ports = {p.get("name"): p.get("containerPort") for p in main.get("ports", [])}
check(str(ports.get("https")) == config.get("port"),
      f"containerPort {ports.get('https')} is not the config's port {config.get('port')}")
for probe_name in ("livenessProbe", "readinessProbe"):
    probe = main.get(probe_name, {}).get("httpGet", {})
    check(probe.get("path") == "/.well-known/openid-configuration" and
          probe.get("scheme") == "HTTPS" and probe.get("port") in ("https", ports.get("https")),
          f"{probe_name} is not GET /.well-known/openid-configuration over HTTPS")

service = find("attestd.yaml", "Service", "cella-attestd")
service_spec = service.get("spec", {})
check(service_spec.get("type") == "ClusterIP", "the Service is not a ClusterIP")
pod_labels = deployment.get("spec", {}).get("template", {}).get("metadata", {}) \
    .get("labels", {})
selector = service_spec.get("selector", {})
check(selector and selector.items() <= pod_labels.items(),
      "the Service does not select cella-attestd's pods")
service_ports = service_spec.get("ports", [])
check(len(service_ports) == 1 and service_ports[0].get("port") == 443 and
      service_ports[0].get("targetPort") in ("https", ports.get("https")),
      "the Service does not map port 443 to the container's port")
service_url = f"https://{service['metadata']['name']}.{namespace}.svc"
check(config.get("instance-url") == service_url,
      f"instance-url {config.get('instance-url')} is not the Service's URL {service_url}")

# ---- enclave-workload.yaml -------------------------------------------------------------------
workload = find("enclave-workload.yaml", "Deployment")
spec, containers = pod_containers(workload)
check_locked_down("enclave workload", workload)
annotations = workload.get("spec", {}).get("template", {}).get("metadata", {}) \
    .get("annotations", {})
provider = annotations.get("sgx.intel.com/quote-provider")
check(provider == "aesmd" or provider in [c.get("name") for c in containers],
      f"sgx.intel.com/quote-provider is {provider}: neither aesmd nor a container of the pod")
check(spec.get("nodeSelector") == {"sgx.intel.com/capable": "true"},
      f"the nodeSelector is {spec.get('nodeSelector')}, not sgx.intel.com/capable: 'true'")
asks_for_epc = False
for container in containers:
    resources = container.get("resources", {})
    for part in ("requests", "limits"):
        for resource in resources.get(part, {}):
            if "sgx" in resource:
                # The webhook adds sgx.intel.com/enclave and /provision: request EPC only.
                check(resource == "sgx.intel.com/epc",
                      f"{container.get('name')} {part} {resource}: pods request only "
                      "sgx.intel.com/epc")
    epc = resources.get("limits", {}).get("sgx.intel.com/epc")
    if epc is not None:
        asks_for_epc = True
        # Extended resources cannot be overcommitted: a request equals its limit.
        check(resources.get("requests", {}).get("sgx.intel.com/epc") == epc,
              f"{container.get('name')}: sgx.intel.com/epc request differs from its limit")
        check(re.fullmatch(r"[1-9][0-9]*(Ki|Mi|Gi)?", str(epc)) is not None,
              f"{container.get('name')}: sgx.intel.com/epc {epc} is not a byte quantity")
    env = {e.get("name"): e.get("value") for e in container.get("env", [])}
    if "CELLA_ATTESTD_URL" in env:
        check(env["CELLA_ATTESTD_URL"] == service_url,
              f"CELLA_ATTESTD_URL {env['CELLA_ATTESTD_URL']} is not the Service {service_url}")
        check("$(CELLA_ATTESTD_URL)" in container.get("args", []),
              f"{container.get('name')} does not pass $(CELLA_ATTESTD_URL) to the host")
check(asks_for_epc, "no container of the enclave workload asks for sgx.intel.com/epc")
check(any("CELLA_ATTESTD_URL" in {e.get("name") for e in c.get("env", [])} for c in containers),
      "no container of the enclave workload has CELLA_ATTESTD_URL")

# ---- every name, comments and README.md included ---------------------------------------------
# Only the names the device plugin and the AKS add-on define, spelled as they spell them.
known = {"sgx.intel.com/epc", "sgx.intel.com/enclave", "sgx.intel.com/provision",
         "sgx.intel.com/quote-provider", "sgx.intel.com/capable", "sgx.intel.com/total_epc",
         "kubernetes.azure.com/sgx_epc_mem_in_MiB"}
texts = {}
for name in ("attestd.yaml", "enclave-workload.yaml", "README.md"):
    with open(os.path.join(folder, name), encoding="utf-8") as stream:
        texts[name] = stream.read()
for name, text in texts.items():
    for found in re.findall(r"(?:sgx\.intel\.com|kubernetes\.azure\.com)/[A-Za-z0-9_.-]*[A-Za-z0-9_]",
                            text, re.IGNORECASE):
        check(found in known, f"{name} names {found}, which neither plugin defines")
    for found in re.findall(r"sgx[_.-]?epc[_.-]?mem\S*", text, re.IGNORECASE):
        check(found.startswith("sgx_epc_mem_in_MiB"), f"{name} misspells {found}")
check(re.search(r"^\s*#.*\bkubernetes\.azure\.com/sgx_epc_mem_in_MiB: [1-9][0-9]*$",
                texts["enclave-workload.yaml"], re.MULTILINE) is not None,
      "enclave-workload.yaml does not show the AKS add-on's kubernetes.azure.com/"
      "sgx_epc_mem_in_MiB limit (an integer of MiB)")
check("kubernetes.azure.com/sgx_epc_mem_in_MiB" in texts["README.md"],
      "README.md does not say what changes with the AKS add-on")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("manifests: every document parses and names itself; names, options, image and "
      "security settings as expected")
PYTHON

# The policy parses with cella's parser and, as its comment says, refuses debuggable enclaves.
if ! "$policy_check" "$work/sgx-policy.txt" >"$work/verdicts"; then
  echo "FAIL: the ConfigMap's sgx-policy.txt does not parse with cella's policy parser"
  exit 1
fi
cat "$work/verdicts"
grep -q '^debuggable: refused' "$work/verdicts" ||
  { echo "FAIL: the policy permits debuggable enclaves"; exit 1; }
grep -qx 'not debuggable: permitted' "$work/verdicts" ||
  { echo "FAIL: the policy refuses enclaves that are not debuggable"; exit 1; }
echo "policy: parses; refuses debuggable enclaves, permits the others"
