#!/usr/bin/env python3
"""Generate / check the template-engine conformance expectations with the real helm.

Usage:
  tests/conformance/gen.py                 # fill in / refresh every expectation from helm
  tests/conformance/gen.py --check         # report cases whose stored expectation differs from helm now
  tests/conformance/gen.py -k printf       # only cases whose name contains "printf"
  tests/conformance/gen.py cases/fmt.txt   # only these case files
  HELM=/path/to/helm tests/conformance/gen.py

Case files (tests/conformance/cases/*.txt) are sequences of blocks:

  # comment lines before the first case (file header)
  === case_name            (names: [A-Za-z0-9_]+, unique over all files)
  # optional comment lines
  --- values               (optional: the chart's values.yaml)
  --- file _helpers.tpl    (optional, repeatable: extra files under templates/; a name starting
                            with "/" is relative to the chart root, e.g. "/files/a.txt")
  --- template             (the case template, rendered as conf/templates/<case_name>.yaml)
  --- output               (expected raw output of that template, `<no value>` erased)
  --- output-json          (same, as one JSON string literal: used for control chars / trailing spaces)
  --- output-regex         (hand-written: a regex the whole output must match (Rust `regex` syntax, dot matches
                            newline); checked, never rewritten)
  --- error                (expected helm error message, without "Error: " and helm's --debug hint)
  --- error-regex          (hand-written: a regex the whole error message must match; never rewritten)

Block content is verbatim: everything between the header line and the next `=== `/`--- ` line,
minus the single newline that precedes the next header. A `<kind>-json` variant exists for every
block (values-json, template-json, file-json NAME) for content that cannot be written verbatim.

How the raw output is obtained: helm post-processes manifests (split, trim, drop empty), but with
`--debug`, when a manifest is invalid YAML, `helm template` dumps every rendered file verbatim as
`---\\n# Source: NAME\\n<content>\\n` (map order, last one trimmed). So each batch chart gets an
always-invalid extra template, and each case template is wrapped in sentinels (`@@B:name@@` before,
`@@E:name@@` after; neither contains whitespace, so trim markers in the case are unaffected) that
delimit the exact bytes. Cases that fail run alone, unwrapped, so line:col in messages are exact.
Cases with extra files or that may mutate .Values run alone; others are batched per values text.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")
CHART = "conf"
RELEASE = "rel"
HINT = "\n\nUse --debug flag to render out invalid YAML\n"
INVALID_NAME = "zz-invalid-yaml.yaml"  # '-' never appears in case names: no collision
BATCH_MAX = 60
NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")
KINDS = {"values", "template", "file", "output", "output-regex", "error", "error-regex"}
EXPECT_KINDS = {"output", "output-regex", "error", "error-regex"}
# Cases that could leak into others of their batch run alone: functions that mutate maps in
# place, and `define`/`block` (template names are global to the chart).
MUTATING = re.compile(r"\b(set|unset|merge|mergeOverwrite|mustMerge|mustMergeOverwrite|define|block)\b")


# Every function helm v4 exposes to templates: text/template builtins, Sprig v3 (minus env and
# expandenv, which helm removes) and helm's own. `--coverage` lists those no case uses.
FUNCTIONS = """
    and call html index slice js len not or print printf println urlquery eq ge gt le lt ne
    hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound
    htmlDate htmlDateInZone must_date_modify mustDateModify mustToDate now toDate unixEpoch
    abbrev abbrevboth trunc trim upper lower title untitle substr repeat trimall trimAll
    trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii randNumeric swapcase
    shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote
    squote cat indent nindent replace plural sha1sum sha256sum adler32sum toString atoi int64
    int float64 seq toDecimal split splitList splitn toStrings until untilStep add1 add sub div
    mod mul randInt add1f addf subf divf mulf biggest max min maxf minf ceil floor round join
    sortAlpha default empty coalesce all any compact mustCompact fromJson toJson toPrettyJson
    toRawJson mustFromJson mustToJson mustToPrettyJson mustToRawJson ternary deepCopy
    mustDeepCopy typeOf typeIs typeIsLike kindOf kindIs deepEqual getHostByName base dir clean
    ext isAbs osBase osClean osDir osExt osIsAbs b64enc b64dec b32enc b32dec tuple list dict get
    set unset hasKey pluck keys pick omit merge mergeOverwrite mustMerge mustMergeOverwrite
    values append push mustAppend mustPush prepend mustPrepend first mustFirst rest mustRest
    last mustLast initial mustInitial reverse mustReverse uniq mustUniq without mustWithout has
    mustHas mustSlice concat dig chunk mustChunk bcrypt htpasswd genPrivateKey derivePassword
    buildCustomCert genCA genCAWithKey genSelfSignedCert genSelfSignedCertWithKey genSignedCert
    genSignedCertWithKey encryptAES decryptAES randBytes uuidv4 semver semverCompare fail
    regexMatch mustRegexMatch regexFindAll mustRegexFindAll regexFind mustRegexFind
    regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral mustRegexReplaceAllLiteral
    regexSplit mustRegexSplit regexQuoteMeta urlParse urlJoin sha512sum mustToYaml include tpl required toYaml
    toYamlPretty fromYaml fromYamlArray fromJsonArray toToml fromToml lookup
""".split()


class Case:
    def __init__(self, name, path, line):
        self.name = name
        self.path = path
        self.line = line
        self.comments = []
        self.values = None
        self.files = []  # [(name, text)]
        self.template = None
        self.expect_kind = None  # output | output-regex | error
        self.expect = None


def parse_file(path):
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    lines = text.split("\n")
    header = []
    cases = []
    cur = None
    block = None  # (kind, arg, is_json, [lines])

    def close_block():
        nonlocal block
        if block is None:
            return
        kind, arg, is_json, blines = block
        content = "\n".join(blines)
        # the newline preceding the next header belongs to the separator
        if is_json:
            raw = content.strip()
            try:
                content = json.loads(raw)
            except ValueError as e:
                sys.exit(f"{path}: case {cur.name}: bad JSON in {kind}-json block: {e}")
        if kind == "values":
            cur.values = content
        elif kind == "template":
            cur.template = content
        elif kind == "file":
            cur.files.append((arg, content))
        else:
            if cur.expect_kind is not None:
                sys.exit(f"{path}: case {cur.name}: more than one expectation block")
            cur.expect_kind = kind
            cur.expect = content
        block = None

    # a file that ends with "\n" yields a last empty element: it is the final separator newline
    if lines and lines[-1] == "":
        lines = lines[:-1]
    for i, ln in enumerate(lines, 1):
        if ln.startswith("=== "):
            close_block()
            name = ln[4:].strip()
            if not NAME_RE.match(name):
                sys.exit(f"{path}:{i}: bad case name {name!r} (want [A-Za-z0-9_]+)")
            cur = Case(name, path, i)
            cases.append(cur)
            continue
        if ln.startswith("--- "):
            if cur is None:
                sys.exit(f"{path}:{i}: block before the first case")
            close_block()
            parts = ln[4:].strip().split(None, 1)
            kind = parts[0]
            arg = parts[1] if len(parts) > 1 else None
            is_json = False
            if kind.endswith("-json"):
                is_json = True
                kind = kind[: -len("-json")]
            if kind not in KINDS:
                sys.exit(f"{path}:{i}: unknown block kind {kind!r}")
            if kind == "file" and not arg:
                sys.exit(f"{path}:{i}: '--- file' needs a file name")
            block = (kind, arg, is_json, [])
            continue
        if block is not None:
            block[3].append(ln)
        elif cur is None:
            header.append(ln)
        elif ln.startswith("#") or ln.strip() == "":
            if ln.strip():
                cur.comments.append(ln)
        else:
            sys.exit(f"{path}:{i}: text outside a block in case {cur.name}")
    close_block()
    for c in cases:
        if c.template is None:
            sys.exit(f"{path}:{c.line}: case {c.name} has no template block")
    return header, cases


def needs_json(s):
    """True when a text can't be stored verbatim safely (editors/git would alter it)."""
    if s is None:
        return False
    for ln in s.split("\n"):
        if ln.startswith("=== ") or ln.startswith("--- "):
            return True
        if ln != ln.rstrip():  # trailing whitespace
            return True
    for ch in s:
        if ch == "\n":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (cat == "Zs" and ch != " "):
            return True
    return False


def emit_block(out, kind, content, arg=None):
    head = f"--- {kind}"
    if needs_json(content):
        head += "-json"
        body = json.dumps(content, ensure_ascii=True)
    else:
        body = content
    if arg:
        head += " " + arg
    out.append(head + "\n")
    out.append(body + "\n")


def write_file(path, header, cases):
    out = []
    for h in header:
        out.append(h + "\n")
    for c in cases:
        out.append(f"=== {c.name}\n")
        for cm in c.comments:
            out.append(cm + "\n")
        if c.values is not None:
            emit_block(out, "values", c.values)
        for fname, ftext in c.files:
            emit_block(out, "file", ftext, fname)
        emit_block(out, "template", c.template)
        if c.expect_kind is not None:
            emit_block(out, c.expect_kind, c.expect)
    text = "".join(out)
    with open(path, encoding="utf-8", newline="") as f:
        old = f.read()
    if old != text:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return True
    return False


# ---------------------------------------------------------------- running helm


def make_chart(root, values, templates):
    """templates: [(filename, text)] placed under templates/."""
    os.makedirs(os.path.join(root, "templates"))
    with open(os.path.join(root, "Chart.yaml"), "w", encoding="utf-8") as f:
        f.write(f"apiVersion: v2\nname: {CHART}\nversion: 0.1.0\nappVersion: \"1.0.0\"\n")
    if values is not None:
        with open(os.path.join(root, "values.yaml"), "w", encoding="utf-8") as f:
            f.write(values)
    for fname, text in templates:
        # "/x" is relative to the chart root (e.g. "/files/a.txt" for .Files), else to templates/
        p = os.path.join(root, fname[1:]) if fname.startswith("/") else os.path.join(root, "templates", fname)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)


def run_helm(helm, chart_dir, debug):
    args = [helm, "template", RELEASE, chart_dir]
    if debug:
        args.append("--debug")
    p = subprocess.run(args, capture_output=True, env=dict(os.environ, HELM_DEBUG="false", TZ="UTC"))
    return p.returncode, p.stdout.decode("utf-8", "surrogateescape"), p.stderr.decode("utf-8", "surrogateescape")


def clean_error(stderr):
    # with --debug helm also logs level=DEBUG lines: keep only from the Error: line on
    idx = stderr.find("Error: ")
    msg = stderr[idx + len("Error: "):] if idx >= 0 else stderr
    if msg.endswith(HINT):
        msg = msg[: -len(HINT)]
    if msg.endswith("\n"):
        msg = msg[:-1]
    return msg


def wrapped(c):
    return f"@@B:{c.name}@@" + c.template + f"@@E:{c.name}@@"


def extract(stdout, c):
    b = f"@@B:{c.name}@@"
    e = f"@@E:{c.name}@@"
    i = stdout.find(b)
    j = stdout.find(e, i + len(b)) if i >= 0 else -1
    if i < 0 or j < 0:
        return None
    return stdout[i + len(b): j]


def render_batch(helm, batch, tmp):
    """Render cases wrapped, in one chart. Returns ({name: output}, error_or_None)."""
    d = tempfile.mkdtemp(dir=tmp)
    chart = os.path.join(d, CHART)
    tpls = [(f"{c.name}.yaml", wrapped(c)) for c in batch]
    for c in batch:
        tpls.extend(c.files)
    tpls.append((INVALID_NAME, "a: [unclosed\n"))
    make_chart(chart, batch[0].values, tpls)
    rc, out, err = run_helm(helm, chart, True)
    shutil.rmtree(d, ignore_errors=True)
    msg = clean_error(err)
    if not msg.startswith("YAML parse error on "):
        return {}, msg  # a template failed before the YAML stage
    res = {}
    for c in batch:
        res[c.name] = extract(out, c)
    return res, None


def render_alone_unwrapped(helm, c, tmp):
    d = tempfile.mkdtemp(dir=tmp)
    chart = os.path.join(d, CHART)
    make_chart(chart, c.values, [(f"{c.name}.yaml", c.template)] + list(c.files))
    rc, out, err = run_helm(helm, chart, False)
    shutil.rmtree(d, ignore_errors=True)
    return rc, clean_error(err)


def observe(helm, cases, tmp, log):
    """Returns {name: ("output", text) | ("error", msg)}."""
    results = {}
    alone = []
    groups = {}
    for c in cases:
        if c.files or c.expect_kind in ("error", "error-regex") or MUTATING.search(c.template):
            alone.append(c)
        else:
            groups.setdefault(c.values, []).append(c)
    work = [[c] for c in alone]
    for cs in groups.values():
        for k in range(0, len(cs), BATCH_MAX):
            work.append(cs[k: k + BATCH_MAX])
    done = 0
    while work:
        batch = work.pop()
        res, err = render_batch(helm, batch, tmp)
        if err is None:
            for c in batch:
                if res.get(c.name) is None:
                    log(f"warning: could not find the output of {c.name} in helm's dump")
                    results[c.name] = ("error", "<gen.py: output not found>")
                else:
                    results[c.name] = ("output", res[c.name])
            done += len(batch)
            log(f"  {done}/{len(cases)}", end="\r")
            continue
        # some case failed: find which one, run it alone unwrapped, retry the rest
        culprit = None
        for c in batch:
            if f"{CHART}/templates/{c.name}.yaml" in err:
                culprit = c
                break
        if culprit is None and len(batch) > 1:
            work.extend([[c] for c in batch])
            continue
        if culprit is None:
            culprit = batch[0]
        rc, msg = render_alone_unwrapped(helm, culprit, tmp)
        results[culprit.name] = ("error", msg if rc != 0 else err)
        done += 1
        rest = [c for c in batch if c is not culprit]
        if rest:
            work.append(rest)
    log("")
    return results


def short(s, n=400):
    r = repr(s)
    return r if len(r) <= n else r[:n] + f"...({len(r)} chars)"


def helm_version(helm):
    try:
        p = subprocess.run([helm, "version", "--short"], capture_output=True, text=True)
    except OSError:
        return ""
    return p.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="case files (default: all of cases/*.txt)")
    ap.add_argument("--check", action="store_true", help="report differences, write nothing")
    ap.add_argument("-k", dest="filter", help="only cases whose name contains this substring")
    ap.add_argument("--helm", default=os.environ.get("HELM", "helm"))
    ap.add_argument("--coverage", action="store_true", help="list functions no case uses, then exit")
    args = ap.parse_args()

    if args.coverage:
        text = ""
        for p in sorted(os.listdir(CASES_DIR)):
            if p.endswith(".txt"):
                for c in parse_file(os.path.join(CASES_DIR, p))[1]:
                    text += c.template + "\n" + "\n".join(t for _, t in c.files)
        unused = [f for f in FUNCTIONS if not re.search(r"(?<![\w.$])" + re.escape(f) + r"(?!\w)", text)]
        print(f"{len(FUNCTIONS) - len(unused)}/{len(FUNCTIONS)} functions used by some case")
        if unused:
            print("unused: " + " ".join(unused))
        return 1 if unused else 0

    ver = helm_version(args.helm)
    if not ver:
        sys.exit(f"cannot run {args.helm} (set HELM=/path/to/helm; ../shared/tools/get-helm.sh installs v4.1.4)")
    vfile = os.path.join(HERE, "helm-version.txt")
    if os.path.exists(vfile):
        with open(vfile, encoding="utf-8") as f:
            recorded = f.read().strip()
        if recorded and recorded != ver:
            print(f"warning: expectations were recorded with helm {recorded}, this is {ver}", file=sys.stderr)
    files = args.files or sorted(
        os.path.join(CASES_DIR, f) for f in os.listdir(CASES_DIR) if f.endswith(".txt")
    )
    parsed = []
    seen = {}
    for p in files:
        header, cases = parse_file(p)
        for c in cases:
            if c.name in seen:
                sys.exit(f"duplicate case name {c.name} in {p} and {seen[c.name]}")
            seen[c.name] = p
        parsed.append((p, header, cases))
    selected = [c for _, _, cs in parsed for c in cs if not args.filter or args.filter in c.name]

    def log(msg, end="\n"):
        print(msg, end=end, file=sys.stderr, flush=True)

    log(f"{ver}: {len(selected)} cases")
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        results = observe(args.helm, selected, tmp, log)

    diffs = 0
    for c in selected:
        kind, got = results[c.name]
        if c.expect_kind in ("output-regex", "error-regex"):
            want = c.expect_kind[: -len("-regex")]
            ok = kind == want and re.fullmatch(c.expect, got, re.S) is not None
            if not ok:
                diffs += 1
                log(f"DIFF {c.name} ({os.path.basename(c.path)}): regex {short(c.expect)} vs helm {kind} {short(got)}")
            continue
        if c.expect_kind == kind and c.expect == got:
            continue
        if c.expect_kind is not None or args.check:
            diffs += 1
            log(f"DIFF {c.name} ({os.path.basename(c.path)}): stored {c.expect_kind} {short(c.expect)}\n"
                f"     helm {kind} {short(got)}")
        if not args.check:
            c.expect_kind, c.expect = kind, got

    if args.check:
        log(f"check: {len(selected) - diffs} agree, {diffs} differ")
        return 1 if diffs else 0
    changed = 0
    for p, header, cases in parsed:
        header = [h for h in header if not h.startswith("# generated by")]
        header.insert(0, f"# generated by tests/conformance/gen.py with helm {ver}; edit templates, then rerun")
        if write_file(p, header, cases):
            changed += 1
    with open(os.path.join(HERE, "helm-version.txt"), "w", encoding="utf-8") as f:
        f.write(ver + "\n")
    log(f"wrote {changed} file(s); {diffs} stored expectation(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
