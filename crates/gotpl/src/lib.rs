//! Go's text/template with the Sprig and Helm function libraries.
//!
//! This crate knows nothing about charts: it parses template sets, executes them against
//! [`Value`]s with Go's semantics, and offers the YAML/JSON codecs helm's functions need.
//!
//! API contract (used by the chart renderer):
//! - `Templates::new()`, `Templates::add(name, src) -> Result<(), Error>` parses one file into the
//!   set (its `define`s join the set), `Templates::has(name)`.
//! - `Templates::run(&Options) -> Run`; `Run::execute(name, &data) -> Result<String, Error>`.
//!   One `Run` per chart render: it holds the rng, include depth counters and output budget.
//! - `Error { kind, name, line, col, context, message }`, `Display` worded exactly like Go.
//! - `Run::execute` returns Go's raw output: missing values print `<no value>`; helm's renderer
//!   erases that text per file (`tpl` already erases it in its result, as helm does).
//! - Renders must run on a thread with `exec::STACK_BYTES` (256 MiB) of stack, or set
//!   `Options::max_stack` to at least 32 MiB less than the thread's stack.

pub mod exec;
pub mod fmt;
pub mod func;
pub mod funcs;
pub mod json;
pub mod lex;
pub mod parse;
pub mod template;
pub mod toml;
pub mod value;
pub mod yaml;

pub use template::{Error, ErrorKind, Options, Parsed, Run, Templates};
pub use value::{ElemType, List, Map, MapType, Object, Value};
