//! Sprig's math. Integer functions convert every argument with cast's `ToInt64` and return
//! `int64` (wrapping on overflow like Go); the `…f` functions compute in decimal
//! (shopspring/decimal: exact add/sub/mul, division rounded to 16 places) and return `float64`.

use super::conv::{to_float64, to_int64};
use crate::func::{FuncDef, Host};
use crate::value::Value;

pub const FUNCS: &[FuncDef] = crate::funcs![
    "add1"(Any) => add1,
    "add"(...Any) => add,
    "sub"(Any, Any) => sub,
    "div"(Any, Any) => div,
    "mod"(Any, Any) => modulo,
    "mul"(Any, ...Any) => mul,
    "add1f"(Any) => add1f,
    "addf"(...Any) => addf,
    "subf"(Any, ...Any) => subf,
    "divf"(Any, ...Any) => divf,
    "mulf"(Any, ...Any) => mulf,
    "biggest"(Any, ...Any) => max,
    "max"(Any, ...Any) => max,
    "min"(Any, ...Any) => min,
    "maxf"(Any, ...Any) => maxf,
    "minf"(Any, ...Any) => minf,
    "ceil"(Any) => ceil,
    "floor"(Any) => floor,
    "round"(Any, Int, ...Float) => round,
];

const DIV_ZERO: &str = "runtime error: integer divide by zero";

fn i64v(x: i64) -> Result<Value, String> {
    Ok(Value::Int64(x))
}

fn f64v(x: f64) -> Result<Value, String> {
    Ok(Value::Float(x))
}

fn add1(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    i64v(to_int64(&a[0]).wrapping_add(1))
}

fn add(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    i64v(a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))))
}

fn sub(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    i64v(to_int64(&a[0]).wrapping_sub(to_int64(&a[1])))
}

fn div(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(DIV_ZERO.into());
    }
    i64v(to_int64(&a[0]).wrapping_div(d))
}

fn modulo(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(DIV_ZERO.into());
    }
    i64v(to_int64(&a[0]).wrapping_rem(d))
}

fn mul(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    i64v(
        a[1..]
            .iter()
            .fold(to_int64(&a[0]), |acc, v| acc.wrapping_mul(to_int64(v))),
    )
}

fn max(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    i64v(a.iter().map(to_int64).max().unwrap_or(0))
}

fn min(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    i64v(a.iter().map(to_int64).min().unwrap_or(0))
}

/// Go's `math.Max`: NaN wins, +0 beats -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == y && x == 0.0 {
        if x.is_sign_negative() {
            y
        } else {
            x
        }
    } else if x > y {
        x
    } else {
        y
    }
}

fn go_min(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == y && x == 0.0 {
        if x.is_sign_negative() {
            x
        } else {
            y
        }
    } else if x < y {
        x
    } else {
        y
    }
}

fn maxf(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    f64v(
        a[1..]
            .iter()
            .fold(to_float64(&a[0]), |acc, v| go_max(acc, to_float64(v))),
    )
}

fn minf(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    f64v(
        a[1..]
            .iter()
            .fold(to_float64(&a[0]), |acc, v| go_min(acc, to_float64(v))),
    )
}

fn ceil(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    f64v(to_float64(&a[0]).ceil())
}

fn floor(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    f64v(to_float64(&a[0]).floor())
}

/// Sprig's `round x places [roundOn]`: ceil when the fractional part of x·10^places reaches
/// roundOn (default .5), else floor; negative values thus round half toward +∞… as sprig does.
fn round(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let round_on = match a.get(2) {
        Some(Value::Float(f)) => *f,
        _ => 0.5,
    };
    let val = to_float64(&a[0]);
    let places = match &a[1] {
        Value::Int(n) | Value::Int64(n) => *n as f64,
        _ => 0.0,
    };
    let pow = 10f64.powf(places);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    f64v(r / pow)
}

/// A decimal m × 10^e (shopspring/decimal with an i128 coefficient); operations that do not
/// fit fall back to float64 arithmetic, which then only matters for extreme magnitudes.
#[derive(Clone, Copy, Debug)]
struct Dec {
    m: i128,
    e: i32,
}

impl Dec {
    /// `decimal.NewFromFloat`: the shortest decimal that round-trips.
    fn from_f64(x: f64) -> Option<Dec> {
        if !x.is_finite() {
            return None;
        }
        if x == 0.0 {
            return Some(Dec { m: 0, e: 0 });
        }
        let s = format!("{x:e}");
        let (mant, exp) = s.split_once('e')?;
        let exp: i32 = exp.parse().ok()?;
        let neg = mant.starts_with('-');
        let mant = mant.trim_start_matches('-');
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int}{frac}");
        let m: i128 = digits.parse().ok()?;
        Some(Dec {
            m: if neg { -m } else { m },
            e: exp - frac.len() as i32,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(f64::NAN)
    }

    fn pow10(n: u32) -> Option<i128> {
        10i128.checked_pow(n)
    }

    /// Both coefficients at the smaller exponent.
    fn align(self, o: Dec) -> Option<(i128, i128, i32)> {
        let e = self.e.min(o.e);
        let a = self.m.checked_mul(Self::pow10((self.e - e) as u32)?)?;
        let b = o.m.checked_mul(Self::pow10((o.e - e) as u32)?)?;
        Some((a, b, e))
    }

    fn add(self, o: Dec) -> Option<Dec> {
        let (a, b, e) = self.align(o)?;
        Some(Dec {
            m: a.checked_add(b)?,
            e,
        })
    }

    fn sub(self, o: Dec) -> Option<Dec> {
        let (a, b, e) = self.align(o)?;
        Some(Dec {
            m: a.checked_sub(b)?,
            e,
        })
    }

    fn mul(self, o: Dec) -> Option<Dec> {
        Some(Dec {
            m: self.m.checked_mul(o.m)?,
            e: self.e.checked_add(o.e)?,
        })
    }

    /// `Div`: quotient rounded half away from zero to 16 decimal places.
    fn div(self, o: Dec) -> Option<Dec> {
        const PREC: i32 = 16;
        let k = self.e - o.e + PREC;
        let (num, den) = if k >= 0 {
            (self.m.checked_mul(Self::pow10(k as u32)?)?, o.m)
        } else {
            (self.m, o.m.checked_mul(Self::pow10((-k) as u32)?)?)
        };
        let mut q = num / den;
        let r = num % den;
        if r != 0 && r.unsigned_abs().checked_mul(2)? >= den.unsigned_abs() {
            q += if (num < 0) == (den < 0) { 1 } else { -1 };
        }
        Some(Dec { m: q, e: -PREC })
    }
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// sprig's `execDecimalOp`: folds the operands left to right in decimal.
fn decimal_fold(first: &Value, rest: &[Value], op: Op) -> Result<Value, String> {
    let mut acc_f = to_float64(first);
    let mut acc = Dec::from_f64(acc_f);
    for v in rest {
        let x = to_float64(v);
        if matches!(op, Op::Div) && x == 0.0 {
            return Err("decimal division by 0".into());
        }
        let d = Dec::from_f64(x);
        acc = match (acc, d) {
            (Some(p), Some(q)) => match op {
                Op::Add => p.add(q),
                Op::Sub => p.sub(q),
                Op::Mul => p.mul(q),
                Op::Div => p.div(q),
            },
            _ => None,
        };
        let prev = acc_f;
        acc_f = match op {
            Op::Add => prev + x,
            Op::Sub => prev - x,
            Op::Mul => prev * x,
            Op::Div => prev / x,
        };
        if let Some(p) = acc {
            acc_f = p.to_f64();
        }
        acc = acc.or_else(|| Dec::from_f64(acc_f));
    }
    f64v(acc.map_or(acc_f, Dec::to_f64))
}

fn add1f(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    decimal_fold(&a[0], &[Value::Int(1)], Op::Add)
}

fn addf(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    decimal_fold(&Value::Float(0.0), a, Op::Add)
}

fn subf(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    decimal_fold(&a[0], &a[1..], Op::Sub)
}

fn mulf(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    decimal_fold(&a[0], &a[1..], Op::Mul)
}

fn divf(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    decimal_fold(&a[0], &a[1..], Op::Div)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::format_value;
    use crate::funcs::c_testutil::call;

    fn run(f: &str, args: &[Value]) -> String {
        match call(FUNCS, f, args) {
            Ok(v) => format_value(&v),
            Err(e) => format!("ERR {e}"),
        }
    }
    fn i(x: i64) -> Value {
        Value::Int(x)
    }
    fn f(x: f64) -> Value {
        Value::Float(x)
    }
    fn s(x: &str) -> Value {
        Value::str(x)
    }

    // Expectations from helm v4.1.4.
    #[test]
    fn integer_math() {
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("add", vec![i(1), f(2.7), s("3"), Value::Nil], "6"),
            ("add1", vec![f(1.9)], "2"),
            ("sub", vec![i(5), f(2.5)], "3"),
            ("mul", vec![i(2), i(3), i(4)], "24"),
            ("div", vec![i(7), i(2)], "3"),
            ("div", vec![i(-7), i(2)], "-3"),
            ("mod", vec![i(-7), i(3)], "-1"),
            ("max", vec![i(1), i(5), s("9")], "9"),
            ("min", vec![i(3), f(-1.5)], "-1"),
            ("biggest", vec![i(1), i(2)], "2"),
            ("add", vec![], "0"),
            ("mul", vec![i(3)], "3"),
            ("add", vec![i(i64::MAX), i(1)], "-9223372036854775808"),
            ("add", vec![s("0x10"), s("010")], "24"),
            ("mul", vec![f(1.5), f(1.5)], "1"),
            ("div", vec![f(1.9), i(1)], "1"),
            ("add1", vec![s("x")], "1"),
            (
                "div",
                vec![i(1), i(0)],
                "ERR runtime error: integer divide by zero",
            ),
            (
                "mod",
                vec![i(1), i(0)],
                "ERR runtime error: integer divide by zero",
            ),
        ];
        for (name, args, want) in cases {
            assert_eq!(run(name, &args), want, "{name} {args:?}");
        }
        assert_eq!(call(FUNCS, "add", &[i(1)]).unwrap().type_name(), "int64");
        assert_eq!(call(FUNCS, "max", &[i(1)]).unwrap().type_name(), "int64");
    }

    #[test]
    fn float_math() {
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("addf", vec![f(1.1), f(2.2)], "3.3"),
            ("addf", vec![f(0.1), f(0.2)], "0.3"),
            ("add1f", vec![f(1.5)], "2.5"),
            ("subf", vec![i(1), f(0.9)], "0.1"),
            ("mulf", vec![f(1.1), i(3)], "3.3"),
            ("divf", vec![i(1), i(3)], "0.3333333333333333"),
            ("divf", vec![i(2), i(3)], "0.6666666666666667"),
            ("divf", vec![i(10), i(4)], "2.5"),
            ("divf", vec![i(1), i(7)], "0.1428571428571429"),
            ("mulf", vec![f(0.1), f(0.1)], "0.01"),
            ("subf", vec![i(1)], "1"),
            ("addf", vec![], "0"),
            ("maxf", vec![i(1), f(2.5), s("3")], "3"),
            ("minf", vec![i(1), i(-2)], "-2"),
            ("floor", vec![f(1.5)], "1"),
            ("ceil", vec![f(1.2)], "2"),
            ("floor", vec![s("2.7")], "2"),
            ("round", vec![f(1.5), i(0)], "2"),
            ("round", vec![f(-1.5), i(0)], "-2"),
            ("round", vec![f(2.345), i(2)], "2.35"),
            ("round", vec![f(1.25), i(1), f(0.6)], "1.2"),
            ("round", vec![f(1234.5), i(-2)], "1200"),
            ("divf", vec![f(1e300), f(1e-300)], "+Inf"),
            ("mulf", vec![f(1e200), f(1e200)], "+Inf"),
            ("addf", vec![s("x")], "0"),
            ("mulf", vec![Value::Nil, i(2)], "0"),
            ("divf", vec![i(1), i(0)], "ERR decimal division by 0"),
        ];
        for (name, args, want) in cases {
            assert_eq!(run(name, &args), want, "{name} {args:?}");
        }
        assert_eq!(call(FUNCS, "addf", &[i(1)]).unwrap().type_name(), "float64");
    }
}
