#!/usr/bin/env python3
"""Regenerates data/k8s-schemas/: the Kubernetes object schemas chartgate embeds for offline
validation of rendered objects.

Source: the PyPI package kubernetes-validate (Apache-2.0), which ships JSON Schema (2020-12)
conversions of the Kubernetes OpenAPI specifications (Apache-2.0). We keep, per minor version,
only `_definitions.json` with descriptions and x-kubernetes-* extensions removed (except
x-kubernetes-group-version-kind), keys sorted, gzip -9.

Usage: tools/k8s-schemas.py [VERSION_OF_KUBERNETES_VALIDATE]   (run from the repository root)
"""
import glob, gzip, json, os, subprocess, sys, tempfile, zipfile

pkg_version = sys.argv[1] if len(sys.argv) > 1 else "1.37.0"
minors = ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35"]
out_dir = os.path.join("data", "k8s-schemas")

def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items()
                if k != "description" and not (k.startswith("x-kubernetes") and k != "x-kubernetes-group-version-kind")}
    if isinstance(o, list):
        return [strip(x) for x in o]
    return o

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp,
                    f"kubernetes-validate=={pkg_version}"], check=True)
    whl = zipfile.ZipFile(glob.glob(os.path.join(tmp, "*.whl"))[0])
    os.makedirs(out_dir, exist_ok=True)
    for m in minors:
        name = f"kubernetes_validate/kubernetes-json-schema/v{m}.0-local/_definitions.json"
        defs = strip(json.loads(whl.read(name)))
        data = json.dumps(defs, separators=(",", ":"), sort_keys=True).encode()
        with open(os.path.join(out_dir, f"v{m}.json.gz"), "wb") as f:
            # mtime=0: byte-identical output on every run.
            f.write(gzip.compress(data, 9, mtime=0))
        print(m, len(data), "bytes")
