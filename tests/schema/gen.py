#!/usr/bin/env python3
"""Fill in tests/schema/cases.txt's expectations from the real helm (v4.1.4).

Usage: tests/schema/gen.py [-k NAME_PART]   (HELM=/path/to/helm to choose the binary)

Each case becomes a chart named `c` (one template) with the case's values.schema.json and
values.yaml; `helm template r c` must fail, and its stderr is the expectation. helm runs eight
times: when the outputs differ (the validator walks Go maps, so sibling failures come in a
random order), the case is stored as `--- unordered` and compared as sorted lines.
Standard library only.
"""
import argparse, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases.txt")


def parse(text):
    header, cases, cur, block = [], [], None, None
    for line in text.split("\n"):
        if line.startswith("=== "):
            cur = {"name": line[4:].strip(), "blocks": {}, "order": []}
            cases.append(cur)
            block = None
        elif line.startswith("--- ") and cur is not None:
            block = line[4:].strip()
            cur["blocks"][block] = []
            cur["order"].append(block)
        elif cur is None:
            header.append(line)
        elif block is not None:
            cur["blocks"][block].append(line)
    for c in cases:
        for k, v in c["blocks"].items():
            while v and v[-1] == "":
                v.pop()
    return header, cases


def render(header, cases):
    out = list(header)
    while out and out[-1] == "":
        out.pop()
    for c in cases:
        out.append("=== " + c["name"])
        for b in c["order"]:
            out.append("--- " + b)
            out.extend(c["blocks"][b])
    return "\n".join(out) + "\n"


def run_helm(helm, schema, values):
    with tempfile.TemporaryDirectory() as d:
        chart = os.path.join(d, "c")
        os.makedirs(os.path.join(chart, "templates"))
        with open(os.path.join(chart, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: c\nversion: 0.1.0\n")
        with open(os.path.join(chart, "templates", "cm.yaml"), "w") as f:
            f.write("kind: ConfigMap\n")
        with open(os.path.join(chart, "values.schema.json"), "w") as f:
            f.write(schema)
        with open(os.path.join(chart, "values.yaml"), "w") as f:
            f.write(values)
        p = subprocess.run([helm, "template", "r", "c"], cwd=d, capture_output=True, text=True)
        if p.returncode == 0:
            return None
        return p.stderr.rstrip("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    helm = os.environ.get("HELM", "helm")
    header, cases = parse(open(CASES).read())
    for c in cases:
        if a.k not in c["name"]:
            continue
        schema = "\n".join(c["blocks"]["schema"]) + "\n"
        values = "\n".join(c["blocks"].get("values", [])) + "\n"
        runs = [run_helm(helm, schema, values) for _ in range(8)]
        if runs[0] is None:
            sys.exit(f"{c['name']}: helm rendered the chart (a case must fail)")
        kind = "error" if len(set(runs)) == 1 else "unordered"
        for k in ("error", "unordered"):
            if k in c["blocks"]:
                del c["blocks"][k]
                c["order"].remove(k)
        c["blocks"][kind] = runs[0].split("\n")
        c["order"].append(kind)
        print(f"{c['name']}: {kind}")
    open(CASES, "w").write(render(header, cases))


main()
