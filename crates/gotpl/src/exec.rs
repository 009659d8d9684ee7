//! The executor: walks a parsed tree with Go text/template's semantics (helm runs it with
//! `missingkey=zero`).
//!
//! Go distinguishes an *invalid* value (no value at all: a pipeline result, a variable, dot of
//! an `include`d template given nil) from a *nil held in an `interface{}` slot* (a map lookup
//! mid-chain, a range element). Field access on the first quietly yields nothing; on the second
//! it is `nil pointer evaluating interface {}.x`. Values carry that one bit (`iface`) where it
//! matters.
//!
//! Stack: every nested `template`/`include`/`tpl` costs native stack; nesting is capped at
//! [`MAX_NEST`] and the caller must run renders on a thread with [`STACK_BYTES`] of stack.

use crate::func::{FuncDef, Host, Param};
use crate::parse::{parse, Arg, Branch, Cmd, Node, Number, Pipe, Tree};
use crate::template::{go_quote, Error, ErrorKind, Options, Templates};
use crate::value::{ElemType, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Deepest nesting of `template`, `include` and `tpl` calls together: Go's `maxExecDepth`.
/// A plain recursion costs ≈350 bytes of stack per level in release builds and ≈1.6 KB in
/// debug builds (measured by the `deep_nesting_fits_stack` test), so 100000 levels fit in
/// [`STACK_BYTES`]. Richer levels use more; `Options::max_stack` is the safety net.
pub const MAX_NEST: usize = 100_000;

/// Stack the thread running a render must have with the default `Options::max_stack`.
pub const STACK_BYTES: usize = 256 << 20;

/// helm's per-name include limit (`recursionMaxNums`).
const INCLUDE_MAX: u32 = 1000;
/// Nested `tpl` calls. helm has no bound and dies of a Go stack overflow on endless `tpl`
/// recursion; each level keeps its parsed text and error chain alive, so we stop at the same
/// depth helm allows `include`.
const TPL_MAX: usize = 1000;

/// State shared by every template a run executes (including `include` and `tpl` children).
pub(crate) struct Shared {
    opts: Options,
    /// ChaCha20, seeded from the OS (or from `Options::seed`): passwords and private keys
    /// come from here, so a clock-seeded or invertible generator would make them guessable.
    /// Made on the first draw: most renders draw nothing, and seeding costs a system call
    /// and the cipher's CPU-feature probe (a trapped `cpuid` in a VM).
    rng: Option<chacha20::ChaCha20Rng>,
    include_counts: HashMap<String, u32>,
    depth: usize,
    tpl_depth: usize,
    steps: u64,
    /// Stack address where the outermost execution started (0 = not yet known).
    stack_base: usize,
}

fn stack_addr() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker as *const u8 as usize)
}

impl Shared {
    /// Marks the stack depth the current top-level execution starts at.
    pub(crate) fn mark_stack_base(&mut self) {
        if self.depth == 0 {
            self.stack_base = stack_addr();
        }
    }

    /// Whether nesting one more level is allowed: Go's depth limit, and the native stack
    /// budget (`Options::max_stack`), reported with Go's message since a template that gets
    /// this deep recurses without bound.
    fn nest_error(&self) -> Option<String> {
        let over_stack = self.opts.max_stack != 0
            && self.stack_base != 0
            && self.stack_base.abs_diff(stack_addr()) > self.opts.max_stack;
        if self.depth >= MAX_NEST || over_stack {
            return Some(format!("exceeded maximum template depth ({MAX_NEST})"));
        }
        None
    }

    pub(crate) fn new(opts: Options) -> Shared {
        Shared {
            opts,
            rng: None,
            include_counts: HashMap::new(),
            depth: 0,
            tpl_depth: 0,
            steps: 0,
            stack_base: 0,
        }
    }
}

#[derive(Clone)]
struct Dot {
    v: Value,
    iface: bool,
}

enum Flow {
    Break,
    Continue,
    Err(Box<Error>),
}

impl From<Box<Error>> for Flow {
    fn from(e: Box<Error>) -> Flow {
        Flow::Err(e)
    }
}

type ER<T> = Result<T, Box<Error>>;

/// The node execution is at, for error positions and contexts.
#[derive(Clone, Copy)]
enum Cur<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Cmd(&'t Cmd),
    Arg(&'t Arg),
}

pub(crate) struct Exec<'t, 's> {
    set: &'t Templates,
    /// Sets consulted after `set` (a `tpl` executes against a small overlay of its own
    /// defines over the enclosing sets, instead of cloning the whole name table).
    outer: Vec<&'t Templates>,
    sh: &'s mut Shared,
    tree: &'t Tree,
    vars: Vec<(&'t str, Value, bool)>,
    cur: Cur<'t>,
}

fn param_name(p: Param) -> &'static str {
    match p {
        Param::Any => "interface {}",
        Param::Str => "string",
        Param::Int => "int",
        Param::Int64 => "int64",
        Param::Float => "float64",
        Param::Bool => "bool",
        Param::List => "[]interface {}",
        Param::StrList => "[]string",
        Param::Map => "map[string]interface {}",
        Param::Time => "time.Time",
    }
}

/// `v` as a function's argument or result sees it: a copy, without the methods of its
/// pointer type (see `Object::action_text`).
fn copy_out(v: Value) -> Value {
    match v {
        Value::Object(o) if o.action_text().is_some() => {
            Value::Object(std::rc::Rc::new(crate::value::Copied(o)))
        }
        other => other,
    }
}

/// What `{{ v }}` prints: Go's fmt of the value, `<no value>` for nil.
pub fn print_value(v: &Value, out: &mut String) {
    match v {
        Value::Nil => out.push_str("<no value>"),
        Value::Str(s) => out.push_str(s),
        Value::Object(o) if let Some(t) = o.action_text() => out.push_str(&t),
        other => out.push_str(&crate::fmt::format_value(other)),
    }
}

impl<'t, 's> Exec<'t, 's> {
    pub(crate) fn new(set: &'t Templates, sh: &'s mut Shared, tree: &'t Tree, data: Value) -> Self {
        Exec {
            set,
            outer: Vec::new(),
            sh,
            tree,
            vars: vec![("$", data, false)],
            cur: Cur::None,
        }
    }

    /// Executes `tree` with `data` as dot into a fresh buffer.
    pub(crate) fn run_tree(&mut self, tree: &'t Tree, data: Value) -> ER<String> {
        let mut out = String::new();
        self.tree = tree;
        self.vars = vec![("$", data.clone(), false)];
        let dot = Dot {
            v: data,
            iface: false,
        };
        match self.walk_list(&dot, &tree.root, &mut out) {
            // Go's output is bytes: non-UTF-8 bytes printed by different actions may join into
            // valid text, which `include`/`tpl` callers must see as text (value.rs).
            Ok(()) | Err(Flow::Break) | Err(Flow::Continue) => {
                if crate::value::has_raw_bytes(&out) {
                    out = crate::value::go_canonical(&out).into_owned();
                }
                Ok(out)
            }
            Err(Flow::Err(e)) => Err(e),
        }
    }

    fn err(&self, message: impl Into<String>) -> Box<Error> {
        let (pos, context) = match self.cur {
            Cur::None => {
                return Box::new(Error {
                    kind: ErrorKind::Exec,
                    name: self.tree.parse_name.to_string(),
                    line: 0,
                    col: 0,
                    context: String::new(),
                    executing: self.tree.name.clone(),
                    message: format!("{}: {}", self.tree.name, message.into()),
                })
            }
            Cur::Node(n) => (node_pos(n), n.to_string()),
            Cur::Pipe(p) => (p.pos, p.to_string()),
            Cur::Cmd(c) => (c.pos, c.to_string()),
            Cur::Arg(a) => (a.pos(), a.to_string()),
        };
        let (line, col) = self.tree.line_col(pos);
        Box::new(Error {
            kind: ErrorKind::Exec,
            name: self.tree.parse_name.to_string(),
            line,
            col,
            context,
            executing: self.tree.name.clone(),
            message: message.into(),
        })
    }

    fn step(&mut self) -> ER<()> {
        self.sh.steps += 1;
        let max = self.sh.opts.max_steps;
        if max != 0 && self.sh.steps > max {
            return Err(self.err(format!("execution exceeded the limit of {max} steps")));
        }
        Ok(())
    }

    fn check_out(&self, out: &str) -> ER<()> {
        let max = self.sh.opts.max_output;
        if max != 0 && out.len() > max {
            return Err(self.err(format!("output exceeds the limit of {max} bytes")));
        }
        Ok(())
    }

    fn walk_list(&mut self, dot: &Dot, list: &'t [Node], out: &mut String) -> Result<(), Flow> {
        for n in list {
            self.walk(dot, n, out)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Dot, node: &'t Node, out: &mut String) -> Result<(), Flow> {
        self.step()?;
        self.cur = Cur::Node(node);
        match node {
            Node::Text(a, b) => {
                out.push_str(self.tree.text(*a, *b));
                self.check_out(out)?;
                Ok(())
            }
            Node::Action(_, pipe) => {
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.cur = Cur::Node(node);
                    print_value(&v, out);
                    self.check_out(out)?;
                }
                Ok(())
            }
            Node::If(b) | Node::With(b) => {
                let mark = self.vars.len();
                let r = self.walk_if(dot, b, matches!(node, Node::With(_)), out);
                self.vars.truncate(mark);
                r
            }
            Node::Range(b) => {
                let mark = self.vars.len();
                let r = self.walk_range(dot, node, b, out);
                self.vars.truncate(mark);
                r
            }
            Node::Template(_, name, pipe) => {
                self.walk_template(dot, node, name, pipe.as_ref(), out)
            }
            Node::Break(_) => Err(Flow::Break),
            Node::Continue(_) => Err(Flow::Continue),
        }
    }

    fn walk_if(
        &mut self,
        dot: &Dot,
        b: &'t Branch,
        with: bool,
        out: &mut String,
    ) -> Result<(), Flow> {
        let v = self.eval_pipeline(dot, &b.pipe)?;
        if v.truthy() {
            if with {
                self.walk_list(&Dot { v, iface: false }, &b.list, out)
            } else {
                self.walk_list(dot, &b.list, out)
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e, out)
        } else {
            Ok(())
        }
    }

    fn set_top_var(&mut self, n: usize, v: Value, iface: bool) {
        let len = self.vars.len();
        if n <= len {
            self.vars[len - n].1 = v;
            self.vars[len - n].2 = iface;
        }
    }

    fn set_var(&mut self, name: &str, v: Value) -> ER<()> {
        for var in self.vars.iter_mut().rev() {
            if var.0 == name {
                var.1 = v;
                var.2 = false;
                return Ok(());
            }
        }
        Err(self.err(format!("undefined variable: {name}")))
    }

    /// One range iteration; returns true on `{{break}}`.
    fn range_once(
        &mut self,
        b: &'t Branch,
        mark: usize,
        index: Value,
        elem: Value,
        iface: bool,
        out: &mut String,
    ) -> Result<bool, Flow> {
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                let v = if decl.len() > 1 {
                    index.clone()
                } else {
                    elem.clone()
                };
                self.set_var(&decl[0].1, v)?;
            } else {
                self.set_top_var(1, elem.clone(), iface);
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1].1, elem.clone())?;
            } else {
                self.set_top_var(2, index, false);
            }
        }
        let r = self.walk_list(&Dot { v: elem, iface }, &b.list, out);
        self.vars.truncate(mark);
        match r {
            Ok(()) | Err(Flow::Continue) => Ok(false),
            Err(Flow::Break) => Ok(true),
            Err(e) => Err(e),
        }
    }

    fn walk_range(
        &mut self,
        dot: &Dot,
        node: &'t Node,
        b: &'t Branch,
        out: &mut String,
    ) -> Result<(), Flow> {
        self.cur = Cur::Node(node);
        let mut val = self.eval_pipeline(dot, &b.pipe)?;
        if let Value::Object(o) = &val {
            let plain = o.to_plain();
            if !plain.is_nil() {
                val = plain;
            }
        }
        let mark = self.vars.len();
        let mut ran = false;
        match &val {
            Value::List(l) => {
                let iface = l.elem == ElemType::Any;
                let items = l.items.clone();
                for (i, item) in items.iter().enumerate() {
                    ran = true;
                    self.step()?;
                    if self.range_once(b, mark, Value::Int(i as i64), item.clone(), iface, out)? {
                        break;
                    }
                }
            }
            Value::Bytes(bs) => {
                let bs = bs.clone();
                for (i, c) in bs.iter().enumerate() {
                    ran = true;
                    self.step()?;
                    if self.range_once(
                        b,
                        mark,
                        Value::Int(i as i64),
                        Value::Uint(*c as u64),
                        false,
                        out,
                    )? {
                        break;
                    }
                }
            }
            Value::Map(m) => {
                // Snapshot first: the body may mutate the map (Go's fmtsort copies too).
                let entries: Vec<(Value, Value)> = m
                    .borrow()
                    .iter()
                    .map(|(k, v)| (Value::str(k), v.clone()))
                    .collect();
                for (k, v) in entries {
                    ran = true;
                    self.step()?;
                    if self.range_once(b, mark, k, v, true, out)? {
                        break;
                    }
                }
            }
            Value::Int(n) | Value::Int64(n) => {
                if b.pipe.decl.len() > 1 {
                    return Err(self
                        .err(format!(
                            "can't use {} to iterate over more than one variable",
                            crate::fmt::format_value(&val)
                        ))
                        .into());
                }
                for i in 0..(*n).max(0) {
                    ran = true;
                    self.step()?;
                    let v = if matches!(val, Value::Int64(_)) {
                        Value::Int64(i)
                    } else {
                        Value::Int(i)
                    };
                    if self.range_once(b, mark, Value::Nil, v, false, out)? {
                        break;
                    }
                }
            }
            Value::Uint(n) => {
                if b.pipe.decl.len() > 1 {
                    return Err(self
                        .err(format!(
                            "can't use {} to iterate over more than one variable",
                            crate::fmt::format_value(&val)
                        ))
                        .into());
                }
                for i in 0..*n {
                    ran = true;
                    self.step()?;
                    if self.range_once(b, mark, Value::Nil, Value::Uint(i), false, out)? {
                        break;
                    }
                }
            }
            Value::Nil => {}
            other => {
                return Err(self
                    .err(format!(
                        "range can't iterate over {}",
                        crate::fmt::format_value(other)
                    ))
                    .into())
            }
        }
        if !ran {
            if let Some(e) = &b.else_list {
                return self.walk_list(dot, e, out);
            }
        }
        Ok(())
    }

    fn enter(&mut self) -> ER<()> {
        if let Some(m) = self.sh.nest_error() {
            return Err(self.err(m));
        }
        self.sh.depth += 1;
        Ok(())
    }

    fn walk_template(
        &mut self,
        dot: &Dot,
        node: &'t Node,
        name: &str,
        pipe: Option<&'t Pipe>,
        out: &mut String,
    ) -> Result<(), Flow> {
        self.cur = Cur::Node(node);
        let Some(tree) = self.find(name) else {
            return Err(self
                .err(format!("template {} not defined", go_quote(name)))
                .into());
        };
        self.enter()?;
        #[cfg(test)]
        stack_probe::record(self.sh.depth);
        let dv = match pipe {
            Some(p) => match self.eval_pipeline(dot, p) {
                Ok(v) => v,
                Err(e) => {
                    self.sh.depth -= 1;
                    return Err(e.into());
                }
            },
            None => Value::Nil,
        };
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$", dv.clone(), false)]);
        let saved_tree = std::mem::replace(&mut self.tree, tree);
        let r = self.walk_list(
            &Dot {
                v: dv,
                iface: false,
            },
            &tree.root,
            out,
        );
        self.tree = saved_tree;
        self.vars = saved_vars;
        self.sh.depth -= 1;
        self.cur = Cur::Node(node);
        match r {
            Err(Flow::Err(e)) => Err(Flow::Err(e)),
            _ => Ok(()),
        }
    }

    fn eval_pipeline(&mut self, dot: &Dot, pipe: &'t Pipe) -> ER<Value> {
        self.cur = Cur::Pipe(pipe);
        let mut val: Option<Value> = None;
        for cmd in &pipe.cmds {
            val = Some(self.eval_command(dot, cmd, val)?);
        }
        let v = val.unwrap_or_default();
        for (_, name) in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, v.clone())?;
            } else {
                self.vars.push((name, v.clone(), false));
            }
        }
        Ok(v)
    }

    fn not_a_function(&self, args: &[Arg], fin: &Option<Value>) -> ER<()> {
        if args.len() > 1 || fin.is_some() {
            return Err(self.err(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Dot, cmd: &'t Cmd, fin: Option<Value>) -> ER<Value> {
        let first = &cmd.args[0];
        match first {
            Arg::Field(_, fs) => {
                self.cur = Cur::Arg(first);
                return Ok(self
                    .eval_field_chain(dot, (dot.v.clone(), dot.iface), fs, &cmd.args, fin)?
                    .0);
            }
            Arg::Chain(..) => return Ok(self.eval_chain(dot, first, &cmd.args, fin)?.0),
            Arg::Ident(_, def) => {
                return self.eval_function(dot, first, def.0, Cur::Cmd(cmd), &cmd.args[1..], fin)
            }
            Arg::Pipe(_, p) => {
                self.not_a_function(&cmd.args, &fin)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Var(..) => return Ok(self.eval_variable(dot, first, &cmd.args, fin)?.0),
            _ => {}
        }
        self.cur = Cur::Arg(first);
        self.not_a_function(&cmd.args, &fin)?;
        match first {
            Arg::Bool(_, b) => Ok(Value::Bool(*b)),
            Arg::Dot(_) => Ok(dot.v.clone()),
            Arg::Nil(_) => Err(self.err("nil is not a command")),
            Arg::Number(_, n) => self.ideal_constant(n),
            Arg::Str(_, _, s) => Ok(Value::str(s)),
            _ => Err(self.err(format!(
                "can't evaluate command {}",
                go_quote(&first.to_string())
            ))),
        }
    }

    fn ideal_constant(&self, n: &Number) -> ER<Value> {
        let t = &n.text;
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes()[1], b'x' | b'X')
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if n.is_complex {
            return Ok(Value::Object(std::rc::Rc::new(crate::value::Complex(
                n.complex.0,
                n.complex.1,
            ))));
        }
        if n.is_float && !is_hex_int && !is_rune && t.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Value::Float(n.float));
        }
        if n.is_int {
            return Ok(Value::Int(n.int));
        }
        if n.is_uint {
            return Err(self.err(format!("{t} overflows int")));
        }
        Ok(Value::Nil)
    }

    fn var_value(&self, name: &str) -> ER<(Value, bool)> {
        for v in self.vars.iter().rev() {
            if v.0 == name {
                return Ok((v.1.clone(), v.2));
            }
        }
        Err(self.err(format!("undefined variable: {name}")))
    }

    fn eval_variable(
        &mut self,
        dot: &Dot,
        arg: &'t Arg,
        args: &'t [Arg],
        fin: Option<Value>,
    ) -> ER<(Value, bool)> {
        self.cur = Cur::Arg(arg);
        let Arg::Var(_, name, fields) = arg else {
            return Err(self.err("internal error: not a variable"));
        };
        let v = self.var_value(name)?;
        if fields.is_empty() {
            self.not_a_function(
                if args.is_empty() {
                    std::slice::from_ref(arg)
                } else {
                    args
                },
                &fin,
            )?;
            return Ok(v);
        }
        self.eval_field_chain(dot, v, fields, args, fin)
    }

    fn eval_chain(
        &mut self,
        dot: &Dot,
        arg: &'t Arg,
        args: &'t [Arg],
        fin: Option<Value>,
    ) -> ER<(Value, bool)> {
        self.cur = Cur::Arg(arg);
        let Arg::Chain(_, node, fields) = arg else {
            return Err(self.err("internal error: not a chain"));
        };
        if let Arg::Nil(_) = **node {
            return Err(self.err(format!("indirection through explicit nil in {arg}")));
        }
        // Go reports a failing field at the last node evaluated (the receiver's).
        let recv = self.eval_arg(dot, Param::Any, node)?;
        self.eval_field_chain(dot, (recv, false), fields, args, fin)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Dot,
        mut recv: (Value, bool),
        fields: &'t str,
        args: &'t [Arg],
        fin: Option<Value>,
    ) -> ER<(Value, bool)> {
        if fields.is_empty() {
            return Ok(recv);
        }
        let (init, last) = fields.rsplit_once('.').unwrap_or(("", fields));
        if !init.is_empty() {
            for f in init.split('.') {
                recv = self.eval_field(dot, f, &[], None, recv)?;
            }
        }
        self.eval_field(dot, last, args, fin, recv)
    }

    fn eval_field(
        &mut self,
        dot: &Dot,
        name: &str,
        args: &'t [Arg],
        fin: Option<Value>,
        recv: (Value, bool),
    ) -> ER<(Value, bool)> {
        let has_args = args.len() > 1 || fin.is_some();
        let (v, iface) = recv;
        match v {
            Value::Nil => {
                if iface {
                    Err(self.err(format!("nil pointer evaluating interface {{}}.{name}")))
                } else {
                    Ok((Value::Nil, false))
                }
            }
            Value::Map(m) => {
                if has_args {
                    return Err(self.err(format!("{name} is not a method but has arguments")));
                }
                Ok((m.get(name).unwrap_or_default(), true))
            }
            Value::Object(o) => {
                let saved = self.cur;
                if has_args {
                    let mut av = Vec::with_capacity(args.len());
                    let n = args.len() - 1 + fin.is_some() as usize;
                    // Typed only when the count is right: Go reports a wrong count first.
                    let params = o.method_params(name).filter(|p| p.len() == n);
                    for (i, a) in args.iter().skip(1).enumerate() {
                        let p = params.and_then(|p| p.get(i).copied());
                        av.push(self.eval_arg(dot, p.unwrap_or(Param::Any), a)?);
                    }
                    if let Some(f) = fin {
                        av.push(f);
                    }
                    self.cur = saved;
                    match o.call(name, &av) {
                        Some(Ok(v)) => {
                            let nil = v.is_nil();
                            Ok((v, nil))
                        }
                        Some(Err(e)) => Err(self.err(method_error(name, e))),
                        None => {
                            if o.field(name).is_some() {
                                Err(self.err(format!(
                                    "{name} has arguments but cannot be invoked as function"
                                )))
                            } else {
                                Err(self.err(format!(
                                    "can't evaluate field {name} in type {}",
                                    o.type_name()
                                )))
                            }
                        }
                    }
                } else {
                    match o.field(name) {
                        Some(Ok(v)) => {
                            let nil = v.is_nil();
                            Ok((v, nil))
                        }
                        Some(Err(e)) => Err(self.err(method_error(name, e))),
                        None => Err(self.err(format!(
                            "can't evaluate field {name} in type {}",
                            if iface { "interface {}" } else { o.type_name() }
                        ))),
                    }
                }
            }
            other => {
                let t = if iface {
                    "interface {}".to_string()
                } else {
                    other.type_name()
                };
                Err(self.err(format!("can't evaluate field {name} in type {t}")))
            }
        }
    }

    fn eval_function(
        &mut self,
        dot: &Dot,
        ident: &'t Arg,
        def: &'static FuncDef,
        call_node: Cur<'t>,
        args: &'t [Arg],
        fin: Option<Value>,
    ) -> ER<Value> {
        self.cur = Cur::Arg(ident);
        self.step()?;
        let name = def.name;
        if name == "and" || name == "or" {
            if args.is_empty() && fin.is_none() {
                return Err(self.err(format!(
                    "wrong number of args for {name}: want at least 1 got 0"
                )));
            }
            let mut v = Value::Nil;
            for a in args {
                v = self.eval_arg(dot, Param::Any, a)?;
                if v.truthy() == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }
        if name == "call" && !args.is_empty() {
            // Go names the callee by its source text: `non-function .Values.x of type string`.
            let f = self.eval_arg(dot, Param::Any, &args[0])?;
            if !f.is_nil() {
                self.cur = call_node;
                return Err(self.err(format!(
                    "error calling call: non-function {} of type {}",
                    args[0],
                    f.type_name()
                )));
            }
        }
        if name == "call" && args.is_empty() {
            // A piped callee: Go names it by reflect.Value.String() of the value, which is
            // the text of a string and `<T Value>` for anything else.
            if let Some(f) = fin.as_ref().filter(|f| !f.is_nil()) {
                let callee = match f {
                    Value::Str(s) => s.to_string(),
                    _ => format!("<{} Value>", f.type_name()),
                };
                self.cur = call_node;
                return Err(self.err(format!(
                    "error calling call: non-function {callee} of type {}",
                    f.type_name()
                )));
            }
        }
        let n_in = args.len() + fin.is_some() as usize;
        let n_fixed = def.params.len();
        match def.variadic {
            Some(_) if n_in < n_fixed => {
                return Err(self.err(format!(
                    "wrong number of args for {name}: want at least {n_fixed} got {}",
                    args.len()
                )))
            }
            None if n_in != n_fixed => {
                return Err(self.err(format!(
                    "wrong number of args for {name}: want {n_fixed} got {n_in}"
                )))
            }
            _ => {}
        }
        let param_at = |i: usize| -> Param {
            if i < n_fixed {
                def.params[i]
            } else {
                def.variadic.unwrap_or(Param::Any)
            }
        };
        // Most calls take a few arguments: keep them on the stack.
        let mut small: [Value; 4] = Default::default();
        let mut big = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let v = self.eval_arg(dot, param_at(i), a)?;
            if n_in <= small.len() {
                small[i] = v;
            } else {
                big.push(v);
            }
        }
        if let Some(f) = fin {
            let v = self.validate(f, false, param_at(n_in - 1))?;
            if n_in <= small.len() {
                small[n_in - 1] = v;
            } else {
                big.push(v);
            }
        }
        let argv: &[Value] = if n_in <= small.len() {
            &small[..n_in]
        } else {
            &big
        };
        // Arguments are copies: see `Object::action_text`.
        let copied: Vec<Value>;
        let argv = if argv
            .iter()
            .any(|v| matches!(v, Value::Object(o) if o.action_text().is_some()))
        {
            copied = argv.iter().cloned().map(copy_out).collect();
            &copied[..]
        } else {
            argv
        };
        match (def.call)(self, argv) {
            Ok(v) if result_too_big(&v, self.sh.opts.max_output) => {
                self.cur = call_node;
                Err(self.err(format!(
                    "error calling {name}: result exceeds the limit of {} bytes",
                    self.sh.opts.max_output
                )))
            }
            Ok(v) => Ok(copy_out(v)),
            Err(e) => {
                self.cur = call_node;
                Err(self.err(format!("error calling {name}: {e}")))
            }
        }
    }

    fn validate(&self, v: Value, iface: bool, p: Param) -> ER<Value> {
        if p == Param::Any {
            return Ok(v);
        }
        if v.is_nil() {
            if iface {
                return Err(self.err(format!(
                    "wrong type for value; expected {}; got interface {{}}",
                    param_name(p)
                )));
            }
            return match p {
                Param::List => Ok(Value::list(Vec::new())),
                Param::StrList => Ok(Value::typed_list(ElemType::Str, Vec::new())),
                Param::Map => Ok(Value::empty_map()),
                _ => Err(self.err(format!("invalid value; expected {}", param_name(p)))),
            };
        }
        let ok = match (&v, p) {
            (Value::Str(_), Param::Str)
            | (Value::Int(_), Param::Int)
            | (Value::Int64(_), Param::Int64)
            | (Value::Float(_), Param::Float)
            | (Value::Bool(_), Param::Bool) => true,
            // helm's `common.Values` is assignable to a plain map parameter; `map[string]string` is not.
            (Value::Map(m), Param::Map) => m.ty() != crate::value::MapType::StrStr,
            (Value::Object(o), Param::Time) => o.type_name() == "time.Time",
            (Value::List(l), Param::List) => l.elem == ElemType::Any,
            (Value::List(l), Param::StrList) => l.elem == ElemType::Str,
            _ => false,
        };
        if ok {
            Ok(v)
        } else {
            Err(self.err(format!(
                "wrong type for value; expected {}; got {}",
                param_name(p),
                v.type_name()
            )))
        }
    }

    fn eval_arg(&mut self, dot: &Dot, p: Param, arg: &'t Arg) -> ER<Value> {
        self.cur = Cur::Arg(arg);
        match arg {
            Arg::Dot(_) => return self.validate(dot.v.clone(), dot.iface, p),
            Arg::Nil(_) => {
                return match p {
                    Param::Any => Ok(Value::Nil),
                    Param::List => Ok(Value::list(Vec::new())),
                    Param::StrList => Ok(Value::typed_list(ElemType::Str, Vec::new())),
                    Param::Map => Ok(Value::empty_map()),
                    _ => Err(self.err(format!("cannot assign nil to {}", param_name(p)))),
                }
            }
            Arg::Field(_, fs) => {
                let (v, i) =
                    self.eval_field_chain(dot, (dot.v.clone(), dot.iface), fs, &[], None)?;
                return self.validate(v, i, p);
            }
            Arg::Var(..) => {
                let (v, i) = self.eval_variable(dot, arg, &[], None)?;
                return self.validate(v, i, p);
            }
            Arg::Pipe(_, pipe) => {
                let v = self.eval_pipeline(dot, pipe)?;
                return self.validate(v, false, p);
            }
            Arg::Ident(_, def) => {
                let v = self.eval_function(dot, arg, def.0, Cur::Arg(arg), &[], None)?;
                return self.validate(v, false, p);
            }
            Arg::Chain(..) => {
                let (v, i) = self.eval_chain(dot, arg, &[], None)?;
                return self.validate(v, i, p);
            }
            _ => {}
        }
        match p {
            Param::Bool => match arg {
                Arg::Bool(_, b) => Ok(Value::Bool(*b)),
                _ => Err(self.err(format!("expected bool; found {arg}"))),
            },
            Param::Float => match arg {
                Arg::Number(_, n) if n.is_float => Ok(Value::Float(n.float)),
                _ => Err(self.err(format!("expected float; found {arg}"))),
            },
            Param::Int | Param::Int64 => match arg {
                Arg::Number(_, n) if n.is_int => Ok(if p == Param::Int {
                    Value::Int(n.int)
                } else {
                    Value::Int64(n.int)
                }),
                _ => Err(self.err(format!("expected integer; found {arg}"))),
            },
            Param::Str => match arg {
                Arg::Str(_, _, s) => Ok(Value::str(s)),
                _ => Err(self.err(format!("expected string; found {arg}"))),
            },
            Param::Any => match arg {
                Arg::Bool(_, b) => Ok(Value::Bool(*b)),
                Arg::Number(_, n) => self.ideal_constant(n),
                Arg::Str(_, _, s) => Ok(Value::str(s)),
                _ => Err(self.err(format!(
                    "can't handle assignment of {arg} to empty interface argument"
                ))),
            },
            Param::List | Param::StrList | Param::Map | Param::Time => Err(self.err(format!(
                "can't handle {arg} for arg of type {}",
                param_name(p)
            ))),
        }
    }

    /// A template by name: the innermost set that has it.
    fn find(&self, name: &str) -> Option<&'t Arc<Tree>> {
        self.set
            .get(name)
            .or_else(|| self.outer.iter().find_map(|s| s.get(name)))
    }

    /// Executes a named template in a fresh scope (helm's `include`).
    fn exec_named(&mut self, name: &str, data: &Value) -> Result<String, String> {
        let Some(tree) = self.find(name) else {
            return Err(format!(
                "template: no template {} associated with template {}",
                go_quote(name),
                go_quote(self.set.root_name())
            ));
        };
        let mut sub = Exec::new(self.set, &mut *self.sh, tree, data.clone());
        sub.outer = self.outer.clone();
        sub.run_tree(tree, data.clone()).map_err(|e| e.to_string())
    }
}

/// Go reports a method's arity error itself (no `error calling` prefix); other method
/// errors are wrapped like function errors.
fn method_error(name: &str, e: String) -> String {
    if e.starts_with("wrong number of args for ") {
        e
    } else {
        format!("error calling {name}: {e}")
    }
}

/// Bounds one function result, so loops like `$s = print $s $s` fail instead of exhausting
/// memory. Strings/bytes are held to `max_output` bytes, lists and maps to a sixteenth of that
/// in elements.
fn result_too_big(v: &Value, max: usize) -> bool {
    if max == 0 {
        return false;
    }
    match v {
        Value::Str(s) => s.len() > max,
        Value::Bytes(b) => b.len() > max,
        Value::List(l) => l.items.len() > max / 16,
        Value::Map(m) => m.len() > max / 16,
        _ => false,
    }
}

fn node_pos(n: &Node) -> u32 {
    match n {
        Node::Text(p, _)
        | Node::Action(p, _)
        | Node::Template(p, _, _)
        | Node::Break(p)
        | Node::Continue(p) => *p,
        Node::If(b) | Node::With(b) | Node::Range(b) => b.pos,
    }
}

impl Host for Exec<'_, '_> {
    fn lint_mode(&self) -> bool {
        self.sh.opts.lint
    }
    fn rand_u64(&mut self) -> u64 {
        let seed = self.sh.opts.seed;
        let rng = self
            .sh
            .rng
            .get_or_insert_with(|| crate::funcs::rng_from(seed));
        rand_core::Rng::next_u64(rng)
    }

    fn now(&self) -> (i64, u32) {
        if let Some(t) = self.sh.opts.now {
            return t;
        }
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(_) => (0, 0),
        }
    }

    fn include(&mut self, name: &str, data: &Value) -> Result<String, String> {
        #[cfg(test)]
        stack_probe::record(self.sh.depth + 1);
        if !self.sh.include_counts.contains_key(name) {
            self.sh.include_counts.insert(name.to_string(), 0);
        }
        let Some(count) = self.sh.include_counts.get_mut(name) else {
            return Err("internal error: include counter".into());
        };
        if *count > INCLUDE_MAX {
            return Err(format!(
                "rendering template has a nested reference name: {name}: unable to execute template"
            ));
        }
        *count += 1;
        let r = if let Some(m) = self.sh.nest_error() {
            Err(m)
        } else {
            self.sh.depth += 1;
            let r = self.exec_named(name, data);
            self.sh.depth -= 1;
            r
        };
        if let Some(c) = self.sh.include_counts.get_mut(name) {
            *c = c.saturating_sub(1);
        }
        r
    }

    fn tpl(&mut self, text: &str, data: &Value) -> Result<String, String> {
        if let Some(m) = self.sh.nest_error() {
            return Err(m);
        }
        if self.sh.tpl_depth >= TPL_MAX {
            return Err(format!("tpl calls nested more than {TPL_MAX} deep"));
        }
        let root = self.set.root_name().to_string();
        let trees = match parse(&root, text) {
            Ok(t) => t,
            Err(e) => return Err(format!("cannot parse template {}: {e}", go_quote(text))),
        };
        // Go clones the set and parses into the clone; an overlay of the new trees over the
        // enclosing sets gives the same lookups (an empty define does not hide an existing one).
        let mut set = self.set.empty_like();
        let mut it = trees.into_iter();
        let main = match it.next() {
            Some(m) => Arc::new(m),
            None => return Ok(String::new()),
        };
        for t in it {
            if !(t.is_empty() && self.find(&t.name).is_some()) {
                set.associate(t);
            }
        }
        if !main.is_empty() || (self.find(&root).is_none() && !set.has(&root)) {
            set.associate_arc(main.clone());
        }
        let mut outer = Vec::with_capacity(self.outer.len() + 1);
        outer.push(self.set);
        outer.extend(self.outer.iter().copied());
        self.sh.depth += 1;
        self.sh.tpl_depth += 1;
        let r = {
            let mut sub = Exec::new(&set, &mut *self.sh, &main, data.clone());
            sub.outer = outer;
            sub.run_tree(&main, data.clone())
        };
        self.sh.depth -= 1;
        self.sh.tpl_depth -= 1;
        match r {
            Ok(s) => Ok(s.replace("<no value>", "")),
            Err(e) => Err(format!(
                "error during tpl function execution for {}: {e}",
                go_quote(text)
            )),
        }
    }
}

/// Test-only measurement of native stack used per nesting level.
#[cfg(test)]
pub(crate) mod stack_probe {
    use std::cell::Cell;
    thread_local! {
        pub static AT: Cell<(usize, usize, usize, usize)> = const { Cell::new((0, 0, 0, 0)) };
    }
    /// Records the stack address at depth 10 and at the deepest depth seen.
    pub fn record(depth: usize) {
        let marker = 0u8;
        let addr = &marker as *const u8 as usize;
        AT.with(|c| {
            let (d10, a10, dmax, amax) = c.get();
            if depth == 10 {
                c.set((10, addr, dmax, amax));
            } else if depth > dmax {
                c.set((d10, a10, depth, addr));
            }
        });
    }
    /// Bytes of stack per nesting level between depth 10 and the deepest level.
    pub fn per_level() -> usize {
        AT.with(|c| {
            let (d10, a10, dmax, amax) = c.get();
            if dmax <= d10 {
                return 0;
            }
            a10.abs_diff(amax) / (dmax - d10)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::template::{Options, Templates};
    use crate::value::Value;
    use std::collections::BTreeMap;

    /// Values shaped like helm's: numbers are float64, `Values` is a map.
    fn data() -> Value {
        let mut a = BTreeMap::new();
        a.insert("b".to_string(), Value::str("hello"));
        a.insert("num".to_string(), Value::Float(80.0));
        a.insert("big".to_string(), Value::Float(1e6));
        a.insert("nul".to_string(), Value::Nil);
        a.insert(
            "list".to_string(),
            Value::list(vec![Value::str("x"), Value::str("y"), Value::str("z")]),
        );
        let mut m = BTreeMap::new();
        m.insert("z".to_string(), Value::Float(1.0));
        m.insert("a".to_string(), Value::Float(2.0));
        a.insert("m".to_string(), Value::map(m));
        let mut item = BTreeMap::new();
        item.insert("name".to_string(), Value::str("one"));
        a.insert(
            "items".to_string(),
            Value::list(vec![Value::map(item), Value::Nil]),
        );
        let mut top = BTreeMap::new();
        top.insert("Values".to_string(), Value::map(a));
        Value::map(top)
    }

    fn render(src: &str) -> Result<String, String> {
        let mut set = Templates::new();
        set.add("c/templates/t.yaml", src)
            .map_err(|e| e.to_string())?;
        let mut run = set.run(&Options::default());
        run.execute("c/templates/t.yaml", &data())
            .map_err(|e| e.to_string())
    }

    fn ok(src: &str) -> String {
        render(src).unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    fn err(src: &str) -> String {
        match render(src) {
            Ok(s) => panic!("{src}: expected an error, got {s:?}"),
            Err(e) => e,
        }
    }

    // Expectations below were checked against helm v4.1.4 (`helm template`).

    #[test]
    fn text_trim_and_comments() {
        assert_eq!(
            ok("a{{ .Values.b }}b{{ .Values.nope }}"),
            "ahellob<no value>"
        );
        assert_eq!(ok("{{/* comment */}}a  {{- /* c2 */ -}}  b"), "ab");
        assert_eq!(ok("x  {{- 3 -}}  y {{- 4}} z {{5 -}} w"), "x3y4 z 5w");
        assert_eq!(
            ok("{{ if true }}\n  x\n{{- else }}\n  y\n{{- end }}"),
            "\n  x"
        );
    }

    #[test]
    fn missing_values_and_nil_pointers() {
        assert_eq!(
            ok("{{ .Values.missing }}|{{ .Values.nul }}|"),
            "<no value>|<no value>|"
        );
        assert_eq!(
            ok("{{ $x := .Values.missing }}{{ $x.sub }}ok"),
            "<no value>ok"
        );
        assert_eq!(ok("{{ (.Values.missing).sub }}ok"), "<no value>ok");
        assert_eq!(
            err("a\nb {{ .Values.missing.x }}"),
            "template: c/templates/t.yaml:2:12: executing \"c/templates/t.yaml\" at <.Values.missing.x>: nil pointer evaluating interface {}.x"
        );
        assert_eq!(
            err("{{ .Values.list.x }}"),
            "template: c/templates/t.yaml:1:10: executing \"c/templates/t.yaml\" at <.Values.list.x>: can't evaluate field x in type interface {}"
        );
        assert_eq!(
            err("{{ range $i, $v := .Values.items }}{{ $v.name }}{{ end }}"),
            "template: c/templates/t.yaml:1:40: executing \"c/templates/t.yaml\" at <$v.name>: nil pointer evaluating interface {}.name"
        );
        assert_eq!(
            err("{{ (1).x }}"),
            "template: c/templates/t.yaml:1:4: executing \"c/templates/t.yaml\" at <1>: can't evaluate field x in type int"
        );
        assert_eq!(
            err("{{ .Values.b \"x\" }}"),
            "template: c/templates/t.yaml:1:10: executing \"c/templates/t.yaml\" at <.Values.b>: b is not a method but has arguments"
        );
    }

    #[test]
    fn range_forms() {
        assert_eq!(
            ok("{{ range $i, $v := .Values.list }}{{ $i }}={{ $v }},{{ end }}"),
            "0=x,1=y,2=z,"
        );
        assert_eq!(
            ok("{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }},{{ end }}"),
            "a=2,z=1,"
        );
        assert_eq!(ok("{{ range 3 }}{{ . }}{{ end }}"), "012");
        assert_eq!(
            ok("{{ range .Values.missing }}x{{ else }}empty{{ end }}"),
            "empty"
        );
        assert_eq!(
            ok("{{- range $i, $e := .Values.list }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $e }}{{ end }}"),
            "x"
        );
        assert_eq!(
            err("{{ range .Values.num }}{{ . }}{{ end }}"),
            "template: c/templates/t.yaml:1:16: executing \"c/templates/t.yaml\" at <.Values.num>: range can't iterate over 80"
        );
        assert!(err("{{ range $i, $v := 3 }}{{ end }}")
            .ends_with("can't use 3 to iterate over more than one variable"));
    }

    #[test]
    fn control_and_variables() {
        assert_eq!(
            ok("{{ if .Values.missing }}a{{ else if .Values.b }}b{{ else }}c{{ end }}"),
            "b"
        );
        assert_eq!(
            ok("{{ with .Values.missing }}x{{ else with .Values.m }}{{ .a }}{{ end }}"),
            "2"
        );
        assert_eq!(
            ok("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}"),
            "2"
        );
        assert_eq!(
            ok("{{ with $x := .Values.missing }}a{{ else }}{{ $x }}b{{ end }}"),
            "<no value>b"
        );
        assert_eq!(ok("{{ $i := 9 }}{{ $v := \"\" }}{{ range $i, $v = .Values.list }}{{ end }}{{ $i }}{{ $v }}"), "2z");
        assert_eq!(
            ok("{{ range .Values.list }}{{ $.Values.b }}{{ end }}"),
            "hellohellohello"
        );
        assert_eq!(
            err("{{ $x = 1 }}"),
            "template: c/templates/t.yaml:1:8: executing \"c/templates/t.yaml\" at <1>: undefined variable: $x"
        );
    }

    #[test]
    fn and_or_short_circuit_and_comparisons() {
        assert_eq!(
            ok("{{ and 1 0 2 }}|{{ or 0 \"\" \"x\" }}|{{ and 1 2 }}|{{ or 0 false }}|{{ not 0 }}"),
            "0|x|2|false|true"
        );
        assert_eq!(ok("{{ or 1 (fail \"short\") }}"), "1");
        assert_eq!(
            err("{{ eq .Values.num 80 }}"),
            "template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <eq .Values.num 80>: error calling eq: incompatible types for comparison: float64 and int"
        );
        assert_eq!(
            ok("{{ eq .Values.num 80.0 }}|{{ ne 1 2 }}|{{ lt 1 2 }}|{{ ge \"a\" \"b\" }}"),
            "true|true|true|false"
        );
        assert_eq!(ok("{{ eq .Values.missing \"x\" }}"), "false");
        assert!(err("{{ and }}").ends_with("wrong number of args for and: want at least 1 got 0"));
    }

    #[test]
    fn builtins() {
        assert_eq!(
            ok("{{ len .Values.list }}|{{ len \"héllo\" }}|{{ len .Values.m }}"),
            "3|6|2"
        );
        assert!(err("{{ len .Values.missing }}").ends_with("error calling len: len of nil pointer"));
        assert_eq!(
            ok("{{ index .Values.list 1 }}|{{ index .Values \"m\" \"a\" }}|{{ index \"abc\" 1 }}"),
            "y|2|98"
        );
        assert!(err("{{ index .Values.list 5 }}")
            .ends_with("error calling index: index out of range: 5"));
        assert!(err("{{ index .Values \"missing\" \"x\" }}").ends_with("index of nil pointer"));
        assert_eq!(
            ok("{{ html \"<a href='x'>&</a>\" }}"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(ok("{{ urlquery \"a b&c\" }}"), "a+b%26c");
        assert_eq!(
            err("{{ call .Values.b }}"),
            "template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <call .Values.b>: error calling call: non-function .Values.b of type string"
        );
    }

    #[test]
    fn literals() {
        assert_eq!(
            ok("{{ 1e3 }}|{{ 0x1F }}|{{ 1_000 }}|{{ 'a' }}|{{ 0o17 }}|{{ 0b101 }}|{{ 017 }}|{{ -5 }}|{{ \"\\u00e9\" }}|{{ `raw\\n` }}"),
            "1000|31|1000|97|15|5|15|-5|é|raw\\n"
        );
        assert_eq!(ok("{{ 9223372036854775807 }}"), "9223372036854775807");
        assert!(err("{{ 9223372036854775808 }}").ends_with("9223372036854775808 overflows int"));
        assert_eq!(
            err("{{ 99999999999999999999 }}"),
            "template: c/templates/t.yaml:1: integer overflow: \"99999999999999999999\""
        );
        assert_eq!(
            err("{{ 'ab' }}"),
            "template: c/templates/t.yaml:1: malformed character constant: 'ab'"
        );
    }

    #[test]
    fn parse_errors() {
        for (src, msg) in [
            ("{{ nofunc 1 }}", "function \"nofunc\" not defined"),
            (
                "{{ if false }}{{ nofunc }}{{ end }}",
                "function \"nofunc\" not defined",
            ),
            ("{{ end }}", "unexpected {{end}}"),
            ("{{ else }}", "unexpected {{else}}"),
            ("{{ .Values.x }", "unexpected \"}\" in operand"),
            ("{{ .Values.x", "unclosed action"),
            ("{{ $undefined }}", "undefined variable \"$undefined\""),
            (
                "{{ \"x\" | 1 }}",
                "non executable command in pipeline stage 2",
            ),
            ("{{ if }}x{{ end }}", "missing value for if"),
            (
                "{{ range $a, $b, $c := . }}{{ end }}",
                "too many declarations in range",
            ),
            ("{{/* unclosed", "unclosed comment"),
            ("{{/* a */ .x }}", "comment ends before closing delimiter"),
            ("{{ break }}", "{{break}} outside {{range}}"),
            (
                "{{ range . }}{{ break 1 }}{{ end }}",
                "unexpected \"1\" in {{break}}",
            ),
            (
                "{{ define \"x\" }}a{{ end }}{{ define \"x\" }}b{{ end }}",
                "template: multiple definition of template \"x\"",
            ),
            (
                "{{ define \"x\" }}{{ else }}{{ end }}",
                "unexpected {{else}} in define clause",
            ),
            (
                "{{ if 1 }}{{ else }}{{ else }}{{ end }}",
                "expected end; found {{else}}",
            ),
            (
                "{{ range . }}{{ else if 1 }}{{ end }}",
                "unexpected <if> in input",
            ),
            ("{{ \"bad \\q\" }}", "invalid syntax"),
            ("{{ if 1 }}", "unexpected EOF"),
        ] {
            assert_eq!(
                err(src),
                format!("template: c/templates/t.yaml:1: {msg}"),
                "{src}"
            );
        }
        assert_eq!(
            err("a\n\n{{ if 1 }}\n{{ nofunc }}"),
            "template: c/templates/t.yaml:4: function \"nofunc\" not defined"
        );
    }

    #[test]
    fn templates_include_tpl() {
        assert_eq!(ok("{{ define \"t1\" }}T1({{ . }}){{ end }}{{ template \"t1\" \"arg\" }}{{ template \"t1\" }}"), "T1(arg)T1(<no value>)");
        assert_eq!(
            ok("{{ block \"blk\" . }}default {{ .Values.b }}{{ end }}"),
            "default hello"
        );
        assert_eq!(
            err("{{ template \"nope\" }}"),
            "template: c/templates/t.yaml:1:12: executing \"c/templates/t.yaml\" at <{{template \"nope\"}}>: template \"nope\" not defined"
        );
        assert_eq!(
            err("{{ include \"nope\" . }}"),
            "template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <include \"nope\" .>: error calling include: template: no template \"nope\" associated with template \"gotpl\""
        );
        assert_eq!(
            ok("{{ tpl \"{{ .Values.b }}-{{ .Values.missing }}\" . }}"),
            "hello-"
        );
        assert_eq!(
            ok("{{ tpl \"{{ define \\\"in\\\" }}IN{{ end }}{{ include \\\"in\\\" . }}\" . }}"),
            "IN"
        );
        assert_eq!(
            err("{{ tpl \"{{ .Values.missing.x }}\" . }}"),
            "template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <tpl \"{{ .Values.missing.x }}\" .>: error calling tpl: error during tpl function execution for \"{{ .Values.missing.x }}\": template: gotpl:1:10: executing \"gotpl\" at <.Values.missing.x>: nil pointer evaluating interface {}.x"
        );
        assert!(err("{{ tpl \"{{ nofunc }}\" . }}").ends_with("error calling tpl: cannot parse template \"{{ nofunc }}\": template: gotpl:1: function \"nofunc\" not defined"));
        let e = err("{{ required \"need it\" .Values.missing }}");
        assert!(
            e.ends_with("error calling required: HELM_ERR_STARTneed itHELM_ERR_END"),
            "{e}"
        );
        assert!(err("{{ fail \"boom\" }}").ends_with("HELM_ERR_STARTboomHELM_ERR_END"));
        assert_eq!(ok("{{ lookup \"v1\" \"Pod\" \"ns\" \"n\" | len }}"), "0");
    }

    #[test]
    fn tpl_overlay_sees_enclosing_defines() {
        // A define made by an outer tpl is visible to a nested tpl; an empty define in tpl text
        // does not hide the file's define (Go's AddParseTree rule).
        assert_eq!(
            ok(
                r#"{{ define "d" }}D{{ end }}{{ tpl "{{ define \"e\" }}E{{ end }}{{ define \"d\" }}{{ end }}{{ tpl \"{{ include \\\"e\\\" . }}{{ include \\\"d\\\" . }}\" . }}" . }}"#
            ),
            "ED"
        );
        // Defines made inside tpl do not leak back to the file's set.
        assert!(
            err(r#"{{ tpl "{{ define \"x\" }}X{{ end }}" . }}{{ include "x" . }}"#)
                .ends_with("no template \"x\" associated with template \"gotpl\"")
        );
    }

    struct Versions;
    impl crate::value::Object for Versions {
        fn type_name(&self) -> &str {
            "common.VersionSet"
        }
        fn field(&self, name: &str) -> Option<Result<Value, String>> {
            (name == "Has").then(|| Err("wrong number of args for Has: want 1 got 0".to_string()))
        }
        fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
            (method == "Has").then(|| {
                Ok(Value::Bool(
                    args.first().and_then(|a| a.as_str()) == Some("apps/v1"),
                ))
            })
        }
        fn print(&self) -> String {
            "[apps/v1]".into()
        }
    }

    #[test]
    fn objects_fields_and_methods() {
        let mut caps = BTreeMap::new();
        caps.insert(
            "APIVersions".to_string(),
            Value::Object(std::rc::Rc::new(Versions)),
        );
        let mut top = BTreeMap::new();
        top.insert("Capabilities".to_string(), Value::map(caps));
        let data = Value::map(top);
        let run = |src: &str| {
            let mut set = Templates::new();
            set.add("t", src).unwrap();
            let mut r = set.run(&Options::default());
            r.execute("t", &data).map_err(|e| e.to_string())
        };
        assert_eq!(run(r#"{{ .Capabilities.APIVersions.Has "apps/v1" }}|{{ "x/v1" | .Capabilities.APIVersions.Has }}"#).unwrap(), "true|false");
        assert_eq!(
            run("{{ .Capabilities.APIVersions.Has }}").unwrap_err(),
            "template: t:1:16: executing \"t\" at <.Capabilities.APIVersions.Has>: wrong number of args for Has: want 1 got 0"
        );
        assert!(run("{{ .Capabilities.APIVersions.Nope }}")
            .unwrap_err()
            .ends_with("can't evaluate field Nope in type interface {}"));
        assert!(run("{{ $v := .Capabilities.APIVersions }}{{ $v.Nope }}")
            .unwrap_err()
            .ends_with("can't evaluate field Nope in type common.VersionSet"));
    }

    #[test]
    fn recursion_limits() {
        let e = std::thread::Builder::new()
            .stack_size(super::STACK_BYTES)
            .spawn(|| {
                (
                    render("{{ define \"loop\" }}{{ include \"loop\" . }}{{ end }}{{ include \"loop\" . }}"),
                    render("{{ define \"l2\" }}{{ template \"l2\" . }}{{ end }}{{ template \"l2\" . }}"),
                )
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(e.0.unwrap_err().ends_with(
            "rendering template has a nested reference name: loop: unable to execute template"
        ));
        assert_eq!(
            e.1.unwrap_err(),
            "template: c/templates/t.yaml:1:29: executing \"l2\" at <{{template \"l2\" .}}>: exceeded maximum template depth (100000)"
        );
    }

    #[test]
    fn later_define_replaces_earlier_unless_empty() {
        let mut set = Templates::new();
        set.add("a", "{{ define \"x\" }}first{{ end }}").unwrap();
        set.add(
            "b",
            "{{ define \"x\" }}second{{ end }}{{ define \"y\" }}y{{ end }}",
        )
        .unwrap();
        set.add(
            "c",
            "{{ define \"y\" }} {{ end }}{{ template \"x\" }}{{ template \"y\" }}",
        )
        .unwrap();
        assert_eq!(
            set.run(&Options::default())
                .execute("c", &Value::Nil)
                .unwrap(),
            "secondy"
        );
        assert!(set.has("x") && set.has("a") && !set.has("z"));
    }

    #[test]
    fn output_cap_and_steps() {
        let mut set = Templates::new();
        set.add("t", "{{ range 100000 }}xxxxxxxxxx{{ end }}")
            .unwrap();
        let opts = Options {
            max_output: 1000,
            ..Options::default()
        };
        let e = set.run(&opts).execute("t", &Value::Nil).unwrap_err();
        assert!(
            e.message.contains("output exceeds the limit of 1000 bytes"),
            "{e}"
        );
        let opts = Options {
            max_steps: 1000,
            ..Options::default()
        };
        let e = set.run(&opts).execute("t", &Value::Nil).unwrap_err();
        assert!(e.message.contains("steps"), "{e}");
    }

    #[test]
    fn doubling_strings_is_bounded() {
        let mut set = Templates::new();
        set.add(
            "t",
            r#"{{- $s := "xxxxxxxxxx" }}{{ range 40 }}{{ $s = print $s $s }}{{ end }}{{ len $s }}"#,
        )
        .unwrap();
        let opts = Options {
            max_output: 1 << 20,
            ..Options::default()
        };
        let e = set.run(&opts).execute("t", &Value::Nil).unwrap_err();
        assert_eq!(e.context, "print $s $s");
        assert!(
            e.message
                .contains("result exceeds the limit of 1048576 bytes"),
            "{e}"
        );
    }

    #[test]
    fn garbage_never_panics() {
        // Deterministic pseudo-random inputs built from template-ish fragments.
        let frags = [
            "{{", "}}", "{{-", "-}}", " ", "(", ")", "|", "$x", ":=", "=", ".a", ".", "\"s\"",
            "`r`", "'c'", "1", "0x", "if", "else", "end", "range", "with", "define", "template",
            "block", "\"n\"", "break", "continue", "/*", "*/", "and", "or", "len", "index",
            "include", "tpl", "nil", "true", ",", "\n", "é", "\\", "1e", "-", "print", "$", "eq",
            "not",
        ];
        // A fixed xorshift stream: the same garbage on every run.
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let mut src = String::new();
            let n = (next() % 30) as usize;
            for _ in 0..n {
                src.push_str(frags[(next() % frags.len() as u64) as usize]);
            }
            let _ = render(&src);
        }
        // Deep nesting is bounded, not a stack overflow.
        // Deep nesting is bounded, not a stack overflow, even on a 2 MiB thread.
        let deep = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
        assert!(err(&deep).ends_with("max expression depth exceeded"));
        let deep_if = "{{ if 1 }}".repeat(5000);
        assert!(err(&deep_if).ends_with("max expression depth exceeded"));
        let n = crate::parse::MAX_DEPTH - 1;
        let ok_parens = format!("{{{{ {}1{} }}}}", "(".repeat(n), ")".repeat(n));
        assert_eq!(ok(&ok_parens), "1");
        let ok_ifs = format!("{}x{}", "{{ if 1 }}".repeat(n), "{{ end }}".repeat(n));
        assert_eq!(ok(&ok_ifs), "x");
    }
}
