//! The value model: Go's dynamic values as text/template sees them through `interface{}`.
//!
//! Numbers keep their Go kind (YAML values are `float64`, template literals `int`, sprig math
//! `int64`) because printing, `typeOf` and comparisons depend on it. Maps have reference
//! semantics (`Rc<RefCell<..>>`): `set`/`unset`/`merge` mutate in place and every holder sees it,
//! as with Go maps. A render is single-threaded, so `Rc` is enough; parsed templates never hold
//! a `Value` and stay `Send + Sync`.

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
        let m = self
            .data
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.deep_copy()))
            .collect();
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
    /// Go's `%v` rendering of the object.
    fn print(&self) -> String;
    /// The value encoders (`toYaml`, `toJson`) and `range` see: Go would marshal the underlying
    /// type. Default: nil.
    fn to_plain(&self) -> Value {
        Value::Nil
    }
    /// text/template truthiness: structs are always true; objects that are Go maps or slices
    /// (helm's `.Files`, `APIVersions`) are false when empty. Default: true.
    fn truthy(&self) -> bool {
        true
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
        Value::List(List {
            elem: ElemType::Any,
            items: Rc::new(items),
        })
    }
    pub fn str_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
        Value::List(List {
            elem: ElemType::Str,
            items: Rc::new(items.into_iter().map(Value::str).collect()),
        })
    }
    pub fn typed_list(elem: ElemType, items: Vec<Value>) -> Value {
        Value::List(List {
            elem,
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
