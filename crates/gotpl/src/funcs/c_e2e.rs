//! End-to-end check of Task C's functions through the real parser and executor: each line of a
//! template using them renders exactly what helm v4.1.4 printed for it (values `days: 30`,
//! `ver: "v1.33.0"`, typed like helm's: numbers are float64).
//!
//! Lines that need a function another module has not registered yet are skipped.

use crate::template::{Options, Templates};
use crate::value::{Map, Value};

#[test]
fn renders_like_helm() {
    let src = include_str!("testdata/c_e2e.tpl");
    let expected = include_str!("testdata/c_e2e.expected");
    let values = Map::new();
    values.insert("days", Value::Float(30.0));
    values.insert("ver", Value::str("v1.33.0"));
    let data = Map::new();
    data.insert("Values", Value::Map(values));
    let data = Value::Map(data);
    let opts = Options {
        seed: Some(7),
        now: Some((1_709_618_828, 0)),
        ..Options::default()
    };
    let mut checked = 0;
    assert_eq!(src.lines().count(), expected.lines().count());
    for (line, want) in src.lines().zip(expected.lines()) {
        let mut t = Templates::new();
        if let Err(e) = t.add("t.yaml", line) {
            assert!(e.message.contains("not defined"), "{line}: {e:?}");
            continue;
        }
        let got = t.run(&opts).execute("t.yaml", &data);
        assert_eq!(
            got.as_deref().map_err(|e| e.message.as_str()),
            Ok(want),
            "{line}"
        );
        checked += 1;
    }
    eprintln!("c_e2e: {checked} lines checked");
    assert!(checked >= 10, "only {checked} lines checked");
}
