//! The text of a values-schema failure as helm v4 prints it. helm's validator builds a tree:
//! every (schema, value) evaluation that fails more than once becomes a `validation failed`
//! node over its failures, `allOf`/`anyOf`/`oneOf`/`contains`/`$ref` become nodes over their
//! branches' results, and a single failure passes up as it is; the root's own group is
//! dropped, and a `$ref` node with one cause is not printed. The validator we use reports
//! flat leaf failures with their evaluation paths (and the branches of `anyOf`/`oneOf`), so
//! the tree is rebuilt here from those paths, with helm's wording and number formatting.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::ValidationError;
use serde_json::Value as J;

/// One node of helm's failure tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    /// JSON pointer of the value (escaped), `""` for the root.
    inst: String,
    msg: String,
    causes: Vec<Failure>,
    /// A `$ref` node, printed only when it has two causes or more.
    by_ref: bool,
}

impl Failure {
    fn leaf(inst: &str, msg: String) -> Failure {
        Failure {
            inst: inst.to_string(),
            msg,
            causes: Vec::new(),
            by_ref: false,
        }
    }

    fn node(inst: &str, msg: &str, causes: Vec<Failure>) -> Failure {
        Failure {
            inst: inst.to_string(),
            msg: msg.to_string(),
            causes,
            by_ref: false,
        }
    }

    fn is_group(&self) -> bool {
        !self.by_ref && self.msg == GROUP && !self.causes.is_empty()
    }

    fn write(&self, depth: usize, out: &mut Vec<String>) {
        if self.by_ref && self.causes.len() == 1 {
            return self.causes[0].write(depth, out);
        }
        out.push(format!(
            "{}- at {}: {}",
            "  ".repeat(depth),
            go_quote(&self.inst),
            self.msg
        ));
        for c in &self.causes {
            c.write(depth + 1, out);
        }
    }
}

const GROUP: &str = "validation failed";

/// The report lines (without the chart line) for the validator's errors of one schema.
pub(crate) fn report(errors: &[ValidationError<'_>], schema: &J) -> Vec<String> {
    let ctx = Ctx {
        schema,
        draft7: schema
            .get("$schema")
            .and_then(J::as_str)
            .is_some_and(|s| s.contains("draft-0")),
    };
    let mut tree = Tree::default();
    tree.node("", "");
    for e in errors {
        tree.add(&ctx, e, "", 0, false);
    }
    let top = match tree.result(&ctx, 0) {
        Some(f) if f.is_group() => f.causes,
        Some(f) => vec![f],
        None => Vec::new(),
    };
    let mut out = Vec::new();
    for f in &top {
        f.write(0, &mut out);
    }
    out
}

/// One failure on its own, in helm's words (for findings that carry a single message).
pub(crate) fn describe(e: &ValidationError<'_>) -> String {
    let ctx = Ctx {
        schema: &J::Null,
        draft7: false,
    };
    let inst = e.instance_path().as_str().to_string();
    let mut out = Vec::new();
    for f in leaves(&ctx, e, &inst) {
        f.write(0, &mut out);
    }
    out.join("\n")
}

struct Ctx<'s> {
    schema: &'s J,
    /// Drafts before 2019-09: `$ref` ignores its sibling keywords.
    draft7: bool,
}

/// Schema evaluations keyed by their evaluation path; node 0 is the root.
#[derive(Default)]
struct Tree {
    nodes: Vec<Node>,
    /// Each node's evaluation path and value: one subschema applied to two values (the
    /// items of an array) is two evaluations.
    keys: Vec<(String, String)>,
}

struct Node {
    inst: String,
    entries: Vec<(u32, Entry)>,
}

enum Entry {
    Leaf(Failure),
    /// A subschema evaluation (a property, an item, `then`…): its result is one failure.
    Child(usize),
    /// `allOf`: the results of its failing branches, by branch number.
    AllOf(Vec<(usize, usize)>),
    /// `$ref` and friends: the referenced schema's failures.
    Ref(usize),
}

impl Tree {
    fn node(&mut self, path: &str, inst: &str) -> usize {
        if let Some(i) = self.keys.iter().position(|(p, v)| p == path && v == inst) {
            return i;
        }
        self.keys.push((path.to_string(), inst.to_string()));
        self.nodes.push(Node {
            inst: inst.to_string(),
            entries: Vec::new(),
        });
        self.nodes.len() - 1
    }

    fn child(&mut self, at: usize, rank: u32, path: &str, inst: &str) -> usize {
        let c = self.node(path, inst);
        let known = self.nodes[at]
            .entries
            .iter()
            .any(|(_, e)| matches!(e, Entry::Child(x) | Entry::Ref(x) if *x == c));
        if !known {
            self.nodes[at].entries.push((rank, Entry::Child(c)));
        }
        c
    }

    /// Files error `e` under the nodes its evaluation path runs through, from `base` (the
    /// path of node `at`). `e`'s instance path starts with node `at`'s value, or, when
    /// `relative`, at it.
    fn add(
        &mut self,
        ctx: &Ctx<'_>,
        e: &ValidationError<'_>,
        base: &str,
        at: usize,
        relative: bool,
    ) {
        let eval = e.evaluation_path().as_str();
        let rest = eval.strip_prefix(base).unwrap_or(eval);
        let segs: Vec<&str> = rest.split('/').skip(1).collect();
        let inst_tokens: Vec<&str> = e.instance_path().as_str().split('/').skip(1).collect();
        let mut cur = at;
        let mut path = base.to_string();
        let mut inst = self.nodes[at].inst.clone();
        let mut used = if relative {
            0
        } else {
            inst.split('/').count() - 1
        };
        let mut i = 0;
        while i < segs.len() {
            let s = segs[i];
            let last = i + 1 == segs.len();
            let mut take_token = |inst: &mut String| {
                if let Some(t) = inst_tokens.get(used) {
                    inst.push('/');
                    inst.push_str(t);
                    used += 1;
                }
            };
            match s {
                "properties" | "patternProperties" if !last => {
                    path = format!("{path}/{s}/{}", segs[i + 1]);
                    take_token(&mut inst);
                    cur = self.child(cur, 14, &path, &inst);
                    i += 2;
                }
                "prefixItems" if !last => {
                    path = format!("{path}/{s}/{}", segs[i + 1]);
                    take_token(&mut inst);
                    cur = self.child(cur, 23, &path, &inst);
                    i += 2;
                }
                "items" if !last && segs[i + 1].parse::<usize>().is_ok() && i + 2 < segs.len() => {
                    path = format!("{path}/{s}/{}", segs[i + 1]);
                    take_token(&mut inst);
                    cur = self.child(cur, 23, &path, &inst);
                    i += 2;
                }
                "additionalProperties"
                | "items"
                | "additionalItems"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                    if !last =>
                {
                    path = format!("{path}/{s}");
                    take_token(&mut inst);
                    cur = self.child(cur, rank_of(s), &path, &inst);
                    i += 1;
                }
                "allOf" if !last && i + 2 < segs.len() => {
                    let n: usize = segs[i + 1].parse().unwrap_or(0);
                    let owner = cur;
                    path = format!("{path}/allOf/{n}");
                    let branch = self.node(&path, &inst);
                    let entries = &mut self.nodes[owner].entries;
                    match entries
                        .iter_mut()
                        .find(|(_, e)| matches!(e, Entry::AllOf(_)))
                    {
                        Some((_, Entry::AllOf(bs))) => {
                            if !bs.iter().any(|b| b.1 == branch) {
                                bs.push((n, branch));
                            }
                        }
                        _ => entries.push((61, Entry::AllOf(vec![(n, branch)]))),
                    }
                    cur = branch;
                    i += 2;
                }
                "$ref" | "$dynamicRef" | "$recursiveRef" if !last => {
                    path = format!("{path}/{s}");
                    let target = self.node(&path, &inst);
                    let rank = if s == "$ref" { 4 } else { 50 };
                    let known = self.nodes[cur]
                        .entries
                        .iter()
                        .any(|(_, e)| matches!(e, Entry::Ref(x) if *x == target));
                    if !known {
                        self.nodes[cur].entries.push((rank, Entry::Ref(target)));
                    }
                    cur = target;
                    i += 1;
                }
                "then" | "else" if !last => {
                    path = format!("{path}/{s}");
                    cur = self.child(cur, 64, &path, &inst);
                    i += 1;
                }
                "dependencies" | "dependentSchemas" if i + 2 < segs.len() => {
                    path = format!("{path}/{s}/{}", segs[i + 1]);
                    cur = self.child(cur, rank_of(s), &path, &inst);
                    i += 2;
                }
                _ => {
                    // A keyword: the failure itself.
                    let here = self.nodes[cur].inst.clone();
                    if let Some(f) = special_leaf(
                        ctx,
                        e,
                        s,
                        &here,
                        &inst_tokens[used.min(inst_tokens.len())..],
                    ) {
                        self.nodes[cur].entries.push((rank_of(s), Entry::Leaf(f)));
                        return;
                    }
                    for f in leaves(ctx, e, &here) {
                        self.nodes[cur].entries.push((rank_of(s), Entry::Leaf(f)));
                    }
                    return;
                }
            }
        }
        // The path ends at a schema, not a keyword: a `false` schema.
        let here = self.nodes[cur].inst.clone();
        for f in leaves(ctx, e, &here) {
            self.nodes[cur].entries.push((0, Entry::Leaf(f)));
        }
    }

    /// What node `n` passes up: nothing, its one failure, or a group of them.
    fn result(&self, ctx: &Ctx<'_>, n: usize) -> Option<Failure> {
        let node = &self.nodes[n];
        let mut entries: Vec<&(u32, Entry)> = node.entries.iter().collect();
        entries.sort_by_key(|(r, _)| *r);
        // The first failing of type, const, enum and format ends the evaluation; under
        // draft 7, so does `$ref`.
        let stop = entries
            .iter()
            .find(|(r, e)| *r < 4 || (ctx.draft7 && *r == 4 && matches!(e, Entry::Ref(_))));
        if let Some(first) = stop {
            entries = vec![*first];
        }
        let mut out: Vec<Failure> = Vec::new();
        for (rank, e) in entries {
            let f = match e {
                Entry::Leaf(f) => Some(f.clone()),
                Entry::Child(c) => self.result(ctx, *c),
                Entry::Ref(c) => self.result(ctx, *c).map(|f| {
                    let causes = if f.is_group() { f.causes } else { vec![f] };
                    Failure {
                        inst: node.inst.clone(),
                        msg: GROUP.into(),
                        causes,
                        by_ref: true,
                    }
                }),
                Entry::AllOf(branches) => {
                    let mut bs = branches.clone();
                    bs.sort();
                    let causes: Vec<Failure> = bs
                        .iter()
                        .filter_map(|(_, b)| self.result(ctx, *b))
                        .collect();
                    (!causes.is_empty())
                        .then(|| Failure::node(&node.inst, "'allOf' failed", causes))
                }
            };
            let Some(f) = f else { continue };
            // One dependency failure per property, naming every missing one.
            if let Some((names, cond)) = f
                .msg
                .strip_prefix("properties ")
                .and_then(|m| m.split_once(" required, if "))
            {
                if let Some(prev) = out
                    .iter_mut()
                    .find(|p| p.inst == f.inst && p.msg.ends_with(&format!(" required, if {cond}")))
                {
                    let before = prev
                        .msg
                        .trim_start_matches("properties ")
                        .split(" required, if ")
                        .next()
                        .unwrap_or("")
                        .to_string();
                    prev.msg = format!("properties {before}, {names} required, if {cond}");
                    continue;
                }
            }
            // One `required` failure per object, naming every missing property.
            if *rank == 12 {
                if let Some(prev) = out
                    .iter_mut()
                    .find(|p| p.inst == f.inst && p.msg.starts_with("missing propert"))
                {
                    let names = |m: &str| {
                        m.trim_start_matches("missing properties ")
                            .trim_start_matches("missing property ")
                            .to_string()
                    };
                    prev.msg =
                        format!("missing properties {}, {}", names(&prev.msg), names(&f.msg));
                    continue;
                }
            }
            out.push(f);
        }
        match out.len() {
            0 => None,
            1 => out.pop(),
            _ => Some(Failure::node(&node.inst, GROUP, out)),
        }
    }
}

/// Failures whose shape the validator does not report as helm does: a missing dependency
/// (helm names the property that requires it) and an item failing a `false` schema after the
/// tuple items (helm's validator numbers those items from 0 after the tuple).
fn special_leaf(
    ctx: &Ctx<'_>,
    e: &ValidationError<'_>,
    keyword: &str,
    here: &str,
    rest: &[&str],
) -> Option<Failure> {
    match (e.kind(), keyword) {
        (ValidationErrorKind::Required { property }, "dependencies" | "dependentRequired") => {
            let missing = property.as_str()?;
            let deps = ctx.schema.pointer(e.schema_path().as_str())?.as_object()?;
            let obj = e.instance().as_object()?;
            let prop = deps.iter().find_map(|(p, want)| {
                let listed = want.as_array()?.iter().any(|w| w.as_str() == Some(missing));
                (listed && obj.contains_key(p)).then_some(p)
            })?;
            Some(Failure::leaf(
                here,
                format!(
                    "properties {} required, if {} exists",
                    go_quote(missing),
                    go_quote(prop)
                ),
            ))
        }
        (ValidationErrorKind::FalseSchema, "items" | "additionalItems") => {
            let index: usize = rest.first()?.parse().ok()?;
            let loc = e.schema_path().as_str();
            let parent = ctx.schema.pointer(loc.rsplit_once('/')?.0)?;
            let tuple = match keyword {
                "items" => parent.get("prefixItems"),
                _ => parent.get("items"),
            };
            let skip = tuple.and_then(J::as_array).map_or(0, Vec::len);
            Some(Failure::leaf(
                &format!("{here}/{}", index.saturating_sub(skip)),
                "false schema".into(),
            ))
        }
        _ => None,
    }
}

/// Where helm's validator evaluates a keyword among a schema's others (its order).
fn rank_of(keyword: &str) -> u32 {
    match keyword {
        "type" => 0,
        "const" => 1,
        "enum" => 2,
        "format" => 3,
        "$ref" => 4,
        "minProperties" => 10,
        "maxProperties" => 11,
        "required" => 12,
        "dependencies" => 13,
        "properties" | "patternProperties" => 14,
        "additionalProperties" => 15,
        "propertyNames" => 16,
        "dependentSchemas" => 17,
        "dependentRequired" => 18,
        "minItems" => 20,
        "maxItems" => 21,
        "uniqueItems" => 22,
        "items" | "prefixItems" | "additionalItems" => 23,
        "contains" | "minContains" => 24,
        "maxContains" => 25,
        "minLength" => 30,
        "maxLength" => 31,
        "pattern" => 32,
        "contentEncoding" => 33,
        "contentMediaType" => 34,
        "contentSchema" => 35,
        "minimum" => 40,
        "maximum" => 41,
        "exclusiveMinimum" => 42,
        "exclusiveMaximum" => 43,
        "multipleOf" => 44,
        "$dynamicRef" | "$recursiveRef" => 50,
        "not" => 60,
        "allOf" => 61,
        "anyOf" => 62,
        "oneOf" => 63,
        "if" | "then" | "else" => 64,
        "unevaluatedProperties" | "unevaluatedItems" => 70,
        _ => 80,
    }
}

/// The failures one validator error stands for at instance `inst` (most are one leaf;
/// `unevaluated*` name each value; `anyOf`/`oneOf` carry their branches).
fn leaves(ctx: &Ctx<'_>, e: &ValidationError<'_>, inst: &str) -> Vec<Failure> {
    let value = e.instance();
    let one = |msg: String| vec![Failure::leaf(inst, msg)];
    match e.kind() {
        ValidationErrorKind::Type { kind } => {
            let mut want: Vec<&str> = match kind {
                TypeKind::Single(t) => vec![t.as_str()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect(),
            };
            const ORDER: [&str; 7] = [
                "null", "boolean", "number", "integer", "string", "array", "object",
            ];
            want.sort_by_key(|t| ORDER.iter().position(|o| o == t));
            one(format!(
                "got {}, want {}",
                type_name(value),
                want.join(" or ")
            ))
        }
        ValidationErrorKind::Required { property } => one(format!(
            "missing property {}",
            go_quote(property.as_str().unwrap_or_default())
        )),
        ValidationErrorKind::AdditionalProperties { unexpected } => one(format!(
            "additional properties {} not allowed",
            unexpected
                .iter()
                .map(|u| go_quote(u))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        ValidationErrorKind::Enum { options } => {
            let items: Vec<&J> = match options.as_ref() {
                J::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            if items.iter().any(|v| v.is_array() || v.is_object()) {
                one("'enum' failed".into())
            } else if items.len() == 1 {
                one(format!("value must be {}", display(items[0])))
            } else {
                let shown: Vec<String> = items.iter().map(|v| display(v)).collect();
                one(format!("value must be one of {}", shown.join(", ")))
            }
        }
        ValidationErrorKind::Constant { expected_value } => match expected_value.as_ref() {
            J::Array(_) | J::Object(_) => one("'const' failed".into()),
            v => one(format!("value must be {}", display(v))),
        },
        ValidationErrorKind::Maximum { limit } => one(bound("maximum", value, limit)),
        ValidationErrorKind::Minimum { limit } => one(bound("minimum", value, limit)),
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            one(bound("exclusiveMaximum", value, limit))
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            one(bound("exclusiveMinimum", value, limit))
        }
        ValidationErrorKind::MultipleOf { multiple_of } => one(format!(
            "multipleOf: got {}, want {}",
            number(value.as_f64().unwrap_or(0.0)),
            number(*multiple_of)
        )),
        ValidationErrorKind::MaxLength { limit } => one(sizes("maxLength", value, *limit)),
        ValidationErrorKind::MinLength { limit } => one(sizes("minLength", value, *limit)),
        ValidationErrorKind::MaxItems { limit } => one(sizes("maxItems", value, *limit)),
        ValidationErrorKind::MinItems { limit } => one(sizes("minItems", value, *limit)),
        ValidationErrorKind::MaxProperties { limit } => one(sizes("maxProperties", value, *limit)),
        ValidationErrorKind::MinProperties { limit } => one(sizes("minProperties", value, *limit)),
        ValidationErrorKind::Pattern { pattern } => match value.as_ref() {
            J::String(s) => one(format!(
                "{} does not match pattern {}",
                go_quote(s),
                go_quote(pattern)
            )),
            _ => one(e.to_string()),
        },
        ValidationErrorKind::UniqueItems => match equal_items(value) {
            Some((i, j)) => one(format!("items at {} and {} are equal", int(i), int(j))),
            None => one(e.to_string()),
        },
        ValidationErrorKind::AdditionalItems { limit } => {
            let n = value
                .as_array()
                .map_or(0, |a| a.len().saturating_sub(*limit));
            one(format!("last {} additionalItem(s) not allowed", int(n)))
        }
        ValidationErrorKind::Not { .. } => one("'not' failed".into()),
        ValidationErrorKind::FalseSchema => one("false schema".into()),
        ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected
            .iter()
            .map(|u| Failure::leaf(&format!("{inst}/{}", escape(u)), "false schema".into()))
            .collect(),
        // The validator names the items' values; unevaluated items are the trailing ones.
        ValidationErrorKind::UnevaluatedItems { unexpected } => {
            let len = value.as_array().map_or(0, Vec::len);
            (len.saturating_sub(unexpected.len())..len)
                .map(|i| Failure::leaf(&format!("{inst}/{i}"), "false schema".into()))
                .collect()
        }
        ValidationErrorKind::AnyOf { context } => {
            vec![Failure::node(
                inst,
                "'anyOf' failed",
                branches(ctx, e, inst, context),
            )]
        }
        ValidationErrorKind::OneOfNotValid { context } => vec![Failure::node(
            inst,
            "'oneOf' failed, none matched",
            branches(ctx, e, inst, context),
        )],
        ValidationErrorKind::OneOfMultipleValid { context } => {
            let ok: Vec<usize> = context
                .iter()
                .enumerate()
                .filter(|(_, errs)| errs.is_empty())
                .map(|(i, _)| i)
                .take(2)
                .collect();
            match ok.as_slice() {
                [a, b] => one(format!(
                    "'oneOf' failed, subschemas {}, {} matched",
                    int(*a),
                    int(*b)
                )),
                _ => one("'oneOf' failed".into()),
            }
        }
        ValidationErrorKind::Contains => {
            let causes = contains_causes(ctx, e, inst);
            vec![Failure::node(
                inst,
                "no items match contains schema",
                causes,
            )]
        }
        ValidationErrorKind::PropertyNames { error } => {
            let name = match error.instance().as_ref() {
                J::String(s) => s.clone(),
                other => other.to_string(),
            };
            let causes = leaves(ctx, error, "");
            vec![Failure::node(
                "",
                &format!("invalid propertyName {}", go_quote(&name)),
                causes,
            )]
        }
        _ => one(e.to_string()),
    }
}

/// The result of each branch of an `anyOf`/`oneOf`, in branch order.
fn branches(
    ctx: &Ctx<'_>,
    e: &ValidationError<'_>,
    inst: &str,
    context: &[Vec<ValidationError<'_>>],
) -> Vec<Failure> {
    let base = e.evaluation_path().as_str();
    context
        .iter()
        .enumerate()
        .filter_map(|(i, errs)| {
            let mut t = Tree::default();
            let root = t.node(&format!("{base}/{i}"), inst);
            for err in errs {
                t.add(ctx, err, &format!("{base}/{i}"), root, false);
            }
            t.result(ctx, root)
        })
        .collect()
}

/// Each item's failure against the `contains` subschema (helm lists them under the node).
fn contains_causes(ctx: &Ctx<'_>, e: &ValidationError<'_>, inst: &str) -> Vec<Failure> {
    let Some(sub) = ctx.schema.pointer(e.schema_path().as_str()) else {
        return Vec::new();
    };
    // Compiled on its own, with the root's definitions and dialect so that its `$ref`s to
    // them resolve (other references leave the node without causes).
    let mut sub = sub.clone();
    if let (J::Object(s), J::Object(root)) = (&mut sub, ctx.schema) {
        for key in ["$defs", "definitions", "$schema"] {
            if let (false, Some(v)) = (s.contains_key(key), root.get(key)) {
                s.insert(key.to_string(), v.clone());
            }
        }
    }
    let sub = &sub;
    let Ok(v) = jsonschema::validator_for(sub) else {
        return Vec::new();
    };
    let Some(items) = e.instance().as_array().cloned() else {
        return Vec::new();
    };
    let inner = Ctx {
        schema: sub,
        draft7: ctx.draft7,
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let errs: Vec<_> = v.iter_errors(item).collect();
        let mut t = Tree::default();
        let here = format!("{inst}/{i}");
        let root = t.node("", &here);
        for err in &errs {
            t.add(&inner, err, "", root, true);
        }
        out.extend(t.result(&inner, root));
    }
    out
}

/// JSON pointer escaping of one token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// helm's validator's quoting: Go's `%q` inside single quotes (`'` escaped, `"` not).
pub(crate) fn go_quote(s: &str) -> String {
    let q = gotpl::fmt::quote(s);
    let inner = &q[1..q.len() - 1];
    format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
}

/// A schema value as helm's validator shows it in `enum`/`const` failures.
fn display(v: &J) -> String {
    match v {
        J::String(s) => go_quote(s),
        J::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

/// The instance type in helm's words: every number is a `number`.
fn type_name(v: &J) -> &'static str {
    match v {
        J::Null => "null",
        J::Bool(_) => "boolean",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

fn bound(keyword: &str, got: &J, want: &J) -> String {
    format!(
        "{keyword}: got {}, want {}",
        number(got.as_f64().unwrap_or(0.0)),
        number(want.as_f64().unwrap_or(0.0))
    )
}

fn sizes(keyword: &str, v: &J, want: u64) -> String {
    let got = match v {
        J::String(s) => s.chars().count(),
        J::Array(a) => a.len(),
        J::Object(o) => o.len(),
        _ => 0,
    };
    format!("{keyword}: got {}, want {}", int(got), int(want as usize))
}

/// `uniqueItems`: the first pair of equal items, as helm names them.
fn equal_items(v: &J) -> Option<(usize, usize)> {
    let a = v.as_array()?;
    (1..a.len()).find_map(|j| (0..j).find(|&i| json_equal(&a[i], &a[j])).map(|i| (i, j)))
}

/// JSON equality with numbers compared by value (1 == 1.0).
fn json_equal(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// An integer as helm's message printer writes it (English digit grouping: `70,000`).
fn int(n: usize) -> String {
    group(&n.to_string())
}

fn group(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A float as helm's message printer writes `%v`: the shortest digits, in decimal with
/// grouping (`-12,345.5`) when the exponent is in -4..6, else `1.0000005×10⁰⁶`.
fn number(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "∞".into()
        } else {
            "-∞".into()
        };
    }
    let sci = format!("{:e}", f.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..6).contains(&exp) {
        let plain = format!("{}", f.abs());
        let (whole, frac) = plain.split_once('.').unwrap_or((&plain, ""));
        let frac = if frac.is_empty() {
            String::new()
        } else {
            format!(".{frac}")
        };
        return format!("{sign}{}{frac}", group(whole));
    }
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let digits = format!("{:02}", exp.abs());
    let mut e = String::new();
    if exp < 0 {
        e.push('⁻');
    }
    e.extend(digits.chars().map(|d| SUP[d as usize - '0' as usize]));
    format!("{sign}{mant}×10{e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_helm_prints_them() {
        assert_eq!(number(123456.0), "123,456");
        assert_eq!(number(-12345.5), "-12,345.5");
        assert_eq!(number(1000000.5), "1.0000005×10⁰⁶");
        assert_eq!(number(1e25), "1×10²⁵");
        assert_eq!(number(1.5e300), "1.5×10³⁰⁰");
        assert_eq!(number(0.00001), "1×10⁻⁰⁵");
        assert_eq!(number(-0.0001), "-0.0001");
        assert_eq!(number(999999.0), "999,999");
        assert_eq!(number(3.25), "3.25");
        assert_eq!(int(1500), "1,500");
        assert_eq!(int(100), "100");
    }

    #[test]
    fn quoting_as_helm_does() {
        assert_eq!(go_quote("it's a \"b\""), r#"'it\'s a "b"'"#);
        assert_eq!(go_quote(r"^\d+$"), r"'^\\d+$'");
        assert_eq!(go_quote("/c~0d/it's"), r"'/c~0d/it\'s'");
    }
}
