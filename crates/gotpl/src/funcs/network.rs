//! Sprig's `getHostByName`.
//!
//! helm replaces it with a function that returns `""` unless `--enable-dns` is given (verified:
//! `helm template` prints nothing for `getHostByName "localhost"`). chartgate never touches the
//! network while rendering, so it always behaves like helm without `--enable-dns`.

use crate::func::{FuncDef, Host};
use crate::value::Value;

fn get_host_by_name(_: &mut dyn Host, _: &[Value]) -> Result<Value, String> {
    Ok(Value::str(""))
}

pub const FUNCS: &[FuncDef] = crate::funcs![
    "getHostByName"(Str) => get_host_by_name,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::c_testutil::call;

    #[test]
    fn resolves_to_nothing_like_helm_without_enable_dns() {
        let v = call(FUNCS, "getHostByName", &["localhost".into()]).unwrap();
        assert_eq!(v.as_str(), Some(""));
    }
}
