#!/usr/bin/env python3
"""Runs the gatekeeper-library test suites through `chartgate scan` and compares verdicts.

Usage: tools/gklib.py LIBRARY_DIR [--chartgate BIN] [-v] [--filter SUBSTRING]

LIBRARY_DIR is a checkout of open-policy-agent/gatekeeper-library (or any tree with the same
layout): every `suite.yaml` under it is read, and each test case is evaluated as `gator verify`
does: the case's object (a manifest or an AdmissionReview) is reviewed against the test's
ConstraintTemplate + Constraint, with the case's `inventory` objects as `data.inventory`, and
each assertion (`violations: yes|no|N`, optionally restricted to messages matching the
`message` regular expression) is checked against the violations chartgate reports.

The objects are given to chartgate on stdin, the case's object first and its inventory objects
after it, so they share one `data.inventory`; only findings located on the case object's lines
count. The namespace is empty (`-n ''`), as in gator: objects without `metadata.namespace` are
matched as Gatekeeper matches them when no namespace is known.

Prints `gatekeeper-library: N/M same verdict` and the cases whose verdict differs. Standard
library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys


# ---------------------------------------------------------------------------------------------
# A small YAML reader: enough for suite.yaml (block maps and lists, flow lists, plain and quoted
# scalars, comments). Scalars stay strings; callers convert.


class YamlError(Exception):
    pass


def _unquoted(s):
    """(index, character) of every character of `s` outside '...' and "..." quotes."""
    quote = None
    for i, c in enumerate(s):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        else:
            yield i, c


def _strip_comment(s):
    for i, c in _unquoted(s):
        if c == "#" and (i == 0 or s[i - 1] in " \t"):
            return s[:i].rstrip()
    return s.rstrip()


def _scalar(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        body = s[1:-1]
        if s[0] == '"':
            return bytes(body, "utf-8").decode("unicode_escape")
        return body.replace("''", "'")
    if s.startswith("[") and s.endswith("]"):
        inner = s[1:-1].strip()
        return [_scalar(x) for x in _split_flow(inner)] if inner else []
    if s in ("", "~", "null"):
        return None
    return s


def _split_flow(s):
    parts, cur, quote = [], [], None
    for c in s:
        if quote:
            cur.append(c)
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
            cur.append(c)
        elif c == ",":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def _split_key(s):
    """`key: value` → (key, value) outside quotes, or None."""
    for i, c in _unquoted(s):
        if c == ":" and (i + 1 == len(s) or s[i + 1] in " \t"):
            return _scalar(s[:i]), s[i + 1 :].strip()
    return None


def load_yaml(text):
    lines = []
    for raw in text.splitlines():
        if raw.strip() in ("---", "..."):
            continue
        s = _strip_comment(raw)
        if not s.strip():
            continue
        indent = len(s) - len(s.lstrip(" "))
        lines.append([indent, s.strip()])
    if not lines:
        return None
    value, i = _block(lines, 0, lines[0][0])
    if i != len(lines):
        raise YamlError("unexpected content: %r" % lines[i][1])
    return value


def _block(lines, i, indent):
    if lines[i][1] == "-" or lines[i][1].startswith("- "):
        return _seq(lines, i, indent)
    return _map(lines, i, indent)


def _seq(lines, i, indent):
    out = []
    while i < len(lines) and lines[i][0] == indent and (
        lines[i][1] == "-" or lines[i][1].startswith("- ")
    ):
        rest = lines[i][1][1:].lstrip(" ")
        if not rest:
            i += 1
            if i < len(lines) and lines[i][0] > indent:
                v, i = _block(lines, i, lines[i][0])
            else:
                v = None
            out.append(v)
            continue
        # The item's content continues at the column after "- ".
        col = indent + (len(lines[i][1]) - len(rest))
        if _split_key(rest) is None and not rest.startswith("- "):
            out.append(_scalar(rest))
            i += 1
            continue
        lines[i] = [col, rest]
        v, i = _block(lines, i, col)
        out.append(v)
    return out, i


def _map(lines, i, indent):
    out = {}
    while i < len(lines) and lines[i][0] == indent:
        kv = _split_key(lines[i][1])
        if kv is None:
            raise YamlError("expected `key: value`: %r" % lines[i][1])
        key, rest = kv
        i += 1
        if rest in ("|", "|-", ">", ">-"):
            # Block scalar: the more-indented lines, joined.
            parts = []
            while i < len(lines) and lines[i][0] > indent:
                parts.append(lines[i][1])
                i += 1
            out[key] = "\n".join(parts)
        elif rest:
            out[key] = _scalar(rest)
        elif i < len(lines) and (
            lines[i][0] > indent
            or (lines[i][0] == indent and (lines[i][1] == "-" or lines[i][1].startswith("- ")))
        ):
            out[key], i = _block(lines, i, lines[i][0])
        else:
            out[key] = None
    return out, i


# ---------------------------------------------------------------------------------------------


def find_suites(root):
    out = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        if "suite.yaml" in files:
            out.append(os.path.join(d, "suite.yaml"))
    return sorted(out)


def expected_count(v):
    """gator's `violations`: "yes" (at least one), "no" (none) or a number; unset means yes."""
    if v is None:
        return "yes"
    s = str(v).strip().lower()
    if s in ("yes", "true"):
        return "yes"
    if s in ("no", "false"):
        return 0
    try:
        return int(s)
    except ValueError:
        return "yes"


def check_assertion(a, messages):
    want = expected_count(a.get("violations"))
    pat = a.get("message")
    if pat is not None:
        # Go's regexp.MatchString: a match anywhere in the message.
        try:
            rx = re.compile(str(pat))
            got = sum(1 for m in messages if rx.search(m))
        except re.error:
            got = sum(1 for m in messages if str(pat) in m)
    else:
        got = len(messages)
    ok = got > 0 if want == "yes" else got == want
    return ok, want, got


def run_case(chartgate, template, constraint, obj, inventory):
    """Violations (messages) chartgate reports on the case object, or an error string."""
    with open(obj, encoding="utf-8") as f:
        text = f.read()
    if not text.endswith("\n"):
        text += "\n"
    obj_lines = text.count("\n")
    for inv in inventory:
        with open(inv, encoding="utf-8") as f:
            text += "---\n" + f.read()
            if not text.endswith("\n"):
                text += "\n"
    cmd = [
        chartgate,
        "scan",
        "-",
        "--policy",
        template,
        "--policy",
        constraint,
        "--no-builtin",
        "--only",
        "policy",
        "--namespace",
        "",
        "--format",
        "json",
    ]
    try:
        p = subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    try:
        report = json.loads(p.stdout)
    except ValueError:
        err = (p.stderr or p.stdout).strip().splitlines()
        return None, "chartgate exited %d: %s" % (p.returncode, err[-1] if err else "")
    messages, errors = [], []
    for f in report.get("findings", []):
        if f.get("stage") != "policy":
            continue
        line = (f.get("location") or {}).get("line") or 1
        if line > obj_lines:
            continue
        if f.get("rule") == "policy/evaluation-error":
            errors.append(f.get("message", ""))
        elif f.get("rule", "").startswith("render/"):
            errors.append(f.get("message", ""))
        else:
            messages.append(f.get("message", ""))
    if errors:
        return messages, "; ".join(errors)
    return messages, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("library", help="gatekeeper-library checkout")
    ap.add_argument("--chartgate", default=None, help="chartgate binary")
    ap.add_argument("--filter", default="", help="only suites whose path contains this")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    args = ap.parse_args()
    chartgate = args.chartgate
    if chartgate is None:
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        for c in ("target/debug/chartgate", "target/release/chartgate"):
            if os.path.exists(os.path.join(here, c)):
                chartgate = os.path.join(here, c)
                break
        else:
            chartgate = "chartgate"
    same = total = skipped = 0
    mismatches = []
    for suite_path in find_suites(args.library):
        if args.filter not in suite_path:
            continue
        d = os.path.dirname(suite_path)
        rel = os.path.relpath(d, args.library)
        try:
            with open(suite_path, encoding="utf-8") as f:
                suite = load_yaml(f.read()) or {}
        except (YamlError, OSError) as e:
            print("%s: cannot read suite: %s" % (rel, e), file=sys.stderr)
            continue
        for test in suite.get("tests") or []:
            template = os.path.join(d, test.get("template") or "template.yaml")
            constraint = os.path.join(d, test.get("constraint") or "")
            for case in test.get("cases") or []:
                name = "%s: %s/%s" % (rel, test.get("name"), case.get("name"))
                obj = os.path.join(d, case.get("object") or "")
                inventory = [os.path.join(d, x) for x in case.get("inventory") or []]
                missing = [
                    p
                    for p in [template, constraint, obj] + inventory
                    if not os.path.isfile(p)
                ]
                if missing:
                    skipped += 1
                    if args.verbose:
                        print("SKIP %s (missing %s)" % (name, ", ".join(missing)))
                    continue
                total += 1
                messages, err = run_case(chartgate, template, constraint, obj, inventory)
                failed = []
                if messages is not None:
                    for a in case.get("assertions") or []:
                        ok, want, got = check_assertion(a or {}, messages)
                        if not ok:
                            what = " matching %r" % a.get("message") if a.get("message") else ""
                            failed.append("want %s violations%s, got %d" % (want, what, got))
                if err is not None or failed:
                    why = "; ".join(failed + ([err] if err else []))
                    mismatches.append((name, why, messages or []))
                    if args.verbose:
                        print("DIFF %s: %s" % (name, why))
                else:
                    same += 1
                    if args.verbose:
                        print("SAME %s" % name)
    print("gatekeeper-library: %d/%d same verdict" % (same, total))
    if skipped:
        print("(%d cases skipped: files missing from the checkout)" % skipped)
    for name, why, messages in mismatches:
        print("  DIFF %s: %s" % (name, why))
        for m in messages[:5]:
            print("       violation: %s" % m)
    return 0 if same == total else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # Output piped into `head`: not an error.
        sys.exit(1)
