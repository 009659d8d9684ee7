//! Test support for Task C's modules: a deterministic [`Host`] and a direct call helper that
//! bypasses the executor (arguments must already have the declared kinds).

use crate::func::{FuncDef, Host};
use crate::value::Value;

/// A Host with a fixed clock (2024-03-05 06:07:08.5 UTC) and a seeded xorshift rng.
pub struct TestHost {
    pub state: u64,
    pub now: (i64, u32),
}

impl Default for TestHost {
    fn default() -> Self {
        TestHost {
            state: 0x9E37_79B9_7F4A_7C15,
            now: (1_709_618_828, 500_000_000),
        }
    }
}

impl Host for TestHost {
    fn rand_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }
    fn now(&self) -> (i64, u32) {
        self.now
    }
    fn include(&mut self, name: &str, _: &Value) -> Result<String, String> {
        Err(format!("no template {name:?}"))
    }
    fn tpl(&mut self, _: &str, _: &Value) -> Result<String, String> {
        Err("tpl unavailable in tests".into())
    }
}

/// Calls `name` from `table` with a fresh [`TestHost`].
pub fn call(table: &[FuncDef], name: &str, args: &[Value]) -> Result<Value, String> {
    call_with(&mut TestHost::default(), table, name, args)
}

pub fn call_with(
    host: &mut TestHost,
    table: &[FuncDef],
    name: &str,
    args: &[Value],
) -> Result<Value, String> {
    let f = table
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| format!("no function {name}"))?;
    (f.call)(host, args)
}
