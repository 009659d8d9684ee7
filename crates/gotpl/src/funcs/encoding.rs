//! Sprig's `b64enc`/`b64dec`/`b32enc`/`b32dec` with Go's `encoding/base64` and
//! `encoding/base32` standard (padded) encodings.
//!
//! Sprig's decoders return the Go error text *as the result string* instead of failing
//! (`b64dec "!"` renders `illegal base64 data at input byte 0`), so the decoder reproduces
//! Go's error offsets. Like Go, `\r` and `\n` anywhere in the input are ignored.

use crate::func::{FuncDef, Host};
use crate::value::{go_bytes, Value};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Standard padded base64.
pub fn b64_encode(data: &[u8]) -> String {
    encode(data, B64, 6)
}

/// Standard padded base32.
pub fn b32_encode(data: &[u8]) -> String {
    encode(data, B32, 5)
}

fn encode(data: &[u8], alphabet: &[u8], bits: u32) -> String {
    let group = if bits == 6 { 4 } else { 8 };
    let mut out = String::with_capacity(data.len() * 8 / bits as usize + group);
    let (mut acc, mut nbits) = (0u64, 0u32);
    let mask = (1u64 << bits) - 1;
    for &b in data {
        acc = (acc << 8) | u64::from(b);
        nbits += 8;
        while nbits >= bits {
            nbits -= bits;
            out.push(alphabet[((acc >> nbits) & mask) as usize] as char);
        }
        acc &= (1u64 << nbits) - 1;
    }
    if nbits > 0 {
        out.push(alphabet[((acc << (bits - nbits)) & mask) as usize] as char);
    }
    while !out.len().is_multiple_of(group) {
        out.push('=');
    }
    out
}

/// Decodes standard padded base64 like Go's `StdEncoding.DecodeString`; the error is Go's
/// `illegal base64 data at input byte N`.
pub fn b64_decode(s: &str) -> Result<Vec<u8>, String> {
    decode(s.as_bytes(), B64, 6).map_err(|n| format!("illegal base64 data at input byte {n}"))
}

/// Decodes standard padded base32 like Go's `base32.StdEncoding.DecodeString`.
pub fn b32_decode(s: &str) -> Result<Vec<u8>, String> {
    decode(s.as_bytes(), B32, 5).map_err(|n| format!("illegal base32 data at input byte {n}"))
}

/// A quantum is 4 symbols (base64) or 8 (base32). Padding may only complete a quantum at the
/// positions the encoding can produce; anything after the padded quantum is an error.
fn decode(src: &[u8], alphabet: &[u8], bits: u32) -> Result<Vec<u8>, usize> {
    let quantum = if bits == 6 { 4 } else { 8 };
    let mut lookup = [0xffu8; 256];
    for (i, &c) in alphabet.iter().enumerate() {
        lookup[c as usize] = i as u8;
    }
    let is_nl = |c: u8| c == b'\n' || c == b'\r';
    let mut out = Vec::with_capacity(src.len() * bits as usize / 8);
    let mut si = 0usize;
    loop {
        let mut vals = [0u8; 8];
        let mut j = 0usize;
        let mut ended_with_pad = false;
        while j < quantum {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                // An unfinished quantum without padding.
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if is_nl(c) {
                continue;
            }
            let v = lookup[c as usize];
            if v != 0xff {
                vals[j] = v;
                j += 1;
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            // Padding: legal only where a partial quantum can end.
            let legal = if bits == 6 {
                j >= 2
            } else {
                matches!(j, 2 | 4 | 5 | 7)
            };
            if !legal {
                return Err(si - 1);
            }
            // The remaining pad characters must all be there (newlines may interleave).
            let mut need = quantum - j - 1;
            while need > 0 {
                while si < src.len() && is_nl(src[si]) {
                    si += 1;
                }
                if si == src.len() {
                    return Err(src.len());
                }
                if src[si] != b'=' {
                    return Err(si - 1);
                }
                si += 1;
                need -= 1;
            }
            while si < src.len() && is_nl(src[si]) {
                si += 1;
            }
            if si < src.len() {
                return Err(si);
            }
            ended_with_pad = true;
            break;
        }
        let nsym = j;
        let mut acc = 0u64;
        for &v in vals.iter().take(quantum) {
            acc = (acc << bits) | u64::from(v);
        }
        let nbytes = nsym * bits as usize / 8;
        let total_bytes = quantum * bits as usize / 8;
        for k in 0..nbytes {
            out.push((acc >> (8 * (total_bytes - 1 - k))) as u8);
        }
        if ended_with_pad {
            return Ok(out);
        }
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A decoder's result: the Go string of the bytes (may hold non-UTF-8 bytes), or the error text.
fn decoded(r: Result<Vec<u8>, String>) -> Value {
    match r {
        Ok(b) => Value::from_go_bytes(&b),
        Err(e) => Value::from(e),
    }
}

fn b64enc(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(b64_encode(&go_bytes(s(&a[0])))))
}

fn b64dec(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(decoded(b64_decode(s(&a[0]))))
}

fn b32enc(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(b32_encode(&go_bytes(s(&a[0])))))
}

fn b32dec(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(decoded(b32_decode(s(&a[0]))))
}

pub const FUNCS: &[FuncDef] = crate::funcs![
    "b64enc"(Str) => b64enc,
    "b64dec"(Str) => b64dec,
    "b32enc"(Str) => b32enc,
    "b32dec"(Str) => b32dec,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::c_testutil::call;

    fn run(name: &str, arg: &str) -> String {
        call(FUNCS, name, &[arg.into()])
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn round_trips() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "héllo\n"] {
            assert_eq!(run("b64dec", &run("b64enc", s)), s);
            assert_eq!(run("b32dec", &run("b32enc", s)), s);
        }
        assert_eq!(run("b64enc", "hello"), "aGVsbG8=");
        assert_eq!(run("b32enc", "hello"), "NBSWY3DP");
        assert_eq!(run("b32enc", "hi"), "NBUQ====");
    }

    #[test]
    fn decoders_keep_bytes_that_are_not_utf8() {
        // "aMM=" is "h\xc3": Go keeps the byte, and b64enc gives it back.
        let v = run("b64dec", "aMM=");
        assert_eq!(crate::value::go_len(&v), 2);
        assert_eq!(run("b64enc", &v), "aMM=");
        let v = run("b32dec", &run("b32enc", &v));
        assert_eq!(run("b64enc", &v), "aMM=");
    }

    #[test]
    fn errors_are_returned_as_text_like_helm() {
        // Expected strings printed by helm v4.1.4.
        assert_eq!(run("b64dec", "!"), "illegal base64 data at input byte 0");
        assert_eq!(
            run("b64dec", "aGVsbG8"),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(
            run("b64dec", "aGVsbG8=x"),
            "illegal base64 data at input byte 8"
        );
        assert_eq!(run("b64dec", "aGVs\nbG8="), "hello");
        assert_eq!(
            run("b32dec", "NBSWY3D"),
            "illegal base32 data at input byte 0"
        );
        assert_eq!(
            run("b32dec", "NBUQ==="),
            "illegal base32 data at input byte 7"
        );
        assert_eq!(
            run("b64dec", "aGk=="),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(run("b64dec", "a==="), "illegal base64 data at input byte 1");
        assert_eq!(run("b64dec", "aGk"), "illegal base64 data at input byte 0");
        assert_eq!(run("b64dec", "aGVsbG8=\n"), "hello");
    }
}
