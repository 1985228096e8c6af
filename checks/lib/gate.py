"""The manifest gate: strict schema validation plus security scanners.

Run through checks/run.sh, which provides the tools. Every YAML document in the
given files is:

1. validated strictly (unknown fields are errors) against the Kubernetes JSON
   schemas bundled in kubernetes-validate, once per version in --kube-version;
   also rejected: unknown kinds, null values, duplicate objects. Schema findings
   can never be excepted: a wrong field is always a bug.
2. scanned by kube-score and by checkov (kubernetes + secrets frameworks).
   Every non-passing result is a finding unless an entry of the exceptions file
   names its tool, check and object, with a reason.

Exit status: 0 no finding left, 1 findings, 2 bad input, bad exceptions file or
a tool that failed to run.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema
import yaml
from kubernetes_validate import utils as kv_utils
from kubernetes_validate.version import __version__ as kv_version

SCANNERS = ("kube-score", "checkov")

# kube-score optional checks we turn on because they reinforce our bar:
# seccomp is required by Pod Security "restricted"; port checks catch unnamed
# or duplicate container ports that Services and NetworkPolicies refer to.
KUBE_SCORE_OPTIONAL = ("container-seccomp-profile", "container-ports-check")
KUBE_SCORE_WARNING = 5


class GateError(Exception):
    """Bad input or a tool that did not run: exit 2."""


@dataclass
class Doc:
    file: str
    line: int  # 1-based first line of the document
    end_line: int  # 1-based last line
    data: Any

    @property
    def ident(self) -> str:
        return object_id(self.data) if isinstance(self.data, dict) else f"<document at {self.where}>"

    @property
    def where(self) -> str:
        return f"{show(self.file)}:{self.line}"


@dataclass
class Finding:
    tool: str  # schema | kube-score | checkov
    check: str
    obj: str  # Kind/namespace/name or Kind/name
    where: str
    message: str
    excepted_by: dict | None = field(default=None)

    def line(self) -> str:
        return f"{self.tool}/{self.check} {self.obj} ({self.where}): {self.message}"


def object_id(data: dict) -> str:
    kind = str(data.get("kind", "?"))
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    name = str(meta.get("name", "?"))
    ns = meta.get("namespace")
    return f"{kind}/{ns}/{name}" if ns else f"{kind}/{name}"


# --------------------------------------------------------------------- input

def find_manifests(paths: list[str]) -> list[str]:
    files: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs.sort()
                for n in sorted(names):
                    if n.endswith((".yaml", ".yml")):
                        files.append(os.path.join(root, n))
        elif os.path.isfile(p):
            files.append(p)
        else:
            raise GateError(f"no such file or directory: {p}")
    if not files:
        raise GateError(f"no .yaml/.yml manifests under {' '.join(paths)}: nothing to check is a failure")
    return files


class _Loader(yaml.SafeLoader):
    """YAML as kubectl reads it (sigs.k8s.io/yaml): the YAML 1.1 'value' (`=`) and 'merge' (`<<`) scalars are strings
    in a value position. Our serializer (YAML 1.2) writes them unquoted; PyYAML alone cannot construct them."""


for _tag in ("tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"):
    _Loader.add_constructor(_tag, yaml.SafeLoader.construct_yaml_str)


def load_docs(files: list[str]) -> list[Doc]:
    docs: list[Doc] = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        loader = _Loader(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                data = loader.construct_document(node)
                if data is None:
                    continue
                docs.append(Doc(f, node.start_mark.line + 1, node.end_mark.line + 1, data))
        except yaml.YAMLError as e:
            raise GateError(f"{f}: not valid YAML: {e}") from e
        finally:
            loader.dispose()
    return docs


# -------------------------------------------------------------------- schema

class SchemaSet:
    """Strict schemas of one Kubernetes minor version, loaded once."""

    def __init__(self, version: str):
        if version not in kv_utils.all_versions():
            raise GateError(
                f"kubernetes-validate {kv_version} bundles no schema for {version} "
                f"(it has {', '.join(sorted(set(kv_utils.all_versions()), key=lambda v: tuple(map(int, v.split('.')))))})"
            )
        self.version = version
        self.dir = f"kubernetes-json-schema/v{version}-local-strict"
        defs = kv_utils.schema_contents(f"{self.dir}/_definitions.json", version)
        self.registry = referencing.Resource.from_contents(defs) @ referencing.Registry()
        self.validators: dict[str, jsonschema.protocols.Validator | None] = {}

    def validator(self, kind: str, api_version: str):
        # same file naming as kubernetes_validate.utils.validate
        group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
        key = f"{kind.lower()}-{group}"
        if key not in self.validators:
            try:
                schema = kv_utils.schema_contents(f"{self.dir}/{key}.json", self.version)
            except FileNotFoundError:
                schema = None
            self.validators[key] = (
                None if schema is None else jsonschema.Draft202012Validator(schema, registry=self.registry)
            )
        return self.validators[key]


def null_paths(value: Any, path: str = "") -> list[str]:
    if value is None:
        return [path or "(document)"]
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out += null_paths(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += null_paths(v, f"{path}[{i}]")
    return out


def schema_findings(docs: list[Doc], sets: list[SchemaSet], duplicates: bool = True) -> list[Finding]:
    findings: list[Finding] = []
    seen: dict[str, str] = {}
    for d in docs:
        if not isinstance(d.data, dict):
            findings.append(Finding("schema", "not-an-object", d.ident, d.where, "document is not a mapping"))
            continue
        data = d.data
        kind, api = data.get("kind"), data.get("apiVersion")
        name = (data.get("metadata") or {}).get("name") if isinstance(data.get("metadata"), dict) else None
        if not isinstance(kind, str) or not isinstance(api, str) or not name:
            findings.append(Finding("schema", "identity", d.ident, d.where,
                                    "apiVersion, kind and metadata.name are required"))
            continue
        if duplicates and d.ident in seen:
            findings.append(Finding("schema", "duplicate", d.ident, d.where, f"same object also at {seen[d.ident]}"))
        seen.setdefault(d.ident, d.where)
        for p in null_paths(data):
            findings.append(Finding("schema", "null-value", d.ident, d.where,
                                    f"{p} is null (a field that synthesized as null is a bug; omit it or set it)"))
        for s in sets:
            v = s.validator(kind, api)
            if v is None:
                findings.append(Finding("schema", f"k8s-{s.version}", d.ident, d.where,
                                        f"Kubernetes {s.version} has no kind {kind} in {api}"))
                continue
            for err in sorted(v.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
                path = ".".join(str(x) for x in err.absolute_path) or "(root)"
                findings.append(Finding("schema", f"k8s-{s.version}", d.ident, d.where, f"{path}: {err.message}"))
    return findings


# ------------------------------------------------------------------ scanners

def show(path: str) -> str:
    """A path relative to the working directory when it lies below it, else absolute."""
    rel = os.path.relpath(path)
    return os.path.abspath(path) if rel.startswith("..") else rel


def locate(docs: list[Doc], file: str, line: int) -> Doc | None:
    real = os.path.realpath(file)
    for d in docs:
        if os.path.realpath(d.file) == real and d.line <= line <= d.end_line:
            return d
    return None


def start_kube_score(binary: str, files: list[str], kube_version: str) -> subprocess.Popen:
    cmd = [binary, "score", "--output-format", "json", "--kubernetes-version", "v" + ".".join(kube_version.split(".")[:2]),
           # manifests may not silence or enable checks themselves: exceptions.yaml is the only way
           "--disable-ignore-checks-annotations", "--disable-optional-checks-annotations"]
    for t in KUBE_SCORE_OPTIONAL:
        cmd += ["--enable-optional-test", t]
    return subprocess.Popen(cmd + files, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kube_score_findings(proc: subprocess.Popen, docs: list[Doc]) -> tuple[list[Finding], int]:
    out, err = proc.communicate()
    # kube-score exits 1 when it has critical findings; any other failure is the tool's
    try:
        if proc.returncode not in (0, 1):
            raise json.JSONDecodeError("exit status", "", 0)
        objects = json.loads(out)
    except json.JSONDecodeError as e:
        raise GateError(f"kube-score failed (exit {proc.returncode}): {err.strip() or out.strip()}") from e
    findings: list[Finding] = []
    checks = 0
    for o in objects or []:
        kind = o["type_meta"]["kind"]
        meta = o.get("object_meta") or {}
        ns, name = meta.get("namespace"), meta.get("name")
        ident = f"{kind}/{ns}/{name}" if ns else f"{kind}/{name}"
        doc = next((d for d in docs if d.ident == ident), None)
        where = doc.where if doc else f"{show(o.get('file_name', '?'))}:{o.get('file_row', '?')}"
        for c in o.get("checks") or []:
            checks += 1
            # kube-score's grades: 1 CRITICAL, 5 WARNING, 7 "almost OK" and 10 OK; it reports 7 as OK
            # (e.g. "missing a livenessProbe ... only recommended if you really need one")
            if c.get("skipped") or c.get("grade", 0) > KUBE_SCORE_WARNING:
                continue
            level = "CRITICAL" if c["grade"] <= 1 else "WARNING"
            comments = c.get("comments") or []
            msg = "; ".join(
                (f"{x['path']}: " if x.get("path") else "") + x.get("summary", "")
                + (f" ({x['description']})" if x.get("description") else "")
                for x in comments) or c["check"]["comment"]
            findings.append(Finding("kube-score", c["check"]["id"], ident, where, f"[{level}] {msg}"))
    return findings, checks


def start_checkov(binary: str, files: list[str], workdir: str) -> subprocess.Popen:
    cmd = [binary, "--framework", "kubernetes", "secrets", "--skip-download", "--output", "json"]
    for f in files:
        cmd += ["--file", os.path.abspath(f)]
    env = dict(os.environ, CKV_SKIP_PACKAGE_UPDATE_CHECK="true", BC_SKIP_MAPPING="TRUE",
               LOG_LEVEL="ERROR", PYTHONWARNINGS="ignore")
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=workdir)


def checkov_findings(proc: subprocess.Popen, docs: list[Doc]) -> tuple[list[Finding], int]:
    out, err = proc.communicate()
    # checkov exits 1 when a check failed and 2 when it crashed (then it may print partial results)
    try:
        if proc.returncode not in (0, 1):
            raise json.JSONDecodeError("exit status", "", 0)
        reports = json.loads(out)
    except json.JSONDecodeError as e:
        raise GateError(f"checkov failed (exit {proc.returncode}): {err.strip()[-2000:] or out.strip()[-2000:]}") from e
    if isinstance(reports, dict):
        reports = [reports]
    findings: list[Finding] = []
    checks = 0
    for r in reports:
        if "results" not in r:  # an empty scan reports only a summary
            continue
        summary = r.get("summary", {})
        if summary.get("parsing_errors"):
            raise GateError(f"checkov could not parse: {r['results'].get('parsing_errors')}")
        res = r["results"]
        checks += len(res.get("passed_checks", [])) + len(res.get("failed_checks", []))
        for status, items in (("failed", res.get("failed_checks", [])), ("skipped", res.get("skipped_checks", []))):
            for c in items:
                path = c.get("file_abs_path") or c.get("file_path", "?")
                start = (c.get("file_line_range") or [0])[0]
                doc = locate(docs, path, start)
                ident = doc.ident if doc else c.get("resource", "?")
                where = doc.where if doc else f"{show(path)}:{start}"
                msg = c.get("check_name", "")
                if status == "skipped":
                    msg = (f"suppressed inside the manifest ({c.get('check_result', {}).get('suppress_comment', '')}); "
                           "only checks/exceptions.yaml may except a check: " + msg)
                findings.append(Finding("checkov", c["check_id"], ident, where, msg))
    return findings, checks


# ---------------------------------------------------------------- exceptions

EXCEPTION_KEYS = {"tool", "check", "object", "reason"}


def load_exceptions(path: str) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
    except FileNotFoundError as e:
        raise GateError(f"exceptions file not found: {path}") from e
    except yaml.YAMLError as e:
        raise GateError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict) or set(data) - {"exceptions"}:
        raise GateError(f"{path}: expected a mapping with the single key 'exceptions'")
    entries = data.get("exceptions") or []
    if not isinstance(entries, list):
        raise GateError(f"{path}: 'exceptions' must be a list")
    problems = []
    for i, e in enumerate(entries):
        label = f"{path}: exceptions[{i}]"
        if not isinstance(e, dict):
            problems.append(f"{label} must be a mapping")
            continue
        missing, unknown = EXCEPTION_KEYS - set(e), set(e) - EXCEPTION_KEYS
        if missing:
            problems.append(f"{label} is missing {', '.join(sorted(missing))}")
        if unknown:
            problems.append(f"{label} has unknown keys {', '.join(sorted(unknown))}")
        if e.get("tool") not in SCANNERS:
            problems.append(f"{label}.tool must be one of {', '.join(SCANNERS)} (schema findings cannot be excepted), "
                            f"got {e.get('tool')!r}")
        for k in ("check", "object"):
            if not isinstance(e.get(k), str) or not e.get(k, "").strip():
                problems.append(f"{label}.{k} must be a non-empty string")
        if not isinstance(e.get("reason"), str) or len(e.get("reason", "").strip()) < 20:
            problems.append(f"{label}.reason must explain the exception (at least 20 characters)")
        if isinstance(e.get("check"), str) and any(ch in e["check"] for ch in "*?["):
            problems.append(f"{label}.check must name one check, not a pattern")
    if problems:
        raise GateError("\n".join(problems))
    return entries


def apply_exceptions(findings: list[Finding], exceptions: list[dict]) -> set[int]:
    used: set[int] = set()
    for f in findings:
        if f.tool == "schema":
            continue
        for i, e in enumerate(exceptions):
            if e["tool"] == f.tool and e["check"] == f.check and fnmatch.fnmatchcase(f.obj, e["object"]):
                f.excepted_by = e
                used.add(i)
                break
    return used


# ---------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", help="manifest files or directories (searched for *.yaml, *.yml)")
    ap.add_argument("--exceptions", required=True)
    ap.add_argument("--kube-version", action="append", required=True,
                    help="Kubernetes version to validate against (repeatable); the first is also kube-score's")
    ap.add_argument("--kube-score", required=True, help="kube-score binary")
    ap.add_argument("--checkov", required=True, help="checkov executable")
    ap.add_argument("--schema-only", action="store_true",
                    help="only the strict schema validation of each document (e.g. generated test outputs): "
                         "no scanner, no duplicate-object check")
    args = ap.parse_args()

    t0 = time.monotonic()
    try:
        exceptions = load_exceptions(args.exceptions)
        files = find_manifests(args.paths)
        docs = load_docs(files)
        if not docs:
            raise GateError("the manifests hold no objects: nothing to check is a failure")
        schema_sets = [SchemaSet(v) for v in args.kube_version]
        if args.schema_only:
            # each document on its own (independent generated cases may reuse names): no duplicate-object check
            findings = schema_findings(docs, schema_sets, duplicates=False)
            print(f"checks: {len(docs)} objects in {len(files)} files")
            print(f"  schema (kubernetes-validate {kv_version}, strict, Kubernetes {' and '.join(args.kube_version)}): "
                  f"{len(findings)} findings (--schema-only: no scanner ran)")
            for f in findings:
                print(f"FINDING {f.line()}")
            print(f"checks {'FAILED' if findings else 'OK'}: {len(findings)} findings ({time.monotonic() - t0:.1f} s)")
            return 1 if findings else 0
        with tempfile.TemporaryDirectory(prefix="kubecraft-checkov-") as work:
            # the scanners run in the background while we validate schemas
            try:
                ks = start_kube_score(args.kube_score, files, args.kube_version[0])
            except OSError as e:
                raise GateError(f"cannot run kube-score: {e}") from e
            try:
                ck = start_checkov(args.checkov, files, work)
            except OSError as e:
                ks.kill()
                raise GateError(f"cannot run checkov: {e}") from e
            try:
                findings = schema_findings(docs, schema_sets)
            except BaseException:
                ks.kill()
                ck.kill()
                raise
            ks_findings, ks_checks = kube_score_findings(ks, docs)
            ck_findings, ck_checks = checkov_findings(ck, docs)
    except GateError as e:
        print(f"checks: error: {e}", file=sys.stderr)
        return 2

    findings += ks_findings + ck_findings
    used = apply_exceptions(findings, exceptions)
    order = {"schema": 0, "kube-score": 1, "checkov": 2}
    findings.sort(key=lambda f: (f.where.rsplit(":", 1)[0], f.obj, order[f.tool], f.check))
    open_findings = [f for f in findings if f.excepted_by is None]
    excepted = [f for f in findings if f.excepted_by is not None]

    print(f"checks: {len(docs)} objects in {len(files)} files")
    n_schema = sum(1 for f in findings if f.tool == "schema")
    print(f"  schema (kubernetes-validate {kv_version}, strict, Kubernetes {' and '.join(args.kube_version)}): "
          f"{n_schema} findings")
    print(f"  kube-score ({ks_checks} checks run): {len(ks_findings)} findings")
    print(f"  checkov ({ck_checks} checks run): {len(ck_findings)} findings")
    for f in excepted:
        print(f"EXCEPTED {f.line()}\n         reason: {' '.join(f.excepted_by['reason'].split())}")
    for f in open_findings:
        print(f"FINDING {f.line()}")
    unused = [e for i, e in enumerate(exceptions) if i not in used]
    for e in unused:
        print(f"note: exception not used here: {e['tool']}/{e['check']} {e['object']}")
    verdict = "FAILED" if open_findings else "OK"
    print(f"checks {verdict}: {len(open_findings)} findings, {len(excepted)} excepted "
          f"({time.monotonic() - t0:.1f} s)")
    return 1 if open_findings else 0


if __name__ == "__main__":
    sys.exit(main())
