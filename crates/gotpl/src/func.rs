//! The function registry: every function a template can call, with its Go signature.
//!
//! Go's text/template checks arity and converts arguments with reflect before a call
//! (`wrong type for value; expected int; got float64`). `Param` names the parameter types so the
//! executor applies those rules in one place; a function body receives arguments already
//! checked and returns `Err(msg)`, which the executor wraps as `error calling NAME: msg`.

use crate::value::Value;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

/// A parameter's Go type, as text/template's reflect-based call sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// `interface{}`: anything, nil included.
    Any,
    /// `string`: only a string (nil is `invalid value; expected string`).
    Str,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `float64`
    Float,
    /// `bool`
    Bool,
    /// `[]interface{}`
    List,
    /// `[]string`
    StrList,
    /// `map[string]interface{}` (a `map[string]string` is not assignable to it, as in Go)
    Map,
    /// Go's `time.Time` (a host object of that type name, e.g. from `now`/`toDate`)
    Time,
}

/// What a function may ask of the running template engine.
pub trait Host {
    /// A pseudo-random u64 (seeded per render when reproducible output is asked for).
    fn rand_u64(&mut self) -> u64;
    /// The current time as (seconds, nanoseconds) since the Unix epoch.
    fn now(&self) -> (i64, u32);
    /// Executes the named template with `data` (helm's `include`).
    fn include(&mut self, name: &str, data: &Value) -> Result<String, String>;
    /// Parses `text` against a clone of the current template set and executes it (helm's `tpl`).
    fn tpl(&mut self, text: &str, data: &Value) -> Result<String, String>;
    /// helm's lint mode: `required` and `fail` let the render go on instead of failing it.
    fn lint_mode(&self) -> bool {
        false
    }
}

pub type FuncImpl = fn(&mut dyn Host, &[Value]) -> Result<Value, String>;

/// One template function.
pub struct FuncDef {
    pub name: &'static str,
    /// Fixed leading parameters.
    pub params: &'static [Param],
    /// The type of the trailing `...` parameter, if variadic.
    pub variadic: Option<Param>,
    pub call: FuncImpl,
}

impl std::fmt::Debug for FuncDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "func {}", self.name)
    }
}

/// Declares a function table: `funcs![ "trunc"(Int, Str) => f, "list"(...Any) => list,
/// "printf"(Str, ...Any) => printf ]`.
#[macro_export]
macro_rules! funcs {
    ($( $name:literal ( $($args:tt)* ) => $f:expr ),* $(,)?) => {
        &[ $( $crate::func::FuncDef {
            name: $name,
            params: $crate::funcs!(@params [] $($args)*),
            variadic: $crate::funcs!(@variadic $($args)*),
            call: $f,
        } ),* ]
    };
    // Fixed parameters: every identifier before an optional `...Type`.
    (@params [$($acc:ident)*]) => { &[ $( $crate::func::Param::$acc ),* ] };
    (@params [$($acc:ident)*] ... $v:ident) => { &[ $( $crate::func::Param::$acc ),* ] };
    (@params [$($acc:ident)*] $p:ident) => { $crate::funcs!(@params [$($acc)* $p]) };
    (@params [$($acc:ident)*] $p:ident , $($rest:tt)*) => { $crate::funcs!(@params [$($acc)* $p] $($rest)*) };
    // The variadic tail type, if any.
    (@variadic) => { None };
    (@variadic ... $v:ident) => { Some($crate::func::Param::$v) };
    (@variadic $p:ident) => { None };
    (@variadic $p:ident , $($rest:tt)*) => { $crate::funcs!(@variadic $($rest)*) };
}

/// FNV-1a for the function registry: every identifier in every template is looked up at
/// parse time, and SipHash was ~2 % of a chart's render. The table's keys are the engine's own
/// function names, so a chart cannot build collision chains in it (chart-controlled keys, like
/// template names, stay on the default keyed hasher).
#[derive(Default)]
pub struct NameHasher(u64);

impl std::hash::Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Registry = HashMap<&'static str, &'static FuncDef, BuildHasherDefault<NameHasher>>;

/// Every function known to the engine, by name. Later tables override earlier ones, as helm's
/// own functions override sprig's and sprig's override text/template's builtins.
pub fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| {
        let mut m = Registry::default();
        for table in crate::funcs::tables() {
            for f in table.iter() {
                m.insert(f.name, f);
            }
        }
        m
    })
}

pub fn lookup(name: &str) -> Option<&'static FuncDef> {
    registry().get(name).copied()
}
