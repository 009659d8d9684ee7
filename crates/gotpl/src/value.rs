//! The value model: Go's dynamic values as text/template sees them through `interface{}`.
//!
//! Numbers keep their Go kind (YAML values are `float64`, template literals `int`, sprig math
//! `int64`) because printing, `typeOf` and comparisons depend on it. Maps have reference
//! semantics (`Rc<RefCell<..>>`): `set`/`unset`/`merge` mutate in place and every holder sees it,
//! as with Go maps. A render is single-threaded, so `Rc` is enough; parsed templates never hold
//! a `Value` and stay `Send + Sync`.

use std::borrow::Cow;
use std::cell::{Ref, RefCell, RefMut};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// The element type of a Go slice, for `typeOf`/`kindOf` and for functions that demand `[]string`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElemType {
    /// `[]interface {}`
    Any,
    /// `[]string`
    Str,
    /// `[]int`
    Int,
    /// `[]int64`
    Int64,
    /// `[]float64`
    Float64,
}

impl ElemType {
    pub fn go_name(self) -> &'static str {
        match self {
            ElemType::Any => "[]interface {}",
            ElemType::Str => "[]string",
            ElemType::Int => "[]int",
            ElemType::Int64 => "[]int64",
            ElemType::Float64 => "[]float64",
        }
    }
}

/// An immutable Go slice. Sprig never mutates a slice in place (push/append/reverse copy), so
/// sharing the items behind an `Rc` gives Go's semantics without a `RefCell`.
#[derive(Clone)]
pub struct List {
    pub elem: ElemType,
    pub items: Rc<Vec<Value>>,
    /// A nil slice (sprig's `var res []interface{}` with nothing appended): empty, but JSON
    /// and `toYaml` write `null` and `%#v` says `(nil)`.
    pub nil: bool,
}

/// The Go type of a map: most are `map[string]interface {}`; a few functions return
/// `map[string]string`, and helm hands templates `.Values` as its named type `common.Values`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MapType {
    #[default]
    Any,
    /// `map[string]string` (sprig `split`, `splitn`).
    StrStr,
    /// helm's `common.Values` (`.Values`).
    Values,
}

impl MapType {
    pub fn go_name(self) -> &'static str {
        match self {
            MapType::Any => "map[string]interface {}",
            MapType::StrStr => "map[string]string",
            MapType::Values => "common.Values",
        }
    }
}

/// A Go map with reference semantics. Keys iterate in byte order, which is the order Go's fmt,
/// `range` and encoding/json use. Clones share the entries, as Go map values do.
#[derive(Clone, Default)]
pub struct Map {
    data: Rc<RefCell<BTreeMap<String, Value>>>,
    ty: MapType,
    /// A Go nil map: prints as `map[]` but encodes to JSON as `null`.
    nil: bool,
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }
    pub fn from_btree(m: BTreeMap<String, Value>) -> Map {
        Map {
            data: Rc::new(RefCell::new(m)),
            ty: MapType::Any,
            nil: false,
        }
    }
    /// A nil map of type `ty` (an unset Go map field, e.g. `.Chart.Annotations`).
    pub fn nil_of(ty: MapType) -> Map {
        Map {
            nil: true,
            ..Map::new().with_type(ty)
        }
    }
    /// True for a Go nil map.
    pub fn is_nil_map(&self) -> bool {
        self.nil && self.is_empty()
    }
    /// The map's Go type.
    pub fn ty(&self) -> MapType {
        self.ty
    }
    /// The same entries seen as another Go map type (a Go conversion: nothing is copied).
    pub fn with_type(&self, ty: MapType) -> Map {
        Map {
            data: self.data.clone(),
            ty,
            nil: self.nil,
        }
    }
    pub fn borrow(&self) -> Ref<'_, BTreeMap<String, Value>> {
        self.data.borrow()
    }
    pub fn borrow_mut(&self) -> RefMut<'_, BTreeMap<String, Value>> {
        self.data.borrow_mut()
    }
    pub fn get(&self, key: &str) -> Option<Value> {
        self.data.borrow().get(key).cloned()
    }
    pub fn insert(&self, key: impl Into<String>, v: Value) {
        self.data.borrow_mut().insert(key.into(), v);
    }
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.data.borrow_mut().remove(key)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.data.borrow().contains_key(key)
    }
    pub fn len(&self) -> usize {
        self.data.borrow().len()
    }
    pub fn is_empty(&self) -> bool {
        self.data.borrow().is_empty()
    }
    pub fn keys(&self) -> Vec<String> {
        self.data.borrow().keys().cloned().collect()
    }
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Rc::ptr_eq(&self.data, &other.data)
    }
    /// A copy of this map's top level (nested maps stay shared), like iterating and re-inserting in Go.
    pub fn shallow_copy(&self) -> Map {
        Map::from_btree(self.data.borrow().clone()).with_type(self.ty)
    }
    /// A deep copy: nested maps are copied too (sprig `deepCopy`, helm's values copies).
    pub fn deep_copy(&self) -> Map {
        // The tree's clone keeps its shape (no re-sort, unlike collecting); then the nested
        // maps and lists, which the clone shares, are copied in place.
        let mut m = self.data.borrow().clone();
        for v in m.values_mut() {
            if matches!(v, Value::Map(_) | Value::List(_)) {
                *v = v.deep_copy();
            }
        }
        Map::from_btree(m).with_type(self.ty)
    }
}

/// The most nodes an encoder or deep copy walks before giving up (values from real charts have
/// thousands; the bound only stops values made to explode).
pub const MAX_NODES: usize = 10_000_000;

/// A host object with fields and methods (helm's `.Files`, `.Capabilities.APIVersions`, …).
/// The engine knows nothing of what it is; it only asks for fields and calls methods.
pub trait Object {
    /// Go's type name, for `typeOf` and error messages (e.g. `chartutil.Files`).
    fn type_name(&self) -> &str;
    /// A field or a method called with no arguments; `None` if the name is unknown
    /// (the executor then reports `can't evaluate field X in type T`).
    fn field(&self, name: &str) -> Option<Result<Value, String>>;
    /// A method called with arguments; `None` if there is no such method.
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let _ = (method, args);
        None
    }
    /// A method's parameter types, so arguments are converted and checked as Go's reflect
    /// call does (`expected string; found 1` at the argument). Default: `None` (any).
    fn method_params(&self, method: &str) -> Option<&'static [crate::func::Param]> {
        let _ = method;
        None
    }
    /// Go's `%v` rendering of the object.
    fn print(&self) -> String;
    /// What `{{ x }}` prints when that differs from [`Object::print`]: a struct whose
    /// `String` method has a pointer receiver (helm's `KubeVersion`) is printed with it when
    /// the template reaches it as a field (addressable), but as a plain struct once copied
    /// into a function's argument. Default: `None`, print.
    fn action_text(&self) -> Option<String> {
        None
    }
    /// The value encoders (`toYaml`, `toJson`) and `range` see: Go would marshal the underlying
    /// type. Default: nil.
    fn to_plain(&self) -> Value {
        Value::Nil
    }
    /// The fields `encoding/json` writes for a Go struct, in declaration order (JSON keeps
    /// it; a map would sort). Default: `None`, encode [`Object::to_plain`].
    fn json_fields(&self) -> Option<Vec<(String, Value)>> {
        None
    }
    /// text/template truthiness: structs are always true; objects that are Go maps or slices
    /// (helm's `.Files`, `APIVersions`) are false when empty. Default: true.
    fn truthy(&self) -> bool {
        true
    }
    /// Whether the Go value is a `fmt.Stringer` (its [`Object::print`] is `String()`), which
    /// `printf` then formats as that string under %s, %q, %x and %X too. Default: false.
    fn stringer(&self) -> bool {
        false
    }
    /// The elements, for an object that is a Go slice type with methods (helm's
    /// `VersionSet`): reflection-based functions (sprig's list functions) see the slice.
    /// Default: `None`, not a slice.
    fn slice_items(&self) -> Option<Vec<Value>> {
        None
    }
}

/// An object copied out of its field (a function's argument or result): it no longer has
/// the methods of its pointer type, so `{{ x }}` prints it as [`Object::print`] does.
pub struct Copied(pub Rc<dyn Object>);

impl Object for Copied {
    fn type_name(&self) -> &str {
        self.0.type_name()
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        self.0.field(name)
    }
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        self.0.call(method, args)
    }
    fn method_params(&self, method: &str) -> Option<&'static [crate::func::Param]> {
        self.0.method_params(method)
    }
    fn print(&self) -> String {
        self.0.print()
    }
    fn to_plain(&self) -> Value {
        self.0.to_plain()
    }
    fn json_fields(&self) -> Option<Vec<(String, Value)>> {
        self.0.json_fields()
    }
    fn truthy(&self) -> bool {
        self.0.truthy()
    }
    fn stringer(&self) -> bool {
        self.0.stringer()
    }
    fn slice_items(&self) -> Option<Vec<Value>> {
        self.0.slice_items()
    }
}

/// A Go value as seen through `interface{}`.
#[derive(Clone, Default)]
pub enum Value {
    /// Untyped nil: a missing key, YAML `null`, an absent argument.
    #[default]
    Nil,
    Bool(bool),
    /// Go `int` (template literals, `len`, `atoi`, `int`, `until` items).
    Int(i64),
    /// Go `int64` (sprig arithmetic: `add`, `mul`, `int64`, …).
    Int64(i64),
    /// Go `uint64`.
    Uint(u64),
    /// Go `float64` (every number that came from YAML or JSON values).
    Float(f64),
    Str(Rc<str>),
    /// Go `[]byte`.
    Bytes(Rc<[u8]>),
    List(List),
    Map(Map),
    Object(Rc<dyn Object>),
}

impl Value {
    pub fn str(s: impl AsRef<str>) -> Value {
        Value::Str(Rc::from(s.as_ref()))
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::typed_list(ElemType::Any, items)
    }
    pub fn str_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
        Value::typed_list(ElemType::Str, items.into_iter().map(Value::str).collect())
    }
    pub fn typed_list(elem: ElemType, items: Vec<Value>) -> Value {
        Value::List(List {
            elem,
            items: Rc::new(items),
            nil: false,
        })
    }
    /// Go's way of building a slice by appending to a nil one: nil when nothing was appended.
    pub fn appended_list(elem: ElemType, items: Vec<Value>) -> Value {
        Value::List(List {
            elem,
            nil: items.is_empty(),
            items: Rc::new(items),
        })
    }
    pub fn map(m: BTreeMap<String, Value>) -> Value {
        Value::Map(Map::from_btree(m))
    }
    pub fn empty_map() -> Value {
        Value::Map(Map::new())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
    /// The Go string made of `bytes` (see [`go_string`]).
    pub fn from_go_bytes(bytes: &[u8]) -> Value {
        Value::str(go_string(bytes))
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Go's `reflect.Type.String()` of the dynamic value (`typeOf`, `%T`).
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Uint(_) => "uint64".into(),
            Value::Float(_) => "float64".into(),
            Value::Str(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(l) => l.elem.go_name().into(),
            Value::Map(m) => m.ty().go_name().into(),
            Value::Object(o) => o.type_name().into(),
        }
    }

    /// Go's `reflect.Kind` name (`kindOf`, `kindIs`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint(_) => "uint64",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(_) => "struct",
        }
    }

    /// text/template truthiness: false, 0, nil, and empty strings/slices/maps are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => o.truthy(),
        }
    }

    /// True when the value has more than `max` nodes, counting shared subtrees once per path
    /// (as encoders walk them). Stops counting at `max`, so a value built by doubling a shared
    /// map 40 times is refused in O(max) instead of walked for ever.
    pub fn exceeds_nodes(&self, max: usize) -> bool {
        let mut seen = 0usize;
        let mut stack: Vec<Value> = vec![self.clone()];
        while let Some(v) = stack.pop() {
            seen += 1;
            if seen > max {
                return true;
            }
            match v {
                Value::List(l) => stack.extend(l.items.iter().cloned()),
                Value::Map(m) => stack.extend(m.borrow().values().cloned()),
                _ => {}
            }
        }
        false
    }

    /// A deep copy (maps copied recursively, lists rebuilt); objects stay shared.
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::Map(m) => Value::Map(m.deep_copy()),
            Value::List(l) => Value::List(List {
                elem: l.elem,
                items: Rc::new(l.items.iter().map(Value::deep_copy).collect()),
                nil: l.nil,
            }),
            v => v.clone(),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(Rc::from(s))
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Map(m)
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.borrow().iter()).finish()
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "int({i})"),
            Value::Int64(i) => write!(f, "int64({i})"),
            Value::Uint(u) => write!(f, "uint64({u})"),
            Value::Float(x) => write!(f, "float64({x})"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "bytes{b:?}"),
            Value::List(l) => f.debug_list().entries(l.items.iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.borrow().iter()).finish(),
            Value::Object(o) => write!(f, "{}", o.type_name()),
        }
    }
}

// ---- Go strings that are not valid UTF-8 ----------------------------------------------------
//
// A Go string is any byte sequence (`b64dec`, `trunc` cutting a multi-byte rune, `.Files.Get` of a
// binary file); ours is `Rc<str>`. Each byte that is not part of valid UTF-8 (always 0x80..=0xFF)
// is stored as the code point U+10FF00 + byte, i.e. U+10FF80..=U+10FFFF (the end of plane 16,
// private use; in UTF-8 `F4 8F BE|BF xx`). Valid text, the hot path, is stored unchanged and every
// check below starts with a scan for the byte 0xF4, which only 4-byte sequences of planes 16+
// contain. Byte-level boundaries decode with [`go_bytes`] (output writer, `len`, `%q`, `%x`,
// `b64enc`, hashes, comparisons…); anything that makes a string from bytes uses [`go_string`].
//
// Confusion with a real U+10FF80..=U+10FFFF: [`go_string`] stores such a character (valid UTF-8
// in the bytes) as its four bytes, each escaped, so bytes -> string -> bytes is exact for every
// input; chart files reach the engine through it. Only a character written as an escape in a
// quoted literal (`"\U0010FF80"` in a template, YAML or JSON) stays a single code point and is
// then read as the raw byte 0x80: Go would emit `F4 8F BE 80`.

const RAW_BASE: u32 = 0x10FF00;

/// The character standing for the non-UTF-8 byte `b` (0x80..=0xFF).
#[inline]
pub fn raw_char(b: u8) -> char {
    char::from_u32(RAW_BASE + u32::from(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The byte a character stands for, if it is one of the escape characters.
#[inline]
pub fn raw_byte(c: char) -> Option<u8> {
    let u = c as u32;
    (u >= RAW_BASE + 0x80).then(|| (u - RAW_BASE) as u8)
}

/// True when `s` holds bytes that are not valid UTF-8 (escape characters).
#[inline]
pub fn has_raw_bytes(s: &str) -> bool {
    let b = s.as_bytes();
    // ASCII (most strings) is checked a word at a time; an escape is 4 bytes long.
    if b.len() < 4 || b.is_ascii() || !b.contains(&0xF4) {
        return false;
    }
    b.windows(3)
        .any(|w| w[0] == 0xF4 && w[1] == 0x8F && (w[2] == 0xBE || w[2] == 0xBF))
}

/// The Go string made of `bytes` (Go's `string(b)`), in our representation.
pub fn go_string(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) if !bytes.contains(&0xF4) => Cow::Borrowed(s),
        _ => Cow::Owned(go_string_slow(bytes)),
    }
}

fn go_string_slow(mut b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len() + 8);
    // Valid text; a real escape character is stored as its escaped bytes so it reads back exact.
    let push_valid = |out: &mut String, s: &str| {
        for c in s.chars() {
            if raw_byte(c).is_some() {
                let mut buf = [0u8; 4];
                for &x in c.encode_utf8(&mut buf).as_bytes() {
                    out.push(raw_char(x));
                }
            } else {
                out.push(c);
            }
        }
    };
    loop {
        match std::str::from_utf8(b) {
            Ok(s) => {
                push_valid(&mut out, s);
                return out;
            }
            Err(e) => {
                let (valid, rest) = b.split_at(e.valid_up_to());
                push_valid(&mut out, std::str::from_utf8(valid).unwrap_or_default());
                // Go decodes every byte of an invalid sequence as its own error rune.
                let n = e.error_len().unwrap_or(rest.len()).min(rest.len());
                for &x in &rest[..n] {
                    out.push(raw_char(x));
                }
                b = &rest[n..];
            }
        }
    }
}

/// The bytes of the Go string `s` stands for.
pub fn go_bytes(s: &str) -> Cow<'_, [u8]> {
    if !has_raw_bytes(s) {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut v = Vec::with_capacity(s.len());
    for c in s.chars() {
        match raw_byte(c) {
            Some(b) => v.push(b),
            None => v.extend_from_slice(c.encode_utf8(&mut [0u8; 4]).as_bytes()),
        }
    }
    Cow::Owned(v)
}

/// Go's `len(s)`: the byte count.
pub fn go_len(s: &str) -> usize {
    if !has_raw_bytes(s) {
        return s.len();
    }
    s.chars()
        .map(|c| {
            if raw_byte(c).is_some() {
                1
            } else {
                c.len_utf8()
            }
        })
        .sum()
}

/// `s` with raw bytes that now form valid UTF-8 (after concatenation) turned back into text,
/// so rune-level functions see what Go sees.
pub fn go_canonical(s: &str) -> Cow<'_, str> {
    if !has_raw_bytes(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(go_string(&go_bytes(s)).into_owned())
}

/// `s` with each byte that is not UTF-8 replaced by U+FFFD, as Go's `encoding/json` (and so
/// helm's `toJson`/`toYaml`) and `[]rune(s)` do: one per byte.
pub fn go_lossy(s: &str) -> Cow<'_, str> {
    if !has_raw_bytes(s) {
        return Cow::Borrowed(s);
    }
    let b = go_bytes(s);
    let mut out = String::with_capacity(s.len());
    for r in go_runes(&b) {
        match r {
            Ok(c) => push_go_char(&mut out, c),
            Err(_) => out.push(char::REPLACEMENT_CHARACTER),
        }
    }
    Cow::Owned(out)
}

/// Appends the character `c` decoded from Go bytes: a real U+10FF80..=U+10FFFF is stored as its
/// four escaped bytes, so it is not read back as one raw byte.
pub fn push_go_char(out: &mut String, c: char) {
    if raw_byte(c).is_some() {
        for &x in c.encode_utf8(&mut [0u8; 4]).as_bytes() {
            out.push(raw_char(x));
        }
    } else {
        out.push(c);
    }
}

/// Go's rune decoding of a byte string (`for _, r := range s`, `utf8.DecodeRune`): `Ok(rune)`
/// for each valid sequence, `Err(byte)` for each byte that is not part of one.
pub fn go_runes(b: &[u8]) -> GoRunes<'_> {
    GoRunes(b)
}

/// The iterator of [`go_runes`].
pub struct GoRunes<'a>(&'a [u8]);

impl Iterator for GoRunes<'_> {
    type Item = Result<char, u8>;
    fn next(&mut self) -> Option<Result<char, u8>> {
        let b = self.0;
        let first = *b.first()?;
        let w = match first {
            0x00..=0x7F => {
                self.0 = &b[1..];
                return Some(Ok(char::from(first)));
            }
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        if w > 0 && b.len() >= w {
            if let Some(c) = std::str::from_utf8(&b[..w])
                .ok()
                .and_then(|s| s.chars().next())
            {
                self.0 = &b[w..];
                return Some(Ok(c));
            }
        }
        self.0 = &b[1..];
        Some(Err(first))
    }
}

/// Compares two Go strings byte-wise (Go's `==`, `<` on strings).
pub fn go_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if has_raw_bytes(a) || has_raw_bytes(b) {
        go_bytes(a).cmp(&go_bytes(b))
    } else {
        a.cmp(b)
    }
}

/// Go's `==` on two strings.
pub fn go_eq(a: &str, b: &str) -> bool {
    a == b || ((has_raw_bytes(a) || has_raw_bytes(b)) && go_bytes(a) == go_bytes(b))
}

/// What go-yaml's reader reports for `s` (as bytes) when it is not UTF-8, e.g. `invalid
/// trailing UTF-8 octet`; None when the bytes are valid UTF-8.
pub fn go_yaml_utf8_error(s: &str) -> Option<&'static str> {
    if !has_raw_bytes(s) {
        return None;
    }
    let b = go_bytes(s);
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        let width = match lead {
            0x00..=0x7F => 1,
            _ if lead & 0xE0 == 0xC0 => 2,
            _ if lead & 0xF0 == 0xE0 => 3,
            _ if lead & 0xF8 == 0xF0 => 4,
            _ => return Some("invalid leading UTF-8 octet"),
        };
        if i + width > b.len() {
            return Some("incomplete UTF-8 octet sequence");
        }
        let mut value = u32::from(lead)
            & match width {
                1 => 0x7F,
                2 => 0x1F,
                3 => 0x0F,
                _ => 0x07,
            };
        for &t in &b[i + 1..i + width] {
            if t & 0xC0 != 0x80 {
                return Some("invalid trailing UTF-8 octet");
            }
            value = (value << 6) | u32::from(t & 0x3F);
        }
        let min = [0, 0, 0x80, 0x800, 0x10000][width];
        if value < min {
            return Some("invalid length of a UTF-8 sequence");
        }
        if (0xD800..=0xDFFF).contains(&value) || value > 0x10FFFF {
            return Some("invalid Unicode character");
        }
        i += width;
    }
    None
}

/// A Go `complex128`, from a complex constant in a template (`{{ 1i }}`). Nothing in Sprig or
/// helm computes with one; templates can only print it.
pub struct Complex(pub f64, pub f64);

impl Object for Complex {
    fn type_name(&self) -> &str {
        "complex128"
    }
    fn field(&self, _: &str) -> Option<Result<Value, String>> {
        None
    }
    /// Go's `%v`: `(re±imi)`, the imaginary part always signed.
    fn print(&self) -> String {
        let im = crate::fmt::format_float(self.1);
        let sign = if im.starts_with(['-', '+']) { "" } else { "+" };
        format!("({}{sign}{im}i)", crate::fmt::format_float(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_strings_round_trip_bytes() {
        let cases: &[&[u8]] = &[
            b"",
            b"plain",
            "h\u{e9}llo".as_bytes(),
            b"h\xc3",
            b"\xe2\x82A\xff\x80",
            // A real U+10FF80 (valid UTF-8) next to invalid bytes.
            b"\xf4\x8f\xbe\x80\xc3",
            b"\xf4\x8f\xbe",
        ];
        for &b in cases {
            let s = go_string(b);
            assert_eq!(&*go_bytes(&s), b, "{b:?}");
            assert_eq!(go_len(&s), b.len());
        }
        assert!(matches!(go_string(b"h\xc3\xa9"), Cow::Borrowed("h\u{e9}")));
        assert_eq!(go_string(b"h\xc3"), "h\u{10FFC3}");
        assert_eq!(go_string(b"\xe2\x82A").chars().count(), 3);
        // A real escape character is stored as its four bytes.
        assert_eq!(go_string("\u{10FF80}".as_bytes()).chars().count(), 4);
        assert!(!has_raw_bytes("h\u{e9}\u{10FF7F}\u{100000}"));
    }

    #[test]
    fn canonical_lossy_and_compare() {
        let h = go_string(b"h\xc3").into_owned();
        let tail = go_string(b"\xa9llo").into_owned();
        assert_eq!(go_canonical(&(h.clone() + &tail)), "h\u{e9}llo");
        assert_eq!(go_lossy(&h), "h\u{fffd}");
        assert_eq!(go_lossy(&go_string(b"\xe2\x82")), "\u{fffd}\u{fffd}");
        // A real U+10FF80 from bytes survives as text (its escaped bytes), not as U+FFFD.
        let real = go_string(b"\xf4\x8f\xbe\x80\xff");
        assert_eq!(
            &*go_bytes(&go_lossy(&real)),
            b"\xf4\x8f\xbe\x80\xef\xbf\xbd"
        );
        let runes: Vec<_> = go_runes(b"a\xc3\xa9\xe2\x82").collect();
        assert_eq!(runes, vec![Ok('a'), Ok('\u{e9}'), Err(0xe2), Err(0x82)]);
        // Go compares bytes: "h\xc3" < "hé" (a prefix), though U+10FFC3 > U+E9.
        assert_eq!(go_cmp(&h, "h\u{e9}"), std::cmp::Ordering::Less);
        assert_eq!(go_cmp(&h, &go_string(b"h\xc3")), std::cmp::Ordering::Equal);
        // Bytes that join into "é" equal the text "é", whichever way they are stored.
        let joined = h.clone() + &tail;
        assert!(go_eq(&joined, "h\u{e9}llo") && !go_eq(&h, "h"));
    }

    #[test]
    fn yaml_reader_errors_like_go_yaml() {
        let e = |b: &[u8]| go_yaml_utf8_error(&go_string(b));
        assert_eq!(e(b"a: h\xc3\n"), Some("invalid trailing UTF-8 octet"));
        assert_eq!(e(b"a: h\xc3"), Some("incomplete UTF-8 octet sequence"));
        assert_eq!(e(b"a: \x80"), Some("invalid leading UTF-8 octet"));
        assert_eq!(
            e(b"a: \xc0\x80"),
            Some("invalid length of a UTF-8 sequence")
        );
        assert_eq!(e(b"a: \xed\xa0\x80"), Some("invalid Unicode character"));
        assert_eq!(e("a: h\u{e9}".as_bytes()), None);
    }
}
