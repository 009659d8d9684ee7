//! The parser: Go text/template's grammar into an immutable, `Send + Sync` tree. Positions are
//! byte offsets into the source (kept in the tree) so errors can name `file:line:col` as Go does.
//! Function names are resolved against the registry at parse time: an unknown name is a parse
//! error even in a branch that never runs, exactly like Go.

use crate::func::{lookup, FuncDef};
use crate::lex::{lex, line_at, Item, Tok};
use crate::template::{go_quote, Error, ErrorKind};
use std::fmt::{self, Write as _};
use std::sync::Arc;

/// Bounds the parser's recursion (nested parens and control blocks) so hostile input cannot
/// overflow the stack: parsing and executing this many levels fits a 2 MiB thread even in
/// debug builds (tested). Go allows more; real charts nest a handful of levels.
pub const MAX_DEPTH: usize = 200;

/// Cloning is cheap (the nodes and source are shared): a file that appears twice in a chart
/// tree (each subchart vendoring the same library) is parsed once and cloned under its other
/// name.
#[derive(Clone, Debug)]
pub struct Tree {
    /// The template's name (file name or `define` name).
    pub name: String,
    /// The name of the file it was parsed from (Go's `ParseName`).
    pub parse_name: Arc<str>,
    pub src: Arc<str>,
    pub root: Arc<[Node]>,
}

impl Tree {
    /// The source text of a `Node::Text` span.
    pub fn text(&self, start: u32, end: u32) -> &str {
        self.src.get(start as usize..end as usize).unwrap_or("")
    }

    /// Go's `IsEmptyTree`: only whitespace text and comments.
    pub fn is_empty(&self) -> bool {
        self.root.iter().all(|n| match n {
            Node::Text(a, b) => self
                .text(*a, *b)
                .trim_matches([' ', '\t', '\r', '\n', '\x0b', '\x0c'])
                .is_empty(),
            _ => false,
        })
    }

    /// (line, column) of a byte offset, with Go's `ErrorContext` rules (column is the byte
    /// offset from the start of the line; on the first line it is the offset itself).
    pub fn line_col(&self, pos: u32) -> (u32, u32) {
        let line = line_at(&self.src, pos);
        let pos = (pos as usize).min(self.src.len());
        let before = &self.src.as_bytes()[..pos];
        let col = match before.iter().rposition(|&c| c == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        (line, col as u32)
    }
}

#[derive(Debug)]
pub enum Node {
    /// A span of the tree's source (start, end): text is not copied out of the file.
    Text(u32, u32),
    Action(u32, Pipe),
    If(Box<Branch>),
    With(Box<Branch>),
    Range(Box<Branch>),
    Template(u32, Box<str>, Option<Pipe>),
    Break(u32),
    Continue(u32),
}

#[derive(Debug)]
pub struct Branch {
    pub pos: u32,
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

#[derive(Debug)]
pub struct Pipe {
    pub pos: u32,
    pub is_assign: bool,
    pub decl: Vec<(u32, Box<str>)>,
    pub cmds: Vec<Cmd>,
}

#[derive(Debug)]
pub struct Cmd {
    pub pos: u32,
    pub args: Vec<Arg>,
}

#[derive(Debug)]
pub struct Number {
    pub text: Box<str>,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int: i64,
    pub uint: u64,
    pub float: f64,
    /// (real, imaginary) of a complex constant (`1i`, `1+2i`).
    pub complex: (f64, f64),
}

/// A resolved function (the registry entry is 'static, so trees stay `Send + Sync`).
#[derive(Clone, Copy)]
pub struct Func(pub &'static FuncDef);

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "func {}", self.0.name)
    }
}

#[derive(Debug)]
pub enum Arg {
    /// `.a.b.c`, stored as the dotted path `a.b.c` (one allocation per node).
    Field(u32, Box<str>),
    /// `$name.f1.f2` (no fields for a bare variable).
    Var(u32, Box<str>, Box<str>),
    Ident(u32, Func),
    Dot(u32),
    Nil(u32),
    Bool(u32, bool),
    Number(u32, Box<Number>),
    /// Quoted source text and the unquoted value.
    Str(u32, Box<str>, Box<str>),
    Pipe(u32, Box<Pipe>),
    Chain(u32, Box<Arg>, Box<str>),
}

impl Arg {
    pub fn pos(&self) -> u32 {
        match self {
            Arg::Field(p, _)
            | Arg::Var(p, _, _)
            | Arg::Ident(p, _)
            | Arg::Dot(p)
            | Arg::Nil(p)
            | Arg::Bool(p, _)
            | Arg::Number(p, _)
            | Arg::Str(p, _, _)
            | Arg::Pipe(p, _)
            | Arg::Chain(p, _, _) => *p,
        }
    }
}

// Go's `Node.String()` forms, used in `executing "x" at <...>` error contexts.
impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field(_, fs) => {
                for x in fs.split('.').filter(|x| !x.is_empty()) {
                    write!(f, ".{x}")?;
                }
                Ok(())
            }
            Arg::Var(_, v, fs) => {
                f.write_str(v)?;
                for x in fs.split('.').filter(|x| !x.is_empty()) {
                    write!(f, ".{x}")?;
                }
                Ok(())
            }
            Arg::Ident(_, d) => f.write_str(d.0.name),
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, n) => f.write_str(&n.text),
            Arg::Str(_, q, _) => f.write_str(q),
            Arg::Pipe(_, p) => write!(f, "{p}"),
            Arg::Chain(_, n, fs) => {
                match &**n {
                    Arg::Pipe(_, p) => write!(f, "({p})")?,
                    other => write!(f, "{other}")?,
                }
                for x in fs.split('.').filter(|x| !x.is_empty()) {
                    write!(f, ".{x}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            match a {
                Arg::Pipe(_, p) => write!(f, "({p})")?,
                a => write!(f, "{a}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, (_, v)) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(v)?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, l: &[Node]) -> fmt::Result {
    for n in l {
        write!(f, "{n}")?;
    }
    Ok(())
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let branch = |f: &mut fmt::Formatter<'_>, kw: &str, b: &Branch| -> fmt::Result {
            write!(f, "{{{{{kw} {}}}}}", b.pipe)?;
            write_list(f, &b.list)?;
            if let Some(e) = &b.else_list {
                f.write_str("{{else}}")?;
                write_list(f, e)?;
            }
            f.write_str("{{end}}")
        };
        match self {
            // Text spans need the source; node strings only serve error contexts, which
            // never point at text.
            Node::Text(..) => Ok(()),
            Node::Action(_, p) => write!(f, "{{{{{p}}}}}"),
            Node::If(b) => branch(f, "if", b),
            Node::With(b) => branch(f, "with", b),
            Node::Range(b) => branch(f, "range", b),
            Node::Template(_, name, None) => write!(f, "{{{{template {}}}}}", go_quote(name)),
            Node::Template(_, name, Some(p)) => {
                write!(f, "{{{{template {} {p}}}}}", go_quote(name))
            }
            Node::Break(_) => f.write_str("{{break}}"),
            Node::Continue(_) => f.write_str("{{continue}}"),
        }
    }
}

/// What ends an item list.
enum Stop {
    End,
    Else,
    Eof,
}

struct Parser<'a> {
    src: &'a str,
    items: Vec<Item>,
    lex_error: Option<String>,
    i: usize,
    max_read: usize,
    parse_name: Arc<str>,
    src_arc: Arc<str>,
    vars: Vec<Box<str>>,
    range_depth: usize,
    /// Where the action being parsed starts (for "in action started at" errors).
    action_pos: Option<u32>,
    depth: usize,
    /// Trees of this parse: the main one first, then `define`s in order.
    trees: Vec<Tree>,
}

type PResult<T> = Result<T, Box<Error>>;

/// Parses `src` as template `name`: returns the main tree followed by every `define`d tree.
pub fn parse(name: &str, src: &str) -> Result<Vec<Tree>, Box<Error>> {
    let lexed = lex(src);
    let parse_name: Arc<str> = Arc::from(name);
    let mut p = Parser {
        src,
        items: lexed.items,
        lex_error: lexed.error,
        i: 0,
        max_read: 0,
        parse_name,
        src_arc: Arc::from(src),
        vars: vec!["$".into()],
        range_depth: 0,
        action_pos: None,
        depth: 0,
        trees: Vec::new(),
    };
    let root = p.parse_top()?;
    let main = Tree {
        name: name.to_string(),
        parse_name: p.parse_name.clone(),
        src: p.src_arc.clone(),
        root: root.into(),
    };
    let mut out = vec![main];
    out.append(&mut p.trees);
    Ok(out)
}

impl<'a> Parser<'a> {
    fn text(&self, it: &Item) -> &'a str {
        &self.src[it.pos as usize..it.end as usize]
    }

    fn next(&mut self) -> Item {
        let idx = self.i.min(self.items.len() - 1);
        self.max_read = self.max_read.max(idx);
        if self.i < self.items.len() {
            self.i += 1;
        }
        self.items[idx]
    }

    fn backup(&mut self) {
        self.i = self.i.saturating_sub(1);
    }

    fn peek(&mut self) -> Item {
        let it = self.next();
        self.backup();
        it
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let it = self.next();
            if it.tok != Tok::Space {
                return it;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let it = self.next_non_space();
        self.backup();
        it
    }

    fn err(&self, msg: String) -> Box<Error> {
        let line = self
            .items
            .get(self.max_read)
            .map_or(1, |i| line_at(self.src, i.pos));
        Box::new(Error {
            kind: ErrorKind::Parse,
            name: self.parse_name.to_string(),
            line,
            col: 0,
            context: String::new(),
            executing: String::new(),
            message: msg,
        })
    }

    /// Go's item String(): `"x"`, `<define>`, `EOF`, or the error text.
    fn item_str(&self, it: &Item) -> String {
        match it.tok {
            Tok::Eof => "EOF".into(),
            Tok::Error => self.lex_error.clone().unwrap_or_default(),
            t if t.is_keyword() => format!("<{}>", self.text(it)),
            _ => {
                let v = self.text(it);
                if v.chars().count() > 10 {
                    let short: String = v.chars().take(10).collect();
                    format!("{}...", go_quote(&short))
                } else {
                    go_quote(v)
                }
            }
        }
    }

    fn unexpected(&self, it: &Item, context: &str) -> Box<Error> {
        if it.tok == Tok::Error {
            let msg = self.lex_error.clone().unwrap_or_default();
            let mut extra = String::new();
            let action_line = self.action_pos.map(|p| line_at(self.src, p));
            if let Some(action_line) = action_line.filter(|&l| l != line_at(self.src, it.pos)) {
                extra = format!(" in action started at {}:{}", self.parse_name, action_line);
                if msg.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.err(format!("{msg}{extra}"));
        }
        self.err(format!("unexpected {} in {}", self.item_str(it), context))
    }

    fn expect(&mut self, tok: Tok, context: &str) -> PResult<Item> {
        let it = self.next_non_space();
        if it.tok != tok {
            return Err(self.unexpected(&it, context));
        }
        Ok(it)
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("max expression depth exceeded".into()));
        }
        Ok(())
    }

    fn unquote(&self, it: &Item) -> PResult<String> {
        unquote(self.text(it)).ok_or_else(|| self.err("invalid syntax".into()))
    }

    fn parse_top(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        loop {
            let it = self.peek();
            if it.tok == Tok::Eof {
                break;
            }
            if it.tok == Tok::LeftDelim {
                let save = self.i;
                self.next();
                if self.next_non_space().tok == Tok::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.i = save;
            }
            match self.text_or_action()? {
                Ok(n) => {
                    if let Some(n) = n {
                        root.push(n);
                    }
                }
                Err(Stop::End) => return Err(self.err("unexpected {{end}}".into())),
                Err(Stop::Else) => return Err(self.err("unexpected {{else}}".into())),
                Err(Stop::Eof) => break,
            }
        }
        Ok(root)
    }

    fn add_tree(&mut self, name: String, root: Vec<Node>) -> PResult<()> {
        let tree = Tree {
            name,
            parse_name: self.parse_name.clone(),
            src: self.src_arc.clone(),
            root: root.into(),
        };
        if let Some(idx) = self.trees.iter().position(|t| t.name == tree.name) {
            if self.trees[idx].is_empty() {
                self.trees[idx] = tree;
            } else if !tree.is_empty() {
                return Err(self.err(format!(
                    "template: multiple definition of template {}",
                    go_quote(&tree.name)
                )));
            }
            return Ok(());
        }
        self.trees.push(tree);
        Ok(())
    }

    fn parse_definition(&mut self) -> PResult<()> {
        const CTX: &str = "define clause";
        let it = self.next_non_space();
        if !matches!(it.tok, Tok::String | Tok::RawString) {
            return Err(self.unexpected(&it, CTX));
        }
        let name = self.unquote(&it)?;
        self.expect(Tok::RightDelim, CTX)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let (list, stop) = self.item_list()?;
        self.vars = saved_vars;
        self.range_depth = saved_range;
        match stop {
            Stop::End => {}
            Stop::Else => return Err(self.err(format!("unexpected {{{{else}}}} in {CTX}"))),
            Stop::Eof => return Err(self.err("unexpected EOF".into())),
        }
        self.add_tree(name, list)
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, Stop)> {
        let mut list = Vec::new();
        while self.peek_non_space().tok != Tok::Eof {
            match self.text_or_action()? {
                Ok(Some(n)) => list.push(n),
                Ok(None) => {}
                Err(s) => return Ok((list, s)),
            }
        }
        Err(self.err("unexpected EOF".into()))
    }

    /// A node, `Ok(None)` for a comment, or `Err(stop)` for `{{end}}`/`{{else}}`.
    fn text_or_action(&mut self) -> PResult<Result<Option<Node>, Stop>> {
        let it = self.next_non_space();
        match it.tok {
            Tok::Text => Ok(Ok(Some(Node::Text(it.pos, it.end)))),
            Tok::LeftDelim => {
                let saved = self.action_pos.replace(it.pos);
                let r = self.action();
                self.action_pos = saved;
                r
            }
            Tok::Comment => Ok(Ok(None)),
            Tok::Eof => Ok(Err(Stop::Eof)),
            _ => Err(self.unexpected(&it, "input")),
        }
    }

    fn action(&mut self) -> PResult<Result<Option<Node>, Stop>> {
        let it = self.next_non_space();
        match it.tok {
            Tok::Block => return self.block_control().map(|n| Ok(Some(n))),
            Tok::Break | Tok::Continue => {
                let kw = if it.tok == Tok::Break {
                    "break"
                } else {
                    "continue"
                };
                let t = self.next_non_space();
                if t.tok != Tok::RightDelim {
                    return Err(self.unexpected(&t, &format!("{{{{{kw}}}}}")));
                }
                if self.range_depth == 0 {
                    return Err(self.err(format!("{{{{{kw}}}}} outside {{{{range}}}}")));
                }
                return Ok(Ok(Some(if it.tok == Tok::Break {
                    Node::Break(it.pos)
                } else {
                    Node::Continue(it.pos)
                })));
            }
            Tok::Else => {
                let p = self.peek_non_space();
                if matches!(p.tok, Tok::If | Tok::With) {
                    return Ok(Err(Stop::Else));
                }
                self.expect(Tok::RightDelim, "else")?;
                return Ok(Err(Stop::Else));
            }
            Tok::End => {
                self.expect(Tok::RightDelim, "end")?;
                return Ok(Err(Stop::End));
            }
            Tok::If => return self.control("if").map(|b| Ok(Some(Node::If(b)))),
            Tok::Range => return self.control("range").map(|b| Ok(Some(Node::Range(b)))),
            Tok::With => return self.control("with").map(|b| Ok(Some(Node::With(b)))),
            Tok::Template => return self.template_control().map(|n| Ok(Some(n))),
            _ => {}
        }
        self.backup();
        let pos = self.peek().pos;
        let pipe = self.pipeline("command", Tok::RightDelim)?;
        Ok(Ok(Some(Node::Action(pos, pipe))))
    }

    fn control(&mut self, context: &str) -> PResult<Box<Branch>> {
        self.enter()?;
        let nvars = self.vars.len();
        let r = self.control_inner(context);
        self.vars.truncate(nvars);
        self.depth -= 1;
        r
    }

    fn control_inner(&mut self, context: &str) -> PResult<Box<Branch>> {
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let r = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, stop) = r?;
        let mut else_list = None;
        match stop {
            Stop::End => {}
            Stop::Eof => return Err(self.err("unexpected EOF".into())),
            Stop::Else => {
                let p = self.peek();
                if context == "if" && p.tok == Tok::If {
                    self.next();
                    else_list = Some(vec![Node::If(self.control("if")?)]);
                } else if context == "with" && p.tok == Tok::With {
                    self.next();
                    else_list = Some(vec![Node::With(self.control("with")?)]);
                } else {
                    let (l, s) = self.item_list()?;
                    match s {
                        Stop::End => {}
                        Stop::Else => return Err(self.err("expected end; found {{else}}".into())),
                        Stop::Eof => return Err(self.err("unexpected EOF".into())),
                    }
                    else_list = Some(l);
                }
            }
        }
        Ok(Box::new(Branch {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        }))
    }

    fn template_name(&mut self, it: &Item, context: &str) -> PResult<String> {
        match it.tok {
            Tok::String | Tok::RawString => self.unquote(it),
            _ => Err(self.unexpected(it, context)),
        }
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CTX: &str = "template clause";
        let it = self.next_non_space();
        let name = self.template_name(&it, CTX)?;
        let mut pipe = None;
        if self.next_non_space().tok != Tok::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CTX, Tok::RightDelim)?);
        }
        Ok(Node::Template(it.pos, name.into(), pipe))
    }

    fn block_control(&mut self) -> PResult<Node> {
        const CTX: &str = "block clause";
        self.enter()?;
        let it = self.next_non_space();
        let name = self.template_name(&it, CTX)?;
        let pipe = self.pipeline(CTX, Tok::RightDelim)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let r = self.item_list();
        self.vars = saved_vars;
        self.range_depth = saved_range;
        let (list, stop) = r?;
        match stop {
            Stop::End => {}
            Stop::Else => return Err(self.err(format!("unexpected {{{{else}}}} in {CTX}"))),
            Stop::Eof => return Err(self.err("unexpected EOF".into())),
        }
        self.add_tree(name.clone(), list)?;
        self.depth -= 1;
        Ok(Node::Template(it.pos, name.into(), Some(pipe)))
    }

    fn pipeline(&mut self, context: &str, end: Tok) -> PResult<Pipe> {
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.tok != Tok::Variable {
                break;
            }
            let save = self.i;
            self.next_non_space();
            let after = self.peek();
            let nx = self.peek_non_space();
            let vname: Box<str> = self.text(&v).into();
            match nx.tok {
                Tok::Assign | Tok::Declare => {
                    pipe.is_assign = nx.tok == Tok::Assign;
                    self.next_non_space();
                    pipe.decl.push((v.pos, vname.clone()));
                    self.vars.push(vname);
                    break 'decls;
                }
                Tok::Char if self.text(&nx) == "," => {
                    self.next_non_space();
                    pipe.decl.push((v.pos, vname.clone()));
                    self.vars.push(vname);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().tok {
                            Tok::Variable | Tok::RightDelim | Tok::RightParen => continue 'decls,
                            _ => return Err(self.err("range can only initialize variables".into())),
                        }
                    }
                    return Err(self.err(format!("too many declarations in {context}")));
                }
                _ => {
                    let _ = after;
                    self.i = save;
                    break 'decls;
                }
            }
        }
        loop {
            let it = self.next_non_space();
            if it.tok == end {
                if pipe.cmds.is_empty() {
                    return Err(self.err(format!("missing value for {context}")));
                }
                for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
                    if matches!(
                        c.args.first(),
                        Some(
                            Arg::Bool(..)
                                | Arg::Dot(_)
                                | Arg::Nil(_)
                                | Arg::Number(..)
                                | Arg::Str(..)
                        )
                    ) {
                        return Err(self.err(format!(
                            "non executable command in pipeline stage {}",
                            i + 1
                        )));
                    }
                }
                return Ok(pipe);
            }
            match it.tok {
                Tok::Bool
                | Tok::CharConstant
                | Tok::Complex
                | Tok::Dot
                | Tok::Field
                | Tok::Identifier
                | Tok::Number
                | Tok::Nil
                | Tok::RawString
                | Tok::String
                | Tok::Variable
                | Tok::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    pipe.cmds.push(c);
                }
                _ => return Err(self.unexpected(&it, context)),
            }
        }
    }

    fn command(&mut self) -> PResult<Cmd> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Cmd {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let it = self.next();
            match it.tok {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return Err(self.unexpected(&it, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.err("empty command".into()));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().tok != Tok::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = String::new();
        while self.peek().tok == Tok::Field {
            let it = self.next();
            let t = self.text(&it);
            fields.push_str(t);
        }
        Ok(Some(match node {
            // Go re-creates these nodes at the chain's position (the second segment).
            Arg::Field(_, fs) => Arg::Field(chain_pos, format!("{fs}{fields}").into()),
            Arg::Var(_, v, fs) => {
                let path = format!("{fs}{fields}");
                Arg::Var(chain_pos, v, path.trim_start_matches('.').into())
            }
            Arg::Bool(..) | Arg::Str(..) | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(self.err(format!(
                    "unexpected . after term {}",
                    go_quote(&node.to_string())
                )));
            }
            other => Arg::Chain(
                chain_pos,
                Box::new(other),
                fields.trim_start_matches('.').into(),
            ),
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let it = self.next_non_space();
        let text = self.text(&it);
        Ok(Some(match it.tok {
            Tok::Identifier => match lookup(text) {
                Some(def) => Arg::Ident(it.pos, Func(def)),
                None => return Err(self.err(format!("function {} not defined", go_quote(text)))),
            },
            Tok::Dot => Arg::Dot(it.pos),
            Tok::Nil => Arg::Nil(it.pos),
            Tok::Variable => {
                let mut parts = text.split('.');
                let name = parts.next().unwrap_or("$");
                if !self.vars.iter().any(|v| &**v == name) {
                    return Err(self.err(format!("undefined variable {}", go_quote(name))));
                }
                let rest: Vec<&str> = parts.collect();
                Arg::Var(it.pos, name.into(), rest.join(".").into())
            }
            Tok::Field => Arg::Field(it.pos, text[1..].into()),
            Tok::Bool => Arg::Bool(it.pos, text == "true"),
            Tok::CharConstant | Tok::Complex | Tok::Number => {
                let n = parse_number(text, it.tok).map_err(|m| self.err(m))?;
                Arg::Number(it.pos, Box::new(n))
            }
            Tok::LeftParen => {
                self.enter()?;
                let p = self.pipeline("parenthesized pipeline", Tok::RightParen)?;
                self.depth -= 1;
                Arg::Pipe(it.pos, Box::new(p))
            }
            Tok::String | Tok::RawString => {
                let s = self.unquote(&it)?;
                Arg::Str(it.pos, text.into(), s.into())
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// Go's `strconv.Unquote` for "…", `…` and '…' literals.
pub fn unquote(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return None;
    }
    let q = b[0];
    if q != b[b.len() - 1] {
        return None;
    }
    let body = &s[1..s.len() - 1];
    match q {
        b'`' => {
            if body.contains('`') {
                return None;
            }
            Some(body.replace('\r', ""))
        }
        // Most strings have no escape: the body as is (it cannot hold a quote or newline).
        b'"' if !body.bytes().any(|c| matches!(c, b'\\' | b'"' | b'\n')) => Some(body.to_string()),
        b'"' | b'\'' => {
            let mut out = String::with_capacity(body.len());
            let mut chars = body.chars().peekable();
            let mut count = 0;
            while let Some(c) = chars.next() {
                count += 1;
                if c == q as char || c == '\n' {
                    return None;
                }
                if c != '\\' {
                    out.push(c);
                    continue;
                }
                let e = chars.next()?;
                match e {
                    'a' => out.push('\x07'),
                    'b' => out.push('\x08'),
                    'f' => out.push('\x0c'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'v' => out.push('\x0b'),
                    '\\' => out.push('\\'),
                    '\'' if q == b'\'' => out.push('\''),
                    '"' if q == b'"' => out.push('"'),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut v: u32 = 0;
                        for _ in 0..n {
                            let d = chars.next().and_then(|c| c.to_digit(16))?;
                            v = v * 16 + d;
                        }
                        if e == 'x' {
                            if q == b'\'' {
                                out.push(char::from_u32(v)?);
                            } else {
                                // A \x byte may form part of a UTF-8 sequence; rebuild below.
                                push_byte(&mut out, v as u8);
                            }
                        } else {
                            out.push(char::from_u32(v)?);
                        }
                    }
                    '0'..='7' => {
                        let mut v = e.to_digit(8)?;
                        for _ in 0..2 {
                            let d = chars.next().and_then(|c| c.to_digit(8))?;
                            v = v * 8 + d;
                        }
                        if v > 255 {
                            return None;
                        }
                        if q == b'\'' {
                            out.push(char::from_u32(v)?);
                        } else {
                            push_byte(&mut out, v as u8);
                        }
                    }
                    _ => return None,
                }
            }
            if q == b'\'' && count == 0 {
                return None;
            }
            Some(fix_bytes(out))
        }
        _ => None,
    }
}

// Raw bytes from \x and octal escapes are carried as private-use chars and decoded at the end,
// so "\xc3\xa9" becomes "é" while an invalid sequence degrades to U+FFFD.
const BYTE_BASE: u32 = 0x10_FF00;

fn push_byte(out: &mut String, b: u8) {
    if b < 0x80 {
        out.push(b as char);
    } else if let Some(c) = char::from_u32(BYTE_BASE + b as u32) {
        out.push(c);
    }
}

fn fix_bytes(s: String) -> String {
    if !s.chars().any(|c| c as u32 >= BYTE_BASE) {
        return s;
    }
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        if u >= BYTE_BASE {
            bytes.push((u - BYTE_BASE) as u8);
        } else {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Go's `strconv.ParseInt(s, 0, 64)`-style parse of an unsigned magnitude (sign handled by caller).
fn parse_uint_base0(s: &str) -> Option<u64> {
    let (digits, radix, prefixed) =
        if let Some(r) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            (r, 16, true)
        } else if let Some(r) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
            (r, 8, true)
        } else if let Some(r) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
            (r, 2, true)
        } else if s.len() > 1 && s.starts_with('0') {
            (&s[1..], 8, true)
        } else {
            (s, 10, false)
        };
    if !underscore_ok(digits, prefixed) {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    u64::from_str_radix(&clean, radix).ok()
}

fn underscore_ok(d: &str, prefixed: bool) -> bool {
    if !d.contains('_') {
        return true;
    }
    let b = d.as_bytes();
    if b.last() == Some(&b'_') || d.contains("__") {
        return false;
    }
    prefixed || b[0] != b'_'
}

fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        let h: String = h.chars().filter(|&c| c != '_').collect();
        let (mant, exp) = h.split_once(['p', 'P'])?;
        let exp: i32 = exp.parse().ok()?;
        let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
        let mut m = 0f64;
        for c in ip.chars().chain(fp.chars()) {
            m = m * 16.0 + c.to_digit(16)? as f64;
        }
        m * 2f64.powi(exp - 4 * fp.len() as i32)
    } else {
        if !underscore_ok(body, false) || body.starts_with('.') && body.len() == 1 {
            return None;
        }
        let clean: String = body.chars().filter(|&c| c != '_').collect();
        if !clean
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        // strconv.ParseFloat fails on overflow (ErrRange): no infinities from literals.
        clean.parse::<f64>().ok().filter(|f| f.is_finite())?
    };
    Some(if neg { -v } else { v })
}

/// Go's `parse.newNumber`: which of int/uint/float a literal can be.
fn parse_number(text: &str, tok: Tok) -> Result<Number, String> {
    let mut n = Number {
        text: text.into(),
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int: 0,
        uint: 0,
        float: 0.0,
        complex: (0.0, 0.0),
    };
    if tok == Tok::CharConstant {
        let s = unquote(text).ok_or_else(|| "invalid syntax".to_string())?;
        let mut cs = s.chars();
        let c = cs.next().ok_or("invalid syntax")?;
        if cs.next().is_some() {
            return Err(format!("malformed character constant: {text}"));
        }
        n.is_int = true;
        n.is_uint = true;
        n.is_float = true;
        n.int = c as i64;
        n.uint = c as u64;
        n.float = c as u32 as f64;
        return Ok(n);
    }
    if tok == Tok::Complex || text.ends_with('i') {
        n.is_complex = true;
        let body = &text[..text.len() - 1];
        // `A+Bi`: the sign that starts B is the last one not inside an exponent.
        let split = body
            .char_indices()
            .skip(1)
            .filter(|&(i, c)| {
                matches!(c, '+' | '-')
                    && !matches!(body.as_bytes()[i - 1], b'e' | b'E' | b'p' | b'P')
            })
            .map(|(i, _)| i)
            .last();
        let part = |s: &str| {
            parse_float(s).or_else(|| parse_uint_base0(s.trim_start_matches('+')).map(|u| u as f64))
        };
        n.complex = match (tok, split) {
            (Tok::Complex, Some(at)) => (
                part(&body[..at]).ok_or("invalid syntax")?,
                part(&body[at..]).ok_or("invalid syntax")?,
            ),
            _ => (0.0, part(body).ok_or("invalid syntax")?),
        };
        return Ok(n);
    }
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if let Some(u) = parse_uint_base0(body) {
        if !neg {
            n.is_uint = true;
            n.uint = u;
        }
        if neg && u <= (i64::MAX as u64) + 1 {
            n.is_int = true;
            n.int = (u as i128).wrapping_neg() as i64;
        } else if !neg && u <= i64::MAX as u64 {
            n.is_int = true;
            n.int = u as i64;
        }
        if n.is_int {
            n.is_float = true;
            n.float = n.int as f64;
        } else if n.is_uint {
            n.is_float = true;
            n.float = n.uint as f64;
        }
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", go_quote(text)));
        }
        n.is_float = true;
        n.float = f;
        if f.fract() == 0.0 && f.abs() < 9.2e18 {
            n.is_int = true;
            n.int = f as i64;
            if f >= 0.0 {
                n.is_uint = true;
                n.uint = f as u64;
            }
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", go_quote(text)));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquotes_go_escapes() {
        assert_eq!(unquote(r#""a\tb\x41\u00e9\101""#).unwrap(), "a\tbAéA");
        assert_eq!(unquote("`a\\n`").unwrap(), "a\\n");
        assert_eq!(unquote("\"plain é\t{}\"").unwrap(), "plain é\t{}");
        assert_eq!(unquote(r#""q\"q""#).unwrap(), "q\"q");
        assert!(unquote("\"a\nb\"").is_none() && unquote(r#""a"b""#).is_none());
        assert_eq!(unquote(r#""\xc3\xa9""#).unwrap(), "é");
        assert!(unquote(r#""\q""#).is_none());
        assert_eq!(unquote("'a'").unwrap(), "a");
    }

    #[test]
    fn numbers() {
        let n = parse_number("0x1F", Tok::Number).unwrap();
        assert!(n.is_int && n.int == 31);
        let n = parse_number("1_000", Tok::Number).unwrap();
        assert_eq!(n.int, 1000);
        let n = parse_number("1e3", Tok::Number).unwrap();
        assert!(n.is_float && n.is_int && n.int == 1000);
        let n = parse_number("017", Tok::Number).unwrap();
        assert_eq!(n.int, 15);
        let n = parse_number("-3", Tok::Number).unwrap();
        assert_eq!(n.int, -3);
        assert!(parse_number("08", Tok::Number).is_err());
        let n = parse_number("0x1p-2", Tok::Number).unwrap();
        assert_eq!(n.float, 0.25);
    }
}
