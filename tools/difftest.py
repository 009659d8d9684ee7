#!/usr/bin/env python3
"""Differential test of `chartgate template` against the real helm, beyond the recorded goldens.

Usage: tools/difftest.py [CHARTS_DIR] [--helm BIN] [--chartgate BIN] [--out DIR] [-j N]
                         [--max-flips N] [--filter SUBSTRING] [--only-variant SUBSTRING]
                         [--variants PREFIX,...] [--subcharts also|only] [--no-cache] [-v]

For every chart directory in CHARTS_DIR (default ../shared/corpus/charts, relative to the
repository), both tools render the chart (release `rel`, namespace `corpus-ns`, run from
CHARTS_DIR's parent with the path `charts/<chart>` as in the corpus) under many values variants:

- the chart's defaults, every `ci/*.yaml` and every `values-*.yaml` / `*-values.yaml` it ships,
  and up to three ci files together;
- `--set` variants that flip the boolean `*.enabled` / `*.create` keys found in its values.yaml:
  one variant per flipped key (the keys of common optional features first: ingress, metrics,
  serviceMonitor, autoscaling, persistence, networkPolicy, pdb, rbac, serviceAccount, tls...;
  at most --max-flips of them, default 10), one with every key flipped, and that one again with
  `--api-versions monitoring.coreos.com/v1`;
- flag variants: `--kube-version` 1.25.0 / 1.19.0 / v1.29.3-eks-1234, `--api-versions`
  (monitoring.coreos.com/v1, and a dozen common CRD groups), `--include-crds`, `--skip-tests`,
  `--no-hooks`, `--show-only`, `--is-upgrade`, `--skip-schema-validation`, a second `-n`,
  a long release name, `--name-template`, `--set-string`, `--set-json`, `--set` syntax
  (lists, indexes, escaped dots, null), `replicaCount` as int / bad value, `global.imageRegistry`.

stdout is compared byte for byte. Lines that differ between two helm runs (random or time
functions) are masked: helm runs a second time whenever the first helm run and chartgate
differ. When helm fails, chartgate must fail too, with the same `Error: ...` text; only the
reason after `HTTP request failed for URL:` is not compared (helm prints its resolver's
answer, chartgate never downloads). helm results are cached in OUT/cache (the charts and helm
are fixed), so reruns after a fix only run chartgate; --no-cache ignores the cache.
`--subcharts also|only` adds every vendored application subchart (`<chart>/charts/<sub>`)
as a chart of its own; `--variants default,flip,@` keeps only variants with those prefixes.

Prints `difftest: N/M identical` and writes every difference (command, first differing lines)
to OUT/report.txt (default /work/notes/difftest-out) and one row per variant to OUT/results.tsv.
Standard library only; at most 2 processes at a time.
"""

import argparse
import concurrent.futures
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
import time

RELEASE = "rel"
NAMESPACE = "corpus-ns"
TIMEOUT = 300

# Feature words whose switches are tried first when a chart has more keys than --max-flips.
COMMON = [
    "ingress",
    "metrics",
    "servicemonitor",
    "autoscaling",
    "persistence",
    "networkpolicy",
    "poddisruptionbudget",
    "pdb",
    "rbac",
    "serviceaccount",
    "tls",
    "prometheusrule",
    "podmonitor",
    "hpa",
    "vpa",
    "psp",
    "route",
    "gateway",
    "certmanager",
]

KEY_RE = re.compile(r"""^(?P<key>"[^"]*"|'[^']*'|[^\s#'"{}\[\],&*!|>%@`][^:#]*?)\s*:(?:\s+|$)(?P<rest>.*)$""")


# ---------------------------------------------------------------------------------------------
# values.yaml scanning (a line scanner: enough to find `key: true|false` paths in block maps)


def _unquote(key):
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
        return key[1:-1]
    return key


EXTRA_APIS = [
    "monitoring.coreos.com/v1",
    "cert-manager.io/v1",
    "autoscaling.k8s.io/v1",
    "policy/v1beta1",
    "gateway.networking.k8s.io/v1",
    "networking.istio.io/v1beta1",
    "operator.victoriametrics.com/v1beta1",
    "keda.sh/v1alpha1",
    "route.openshift.io/v1",
    "security.openshift.io/v1",
    "cilium.io/v2",
    "traefik.io/v1alpha1",
]
LONG_NAME = "a-rather-long-release-name-for-the-difftest-01234"
SET_SYNTAX = r"difftestList={a,b,c},difftestIdx[1]=x,difftest\.dotted=1,difftestNull=null,difftestNum=0123"


def bool_keys(text):
    """(path, value) for every `key: true|false` reachable through block mappings only."""
    found = []
    stack = []  # (indent, key) of the open mapping keys
    skip_indent = None  # skip lines more indented than this (block scalars, flow values)
    list_indent = None  # inside a block sequence owned by a key at this indent
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if stripped in ("---", "...") or stripped.startswith("--- "):
            stack, skip_indent, list_indent = [], None, None
            continue
        indent = len(line) - len(stripped)
        if "\t" in line[:indent]:
            continue
        if skip_indent is not None:
            if indent > skip_indent:
                continue
            skip_indent = None
        if list_indent is not None:
            if indent > list_indent or (indent == list_indent and stripped.startswith("-")):
                continue
            list_indent = None
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if stripped.startswith("- ") or stripped == "-":
            list_indent = stack[-1][0] if stack else -1
            continue
        m = KEY_RE.match(stripped)
        if not m:
            continue
        key = _unquote(m.group("key").strip())
        rest = m.group("rest").strip()
        if rest.startswith("#"):
            rest = ""
        if rest == "":
            stack.append((indent, key))
            continue
        value = re.sub(r"\s+#.*$", "", rest)
        if value in ("true", "false"):
            found.append(([k for _, k in stack] + [key], value == "true"))
        elif value[:1] in "|>":
            skip_indent = indent
        elif value[:1] in "[{\"'":
            # a flow collection or quoted scalar may continue on more indented lines
            skip_indent = indent
    return found


def set_path(path):
    """A --set key for a path, or None when a key needs escaping beyond dots."""
    parts = []
    for p in path:
        if not p or any(c in p for c in "[],=\\ ") or p.startswith("-"):
            return None
        parts.append(p.replace(".", "\\."))
    return ".".join(parts)


def flip_candidates(values_text):
    cands = []
    seen = set()
    for path, value in bool_keys(values_text):
        if path[-1] not in ("enabled", "create"):
            continue
        key = set_path(path)
        if key is None or key in seen:
            continue
        seen.add(key)
        cands.append((key, value))

    def rank(item):
        low = item[0].lower()
        for i, word in enumerate(COMMON):
            if word in low:
                return (0, item[0].count("."), i)
        return (1, item[0].count("."), 0)

    return sorted(cands, key=rank)


def top_level_keys(values_text):
    keys = set()
    for line in values_text.splitlines():
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if m:
            keys.add(m.group(1))
    return keys


# ---------------------------------------------------------------------------------------------
# variants


def variants(charts_dir, chart, max_flips):
    """[(label, [args])] for one chart; paths relative to the charts dir's parent."""
    root = os.path.join(charts_dir, chart)
    rel = "charts/" + chart
    out = [("default", [])]
    files = []
    ci = os.path.join(root, "ci")
    if os.path.isdir(ci):
        files += [
            "ci/" + f for f in sorted(os.listdir(ci)) if f.endswith((".yaml", ".yml"))
        ]
    for f in sorted(os.listdir(root)):
        if not f.endswith((".yaml", ".yml")) or not os.path.isfile(os.path.join(root, f)):
            continue
        stem = f.rsplit(".", 1)[0]
        if stem.startswith("values-") or stem.endswith("-values"):
            files.append(f)
    for f in files:
        out.append(("@" + f, ["-f", rel + "/" + f]))

    try:
        with open(os.path.join(root, "values.yaml"), encoding="utf-8", errors="replace") as fh:
            values_text = fh.read()
    except OSError:
        values_text = ""
    cands = flip_candidates(values_text)
    for key, value in cands[:max_flips]:
        out.append(("flip:" + key, ["--set", "%s=%s" % (key, str(not value).lower())]))
    if cands:
        all_set = ",".join("%s=%s" % (k, str(not v).lower()) for k, v in cands)
        out.append(("flip:all", ["--set", all_set]))
        out.append(
            ("flip:all+monitoring", ["--set", all_set, "--api-versions", "monitoring.coreos.com/v1"])
        )

    out.append(("kube-1.25", ["--kube-version", "1.25.0"]))
    out.append(("api-monitoring", ["--api-versions", "monitoring.coreos.com/v1"]))
    out.append(("include-crds", ["--include-crds"]))
    out.append(("skip-tests", ["--skip-tests"]))
    out.append(("is-upgrade", ["--is-upgrade"]))
    show = show_only_template(root)
    if show:
        out.append(("show-only", ["--show-only", show]))

    out.append(("kube-1.19", ["--kube-version", "1.19.0"]))
    out.append(("kube-prerelease", ["--kube-version", "v1.29.3-eks-1234"]))
    out.append(("api-many", ["--api-versions", ",".join(EXTRA_APIS)]))
    out.append(("no-hooks", ["--no-hooks"]))
    out.append(("skip-schema", ["--skip-schema-validation"]))
    out.append(("namespace-twice", ["-n", "other-ns"]))
    out.append(("release-long", ["@release", LONG_NAME]))
    out.append(("name-template", ["@release", "", "--name-template", "dt-{{ \"x\" | upper | lower }}"]))
    out.append(("set-syntax", ["--set", SET_SYNTAX]))
    ci_files = [f for f in files if f.startswith("ci/")]
    if len(ci_files) > 1:
        both = []
        for f in ci_files[:3]:
            both += ["-f", rel + "/" + f]
        out.append(("ci-combined", both))

    top = top_level_keys(values_text)
    if "replicaCount" in top:
        out.append(("set-int:replicaCount", ["--set", "replicaCount=3"]))
        out.append(("set-bad:replicaCount", ["--set", "replicaCount=abc"]))
    if "global" in top:
        out.append(("set-global", ["--set", "global.imageRegistry=reg.example.com"]))
    if cands:
        out.append(("set-string:" + cands[0][0], ["--set-string", cands[0][0] + "=true"]))
    string_keys = [k for k in ("replicaCount", "nameOverride", "fullnameOverride") if k in top]
    if string_keys:
        k = string_keys[0]
        out.append(("set-string:" + k, ["--set-string", k + "=007"]))
    for k in ("podAnnotations", "commonAnnotations", "podLabels", "commonLabels"):
        if k in top:
            out.append(
                ("set-json:" + k, ["--set-json", k + '={"difftest/a":"x","difftest/b":"2"}'])
            )
            break
    else:
        out.append(("set-json:extra", ["--set-json", 'difftestExtra={"a":[1,2.5,null,true]}']))
    return out


def vendored_subcharts(charts_dir):
    """`<chart>/charts/<sub>` (nested too) for every unpacked application subchart."""
    found = []
    for dirpath, dirs, files in os.walk(charts_dir):
        dirs.sort()
        rel = os.path.relpath(dirpath, charts_dir).replace(os.sep, "/")
        if "Chart.yaml" not in files or "/charts/" not in "/" + rel + "/" or rel.count("/") < 2:
            continue
        if rel.rsplit("/", 2)[-2] != "charts":
            continue
        try:
            with open(os.path.join(dirpath, "Chart.yaml"), encoding="utf-8", errors="replace") as fh:
                meta = fh.read()
        except OSError:
            continue
        if re.search(r"^type:\s*['\"]?library", meta, re.M):
            continue
        found.append(rel)
    return sorted(found)


def show_only_template(root):
    tdir = os.path.join(root, "templates")
    if not os.path.isdir(tdir):
        return None
    names = []
    for dirpath, _dirs, fnames in os.walk(tdir):
        for f in fnames:
            if f.startswith("_") or not f.endswith((".yaml", ".yml", ".tpl")):
                continue
            if f.endswith(".tpl"):
                continue
            names.append(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/"))
    if not names:
        return None
    names.sort()
    for pref in ("templates/deployment.yaml", "templates/service.yaml", "templates/configmap.yaml"):
        if pref in names:
            return pref
    return names[0]


# ---------------------------------------------------------------------------------------------
# running


def run(argv, cwd):
    env = dict(os.environ, TZ="UTC")
    for attempt in range(13):
        try:
            p = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=TIMEOUT, env=env)
            return {"rc": p.returncode, "out": p.stdout.decode("utf-8", "surrogateescape"),
                    "err": p.stderr.decode("utf-8", "surrogateescape")}
        except subprocess.TimeoutExpired:
            return {"rc": -1, "out": "", "err": "Error: timeout after %ds" % TIMEOUT}
        except OSError as e:
            # The binary is briefly missing while cargo replaces it: wait for the new one.
            if attempt == 12:
                return {"rc": -1, "out": "", "err": "Error: cannot run %s: %s" % (argv[0], e)}
            time.sleep(5)
    return {"rc": -1, "out": "", "err": "Error: unreachable"}


class HelmCache:
    def __init__(self, helm, directory, enabled):
        self.helm, self.dir, self.enabled = helm, directory, enabled
        os.makedirs(directory, exist_ok=True)

    def _path(self, args, n):
        h = hashlib.sha256(json.dumps([self.helm, args, n]).encode()).hexdigest()[:32]
        return os.path.join(self.dir, h + ".json")

    def get(self, args, cwd, n):
        path = self._path(args, n)
        if self.enabled and os.path.exists(path):
            try:
                with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                    return json.load(fh)
            except (OSError, ValueError):
                pass
        res = run([self.helm, "template"] + args, cwd)
        tmp = path + ".tmp%d" % os.getpid()
        with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as fh:
            json.dump(res, fh)
        os.replace(tmp, path)
        return res


NET_ERR = re.compile(r"(HTTP request failed for \S+?): [^\n]*")


def error_part(s):
    i = s.find("Error: ")
    s = (s[i:] if i >= 0 else s).rstrip()
    # Why a download failed depends on the machine's network (helm prints its resolver's
    # answer; chartgate never downloads): only the failing URL is compared.
    return NET_ERR.sub(r"\1: <network error>", s)


def unstable_lines(a, b):
    """Indexes of lines of run `a` that differ in run `b`."""
    la, lb = a.split("\n"), b.split("\n")
    if len(la) == len(lb):
        return {i for i, (x, y) in enumerate(zip(la, lb)) if x != y}
    bad = set()
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, la, lb, autojunk=False).get_opcodes():
        if tag != "equal":
            bad.update(range(i1, max(i2, i1 + 1)))
    return bad


def unordered(msg):
    """An error text with its lines, and the quoted names inside each line, sorted: helm lists
    some schema failures in Go map order, which changes from run to run."""
    lines = []
    for ln in msg.split("\n"):
        names = sorted(re.findall(r"'[^']*'", ln))
        lines.append(re.sub(r"'[^']*'", "''", ln) + " " + " ".join(names))
    return sorted(lines)


def compare(helm1, others, ours):
    """None when identical, else a short description of the first difference. `others` are
    more helm runs of the same command: lines that differ between runs are not compared."""
    if helm1["rc"] != 0:
        if ours["rc"] == 0:
            return "helm failed, chartgate succeeded: " + first_line(error_part(helm1["err"]))
        w, g = error_part(helm1["err"]), error_part(ours["err"])
        if w == g:
            return None
        if any(error_part(o["err"]) != w for o in others) and unordered(w) == unordered(g):
            return None
        return "error message differs:\n" + first_diff(w.split("\n"), g.split("\n"), set())
    if ours["rc"] != 0:
        return "chartgate failed (rc=%d): %s" % (ours["rc"], error_part(ours["err"])[:2000])
    if helm1["out"] == ours["out"]:
        return None
    mask = set()
    for o in others:
        mask |= unstable_lines(helm1["out"], o["out"])
    a, b = helm1["out"].split("\n"), ours["out"].split("\n")
    if len(a) == len(b) and all(x == y or i in mask for i, (x, y) in enumerate(zip(a, b))):
        return None
    return first_diff(a, b, mask)


def first_diff(a, b, mask):
    i = 0
    n = min(len(a), len(b))
    while i < n and (a[i] == b[i] or i in mask):
        i += 1
    lo = max(0, i - 3)
    lines = ["first difference at line %d (helm %d lines, chartgate %d):" % (i + 1, len(a), len(b))]
    for j in range(lo, min(i + 4, max(len(a), len(b)))):
        x = a[j] if j < len(a) else "<EOF>"
        y = b[j] if j < len(b) else "<EOF>"
        if x == y:
            lines.append("    %5d   %s" % (j + 1, x[:300]))
        else:
            lines.append("  - %5d   %s" % (j + 1, x[:300]))
            lines.append("  + %5d   %s" % (j + 1, y[:300]))
    return "\n".join(lines)


def first_line(s):
    return s.split("\n", 1)[0]


def check(job):
    chart, label, args, cwd, cache, chartgate = job
    helm_args = command_args(chart, args)
    helm1 = cache.get(helm_args, cwd, 1)
    ours = run([chartgate, "template"] + helm_args, cwd)
    verdict = compare(helm1, [], ours)
    if verdict is not None and (helm1["rc"] == 0) == (ours["rc"] == 0):
        helm2 = cache.get(helm_args, cwd, 2)
        verdict = compare(helm1, [helm2], ours)
        if verdict is not None and cache.enabled:
            # Cached runs are older than chartgate's: time functions differ from both; a
            # fresh helm run, compared with the cached ones, masks those lines too.
            fresh = run([cache.helm, "template"] + helm_args, cwd)
            verdict = compare(fresh, [helm1, helm2], ours)
    return chart, label, args, helm1["rc"], ours["rc"], verdict


def command_args(chart, args):
    """`helm template` arguments; a variant's args may start with `@release NAME` ("" = none)."""
    release = RELEASE
    if args[:1] == ["@release"]:
        release, args = args[1], args[2:]
    full = ["charts/" + chart, "--namespace", NAMESPACE] + args
    return ([release] if release else []) + full


def quote(a):
    if re.fullmatch(r"[\w@%+=:,./-]+", a):
        return a
    return "'" + a.replace("'", "'\\''") + "'"


def write_result(rep, tsv, cwd, res):
    chart, label, args, hrc, orc, verdict = res
    cmd = "helm template " + " ".join(quote(a) for a in command_args(chart, args))
    summary = ""
    if verdict is not None:
        lines = verdict.split("\n")
        summary = lines[0][:200]
        for ln in lines[1:]:
            if ln.startswith("  - ") or ln.startswith("  + "):
                summary += " | " + ln.strip()[:200]
        rep.write("### %s %s\n$ (cd %s && %s)\n%s\n\n" % (chart, label, cwd, cmd, verdict))
    tsv.write("%s\t%s\t%d\t%d\t%s\t%s\n" % (
        chart, label, hrc, orc, "same" if verdict is None else "diff",
        summary.replace("\t", " ")))


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("charts", nargs="?", default=os.path.join(repo, "../shared/corpus/charts"))
    ap.add_argument("--helm", default="/usr/local/bin/helm")
    ap.add_argument("--chartgate", default=os.path.join(repo, "target/release/chartgate"))
    ap.add_argument("--out", default="/work/notes/difftest-out")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--max-flips", type=int, default=10)
    ap.add_argument("--filter", default="", help="only charts whose name contains this")
    ap.add_argument("--only-variant", default="", help="only variants whose label contains this")
    ap.add_argument("--variants", default="",
                    help="comma-separated label prefixes to keep (e.g. default,flip,@,kube)")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--subcharts", choices=["also", "only"],
                    help="also (or only) test every vendored application subchart on its own")
    ap.add_argument("-v", "--verbose", action="store_true")
    opts = ap.parse_args()

    charts_dir = os.path.abspath(opts.charts)
    cwd = os.path.dirname(charts_dir)
    if os.path.basename(charts_dir) != "charts":
        sys.exit("difftest: the charts directory must be named `charts` (commands use charts/<name>)")
    chartgate = os.path.abspath(opts.chartgate)
    os.makedirs(opts.out, exist_ok=True)
    cache = HelmCache(opts.helm, os.path.join(opts.out, "cache"), not opts.no_cache)

    charts = [c for c in sorted(os.listdir(charts_dir)) if os.path.isdir(os.path.join(charts_dir, c))]
    if opts.subcharts:
        charts = [] if opts.subcharts == "only" else charts
        charts += vendored_subcharts(charts_dir)
    jobs = []
    for chart in charts:
        if opts.filter not in chart:
            continue
        for label, args in variants(charts_dir, chart, opts.max_flips):
            if opts.only_variant in label and (
                not opts.variants or any(label.startswith(v) for v in opts.variants.split(","))
            ):
                jobs.append((chart, label, args, cwd, cache, chartgate))

    start = time.time()
    results = []
    # Written as results arrive, so an interrupted run still leaves its report.
    with open(os.path.join(opts.out, "report.txt"), "w", encoding="utf-8",
              errors="surrogateescape") as rep, \
            open(os.path.join(opts.out, "results.tsv"), "w", encoding="utf-8",
                 errors="surrogateescape") as tsv, \
            concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(opts.jobs, 2))) as ex:
        tsv.write("chart\tvariant\thelm_rc\tchartgate_rc\tverdict\tsummary\n")
        for n, res in enumerate(ex.map(check, jobs), 1):
            results.append(res)
            write_result(rep, tsv, cwd, res)
            if opts.verbose:
                print("%s %s %s" % ("SAME" if res[5] is None else "DIFF", res[0], res[1]),
                      file=sys.stderr)
            if n % 200 == 0:
                rep.flush()
                tsv.flush()
                print("difftest: %d/%d done (%.0fs)" % (n, len(jobs), time.time() - start),
                      file=sys.stderr)

    same = sum(1 for r in results if r[5] is None)
    print("difftest: %d/%d identical (%d charts, %.0fs; report: %s)" % (
        same, len(results), len({r[0] for r in results}), time.time() - start,
        os.path.join(opts.out, "report.txt")))
    return 0 if same == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
