//! helm's `--set` family syntax (`pkg/strvals`): `a.b[0].c=v,d={x,y}`, `\` escapes, type
//! inference (`true`/`false`/`null`, base-10 integers as int64, everything else a string), and
//! helm's error messages.

use gotpl::{Map, Value};
use std::collections::BTreeMap;

/// helm's `MaxNestedNameLevel`.
const MAX_NESTED_NAME_LEVEL: usize = 30;
/// helm's `MaxIndex`.
const MAX_INDEX: i64 = 65536;

/// Which flag a `--set`-style argument came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    /// `--set`: typed values.
    Set,
    /// `--set-string`: every value a string.
    SetString,
    /// `--set-json`: values are JSON documents.
    SetJson,
    /// `--set-file`: values are file paths whose contents become strings.
    SetFile,
    /// `--set-literal`: one key, the rest of the argument verbatim as a string.
    SetLiteral,
}

/// The parse tree while parsing: helm mutates `map[string]interface{}`/`[]interface{}` in place.
#[derive(Clone, Debug)]
enum Node {
    Leaf(Value),
    Map(BTreeMap<String, Node>),
    List(Vec<Node>),
}

impl Node {
    fn from_value(v: &Value, depth: usize) -> Node {
        if depth > 2_000 {
            // Deeper JSON stays one value (no native recursion); only paths that deep into it
            // would see a leaf instead of a tree.
            return Node::Leaf(v.clone());
        }
        match v {
            Value::Map(m) => Node::Map(
                m.borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), Node::from_value(v, depth + 1)))
                    .collect(),
            ),
            Value::List(l) => Node::List(
                l.items
                    .iter()
                    .map(|v| Node::from_value(v, depth + 1))
                    .collect(),
            ),
            v => Node::Leaf(v.clone()),
        }
    }
    fn into_value(self) -> Value {
        match self {
            Node::Leaf(v) => v,
            Node::Map(m) => Value::map(m.into_iter().map(|(k, v)| (k, v.into_value())).collect()),
            Node::List(l) => Value::list(l.into_iter().map(Node::into_value).collect()),
        }
    }
    /// Go's dynamic type name, for helm's recovered type-assertion panics.
    fn go_type(&self) -> String {
        match self {
            Node::Leaf(Value::Nil) => "nil".into(),
            Node::Leaf(v) => v.type_name(),
            Node::Map(_) => "map[string]interface {}".into(),
            Node::List(_) => "[]interface {}".into(),
        }
    }
}

fn nil() -> Node {
    Node::Leaf(Value::Nil)
}

/// Why parsing stopped: the end of input (not an error at the top level) or an error message.
enum Stop {
    Eof,
    Err(String),
}

type R<T> = Result<T, Stop>;

fn err<T>(m: impl Into<String>) -> R<T> {
    Err(Stop::Err(m.into()))
}

struct Parser<'a> {
    s: Vec<char>,
    pos: usize,
    kind: SetKind,
    /// Reads a `--set-file` path (injected so tests and callers control file access).
    read_file: &'a mut dyn FnMut(&str) -> Result<String, String>,
}

/// Parses one `--set`-style argument into `dest` (helm's `ParseInto`, `ParseIntoString`,
/// `ParseJSON`, `ParseIntoFile`, `ParseLiteralInto`). `read_file` is used by `SetFile` only.
/// Errors are helm's messages without the `failed parsing --set data: ` prefix.
pub fn parse_set(
    arg: &str,
    kind: SetKind,
    dest: &Map,
    read_file: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<(), String> {
    let mut data = match Node::from_value(&Value::Map(dest.clone()), 0) {
        Node::Map(m) => m,
        _ => BTreeMap::new(),
    };
    let mut p = Parser {
        s: arg.chars().collect(),
        pos: 0,
        kind,
        read_file,
    };
    let res = loop {
        let r = if kind == SetKind::SetLiteral {
            p.literal_key(&mut data, 0)
        } else {
            p.key(&mut data, 0)
        };
        match r {
            Ok(()) => continue,
            Err(Stop::Eof) => break Ok(()),
            Err(Stop::Err(m)) => break Err(m),
        }
    };
    // helm mutates the destination as it goes, so a failed parse still leaves earlier keys.
    let mut d = dest.borrow_mut();
    d.clear();
    for (k, v) in data {
        d.insert(k, v.into_value());
    }
    res
}

impl Parser<'_> {
    fn read(&mut self) -> Option<char> {
        let c = self.s.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }
    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// helm's `runesUntil`: reads to a stop rune, `\x` yields `x`. Returns (text, stop) or
    /// Eof-with-text.
    fn until(&mut self, stop: &[char], escapes: bool) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') if escapes => match self.read() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn typed(&mut self, rs: String) -> R<Node> {
        match self.kind {
            SetKind::SetString | SetKind::SetLiteral => Ok(Node::Leaf(Value::str(rs))),
            SetKind::SetFile => match (self.read_file)(&rs) {
                Ok(s) => Ok(Node::Leaf(Value::str(s))),
                Err(e) => err(e),
            },
            _ => Ok(Node::Leaf(typed_val(&rs))),
        }
    }

    fn key(&mut self, data: &mut BTreeMap<String, Node>, level: usize) -> R<()> {
        let (k, last) = self.until(&['=', '[', ',', '.'], true);
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    err(format!("key {k:?} has no value"))
                }
            }
            Some('[') => {
                let i = self.key_index()?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Node::List(l)) => l.clone(),
                    Some(other) => return err(conv_panic(other, "[]interface {}")),
                };
                let (list, res) = self.list_item(list, i, level);
                set(data, &k, Node::List(list));
                res
            }
            Some('=') => {
                if self.kind == SetKind::SetJson {
                    if self.empty_val() {
                        set(data, &k, nil());
                        return Ok(());
                    }
                    let v = self.json_value()?;
                    set(data, &k, v);
                    self.empty_val();
                    return Ok(());
                }
                match self.val_list() {
                    Ok(list) => {
                        set(data, &k, Node::List(list));
                        Ok(())
                    }
                    Err(ListErr::Eof) => {
                        set(data, &k, Node::Leaf(Value::str("")));
                        Err(Stop::Eof)
                    }
                    Err(ListErr::NotList) => {
                        let (rs, _) = self.until(&[','], true);
                        let v = self.typed(rs)?;
                        set(data, &k, v);
                        Ok(())
                    }
                    Err(ListErr::Err(m)) => err(m),
                }
            }
            Some(',') => {
                set(data, &k, Node::Leaf(Value::str("")));
                err(format!("key {k:?} has no value (cannot end with ,)"))
            }
            _ => {
                // '.'
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                let mut inner = match data.get(&k) {
                    None => BTreeMap::new(),
                    Some(Node::Map(m)) => m.clone(),
                    Some(other) => return err(conv_panic(other, "map[string]interface {}")),
                };
                let e = self.key(&mut inner, level);
                if e.is_ok() && inner.is_empty() {
                    return err(format!("key map {k:?} has no value"));
                }
                if !inner.is_empty() {
                    set(data, &k, Node::Map(inner));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> R<i64> {
        let (v, last) = self.until(&[']'], self.kind != SetKind::SetLiteral);
        if last.is_none() {
            return Err(Stop::Eof);
        }
        atoi(&v).map_err(|e| Stop::Err(format!("error parsing index: {e}")))
    }

    /// helm's `listItem`; returns the (possibly grown) list even on error, as helm stores it.
    fn list_item(&mut self, mut list: Vec<Node>, i: i64, level: usize) -> (Vec<Node>, R<()>) {
        if i < 0 {
            return (list, err(format!("negative {i} index not allowed")));
        }
        let literal = self.kind == SetKind::SetLiteral;
        let (k, last) = self.until(&['[', '.', '='], !literal);
        if !k.is_empty() {
            return (
                list,
                err(format!(
                    "unexpected data at end of array index: {}",
                    go_runes_q(&k)
                )),
            );
        }
        match last {
            None => (list, Err(Stop::Eof)),
            Some('=') => {
                if literal {
                    let (v, _) = self.until(&[], false);
                    return set_index(list, i, Node::Leaf(Value::str(v)));
                }
                if self.kind == SetKind::SetJson {
                    if self.empty_val() {
                        return set_index(list, i, nil());
                    }
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return (list, Err(e)),
                    };
                    let (list, r) = set_index(list, i, v);
                    if r.is_err() {
                        return (list, r);
                    }
                    self.empty_val();
                    return (list, Ok(()));
                }
                match self.val_list() {
                    Ok(vl) => set_index(list, i, Node::List(vl)),
                    Err(ListErr::Eof) => set_index(list, i, Node::Leaf(Value::str(""))),
                    Err(ListErr::NotList) => {
                        let (rs, _) = self.until(&[','], true);
                        match self.typed(rs) {
                            Ok(v) => set_index(list, i, v),
                            Err(e) => (list, Err(e)),
                        }
                    }
                    Err(ListErr::Err(m)) => (list, err(m)),
                }
            }
            Some('[') => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e)),
                };
                let mut crt = Vec::new();
                if (list.len() as i64) > i {
                    let bad = match &list[i as usize] {
                        Node::Leaf(Value::Nil) => None,
                        Node::List(l) => {
                            crt = l.clone();
                            None
                        }
                        other => Some(conv_panic(other, "[]interface {}")),
                    };
                    if let Some(m) = bad {
                        return (list, err(m));
                    }
                }
                let (l2, r) = self.list_item(crt, next, level);
                if r.is_err() {
                    return (list, r);
                }
                set_index(list, i, Node::List(l2))
            }
            _ => {
                // '.'
                let mut inner = BTreeMap::new();
                if (list.len() as i64) > i {
                    match &list[i as usize] {
                        Node::Map(m) => inner = m.clone(),
                        // Indices out of order: helm starts an empty map there.
                        _ => list[i as usize] = Node::Map(BTreeMap::new()),
                    }
                }
                let r = if literal {
                    self.literal_key(&mut inner, level)
                } else {
                    self.key(&mut inner, level)
                };
                if r.is_err() {
                    return (list, r);
                }
                set_index(list, i, Node::Map(inner))
            }
        }
    }

    /// helm's `valList`: `{a,b}` lists.
    fn val_list(&mut self) -> Result<Vec<Node>, ListErr> {
        match self.read() {
            None => return Err(ListErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(ListErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}'], true);
            match last {
                None => return Err(ListErr::Err("list must terminate with '}'".into())),
                Some('}') => {
                    if let Some(c) = self.read() {
                        if c != ',' {
                            self.unread();
                        }
                    }
                    match self.typed(rs) {
                        Ok(v) => list.push(v),
                        Err(Stop::Err(m)) => return Err(ListErr::Err(m)),
                        Err(Stop::Eof) => {}
                    }
                    return Ok(list);
                }
                _ => match self.typed(rs) {
                    Ok(v) => list.push(v),
                    Err(Stop::Err(m)) => return Err(ListErr::Err(m)),
                    Err(Stop::Eof) => {}
                },
            }
        }
    }

    /// helm's `emptyVal`: skips blanks; true at the end or at a comma (consumed).
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None => return true,
                Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    /// Decodes one JSON value at the cursor like Go's `json.Decoder.Decode`, advancing past it.
    fn json_value(&mut self) -> R<Node> {
        let rest: String = self.s[self.pos..].iter().collect();
        let (start, end) = json_extent(&rest);
        let text = &rest[start..end];
        if text.is_empty() {
            return err("EOF");
        }
        match gotpl::json::from_json(text) {
            Ok(v) => {
                self.pos += rest[..end].chars().count();
                Ok(Node::from_value(&v, 0))
            }
            Err(e) => err(e.to_string()),
        }
    }

    /// The literal parser's key (`--set-literal`): no `,` separator, no escapes, the value
    /// is the rest of the argument.
    fn literal_key(&mut self, data: &mut BTreeMap<String, Node>, level: usize) -> R<()> {
        let (k, last) = self.until(&['=', '[', '.'], false);
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    err(format!("key {k:?} has no value"))
                }
            }
            Some('=') => {
                let (v, _) = self.until(&[], false);
                set(data, &k, Node::Leaf(Value::str(v)));
                Ok(())
            }
            Some('.') => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                let mut inner = match data.get(&k) {
                    None => BTreeMap::new(),
                    Some(Node::Map(m)) => m.clone(),
                    Some(other) => return err(conv_panic(other, "map[string]interface {}")),
                };
                let e = self.literal_key(&mut inner, level);
                if e.is_ok() && inner.is_empty() {
                    return err(format!("key map {k:?} has no value"));
                }
                if !inner.is_empty() {
                    set(data, &k, Node::Map(inner));
                }
                e
            }
            _ => {
                let i = self.key_index()?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Node::List(l)) => l.clone(),
                    Some(other) => return err(conv_panic(other, "[]interface {}")),
                };
                let (list, res) = self.list_item(list, i, level);
                set(data, &k, Node::List(list));
                res
            }
        }
    }
}

enum ListErr {
    Eof,
    NotList,
    Err(String),
}

/// Go's `%q` of a `[]rune`: `['a' 'b']`.
fn go_runes_q(s: &str) -> String {
    let items: Vec<String> = s
        .chars()
        .map(|c| match c {
            '\'' => r"'\''".to_string(),
            '\\' => r"'\\'".to_string(),
            '\n' => r"'\n'".to_string(),
            '\t' => r"'\t'".to_string(),
            '\r' => r"'\r'".to_string(),
            c if c.is_control() => format!(r"'\u{:04x}'", c as u32),
            c => format!("'{c}'"),
        })
        .collect();
    format!("[{}]", items.join(" "))
}

/// helm recovers Go's type-assertion panics into this message.
fn conv_panic(found: &Node, want: &str) -> String {
    format!(
        "unable to parse key: interface conversion: interface {{}} is {}, not {want}",
        found.go_type()
    )
}

/// helm's `set`: an empty key is dropped.
fn set(data: &mut BTreeMap<String, Node>, key: &str, v: Node) {
    if !key.is_empty() {
        data.insert(key.to_string(), v);
    }
}

fn set_index(mut list: Vec<Node>, i: i64, v: Node) -> (Vec<Node>, R<()>) {
    if i < 0 {
        return (list, err(format!("negative {i} index not allowed")));
    }
    if i > MAX_INDEX {
        return (
            list,
            err(format!(
                "index of {i} is greater than maximum supported index of {MAX_INDEX}"
            )),
        );
    }
    let i = i as usize;
    if list.len() <= i {
        list.resize(i + 1, nil());
    }
    list[i] = v;
    (list, Ok(()))
}

/// Go's `strconv.Atoi` with its error text.
fn atoi(s: &str) -> Result<i64, String> {
    let syntax = || format!("strconv.Atoi: parsing {s:?}: invalid syntax");
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax());
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {s:?}: value out of range"))
}

/// helm's `typedVal` for `--set`: true/false/null (any case), base-10 int64 unless it starts
/// with `0` (then only `0` itself), else the string.
pub fn typed_val(s: &str) -> Value {
    if s.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if s.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if s.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if s == "0" {
        return Value::Int64(0);
    }
    if !s.is_empty() && !s.starts_with('0') {
        let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = s.parse::<i64>() {
                return Value::Int64(i);
            }
        }
    }
    Value::str(s)
}

/// Byte range of the first JSON value in `s` (after leading JSON whitespace), as much as
/// Go's decoder would consume.
fn json_extent(s: &str) -> (usize, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    let start = i;
    if i >= b.len() {
        return (start, start);
    }
    match b[i] {
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut in_str = false;
            while i < b.len() {
                let c = b[i];
                if in_str {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        in_str = false;
                    }
                } else {
                    match c {
                        b'"' => in_str = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                return (start, i + 1);
                            }
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            (start, b.len())
        }
        b'"' => {
            i += 1;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => return (start, i + 1),
                    _ => i += 1,
                }
            }
            (start, b.len())
        }
        _ => {
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'+' | b'-' | b'.'))
            {
                i += 1;
            }
            if i == start {
                // A stray character: hand it to the JSON parser for Go's error message.
                let ch_len = s[start..].chars().next().map_or(1, char::len_utf8);
                return (start, start + ch_len);
            }
            (start, i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[(&str, SetKind)]) -> Result<String, String> {
        let m = Map::new();
        for (a, k) in args {
            parse_set(a, *k, &m, &mut |p| Ok(format!("<{p}>")))?;
        }
        gotpl::json::to_json(&Value::Map(m))
    }

    fn set1(a: &str) -> Result<String, String> {
        parse(&[(a, SetKind::Set)])
    }

    /// helm v4.1.4 keeps a deep `--set-json` value whole (`toJson .Values | len` = 20004 for
    /// 9999 nested lists); it used to be cut to null below 2000 levels.
    #[test]
    fn deep_set_json_is_kept() {
        let n = 2_500;
        let arg = format!("a={}{}", "[".repeat(n), "]".repeat(n));
        let out = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || parse(&[(arg.as_str(), SetKind::SetJson)]))
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert_eq!(out, format!("{{\"a\":{}{}}}", "[".repeat(n), "]".repeat(n)));
    }

    #[test]
    fn helm_cases() {
        // Outputs verified with helm v4.1.4 (`toJson .Values`).
        assert_eq!(
            set1("e={1,true,null,01,-5,+3}").unwrap(),
            r#"{"e":[1,true,null,"01",-5,3]}"#
        );
        assert_eq!(
            set1(r"g\.h=1,i[2]=3").unwrap(),
            r#"{"g.h":1,"i":[null,null,3]}"#
        );
        assert_eq!(
            set1("j=9223372036854775808").unwrap(),
            r#"{"j":"9223372036854775808"}"#
        );
        assert_eq!(
            set1("a.b.c=x,a.d=0").unwrap(),
            r#"{"a":{"b":{"c":"x"},"d":0}}"#
        );
        assert_eq!(
            set1("a[0].b=1,a[0].c=2").unwrap(),
            r#"{"a":[{"b":1,"c":2}]}"#
        );
        assert_eq!(set1("a[1][0]=x").unwrap(), r#"{"a":[null,["x"]]}"#);
        assert_eq!(set1(r"a=x\,y").unwrap(), r#"{"a":"x,y"}"#);
        assert_eq!(set1("a=").unwrap(), r#"{"a":""}"#);
        assert_eq!(set1("a=TRUE,b=Null").unwrap(), r#"{"a":true,"b":null}"#);
        assert_eq!(
            parse(&[("a=1", SetKind::SetString)]).unwrap(),
            r#"{"a":"1"}"#
        );
        assert_eq!(
            parse(&[("c=1,2", SetKind::SetLiteral)]).unwrap(),
            r#"{"c":"1,2"}"#
        );
        assert_eq!(
            parse(&[(r#"a={"x":[1,"y"]},b=2"#, SetKind::SetJson)]).unwrap(),
            r#"{"a":{"x":[1,"y"]},"b":2}"#
        );
        assert_eq!(
            parse(&[("f=p.txt", SetKind::SetFile)]).unwrap(),
            r#"{"f":"\u003cp.txt\u003e"}"#
        );
    }

    #[test]
    fn helm_errors() {
        assert_eq!(set1("a").unwrap_err(), r#"key "a" has no value"#);
        assert_eq!(
            set1("a,b=1").unwrap_err(),
            r#"key "a" has no value (cannot end with ,)"#
        );
        assert_eq!(set1("a.=1").unwrap_err(), r#"key map "a" has no value"#);
        assert_eq!(
            set1("a[x]=1").unwrap_err(),
            r#"error parsing index: strconv.Atoi: parsing "x": invalid syntax"#
        );
        assert_eq!(
            set1("a[-1]=1").unwrap_err(),
            "negative -1 index not allowed"
        );
        assert_eq!(
            set1("a[70000]=1").unwrap_err(),
            "index of 70000 is greater than maximum supported index of 65536"
        );
        assert_eq!(set1("a={1,2").unwrap_err(), "list must terminate with '}'");
        assert_eq!(
            set1("a[0]xy=1").unwrap_err(),
            "unexpected data at end of array index: ['x' 'y']"
        );
        assert_eq!(
            parse(&[("a=1", SetKind::Set), ("a.b=1", SetKind::Set)]).unwrap_err(),
            "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
        );
        let deep = format!("{}=1", vec!["a"; 32].join("."));
        assert!(set1(&deep).unwrap_err().contains("nested level"));
    }
}
