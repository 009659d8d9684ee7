//! Sprig's hashing, password, AES, uuid and random-bytes functions.
//!
//! Every random byte comes from [`Host::rand_u64`] (through [`HostRng`]), so a seeded host makes
//! `bcrypt`, `uuidv4`, `randBytes`, `encryptAES` and generated keys reproducible.
//! Sprig 3.3 has `sha1sum`, `sha256sum`, `sha512sum`, `adler32sum` (no md5).

use crate::func::{FuncDef, Host};
use crate::funcs::encoding::{b64_decode, b64_encode};
use crate::value::{go_bytes, Value};
use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt};
use hmac::{Hmac, KeyInit as _, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::convert::Infallible;

/// Adapts the template host's rng for crates that want a `rand_core` CSPRNG.
pub struct HostRng<'a>(pub &'a mut dyn Host);

impl rand_core::TryRng for HostRng<'_> {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.0.rand_u64() >> 32) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.0.rand_u64())
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let r = self.0.rand_u64().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for HostRng<'_> {}

/// `n` bytes from the host rng.
pub fn rand_bytes(h: &mut dyn Host, n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    for chunk in v.chunks_mut(8) {
        let r = h.rand_u64().to_le_bytes();
        chunk.copy_from_slice(&r[..chunk.len()]);
    }
    v
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Adler-32 of `data` (RFC 1950), the checksum `adler32sum` prints in decimal.
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the largest run that cannot overflow u32 before the modulo.
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint(u) => *u as i64,
        _ => 0,
    }
}

/// The Go string argument's bytes (non-UTF-8 bytes included).
fn b(v: &Value) -> std::borrow::Cow<'_, [u8]> {
    go_bytes(s(v))
}

fn sha1sum(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(hex(&Sha1::digest(b(&a[0])))))
}

fn sha256sum(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(hex(&Sha256::digest(b(&a[0])))))
}

fn sha512sum(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(hex(&Sha512::digest(b(&a[0])))))
}

fn adler32sum(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(adler32(&b(&a[0])).to_string()))
}

/// bcrypt at Go's DefaultCost (10), `$2a$` prefix, salt from the host rng.
pub fn bcrypt_hash(h: &mut dyn Host, password: &[u8]) -> String {
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&rand_bytes(h, 16));
    // Go's bcrypt rejects passwords over 72 bytes; sprig returns the error text.
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .into();
    }
    match bcrypt::hash_with_salt(password, 10, salt) {
        Ok(p) => p.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

fn f_bcrypt(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(bcrypt_hash(h, &b(&a[0]))))
}

fn htpasswd(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let user = s(&a[0]);
    if user.contains(':') {
        return Ok(Value::str(format!("invalid username: {user}")));
    }
    Ok(Value::str(format!("{user}:{}", bcrypt_hash(h, &b(&a[1])))))
}

fn rand_bytes_fn(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let n = int(&a[0]);
    if !(0..=(64 << 20)).contains(&n) {
        return Err("runtime error: makeslice: len out of range".into());
    }
    Ok(Value::str(b64_encode(&rand_bytes(h, n as usize))))
}

fn rand_int(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let (min, max) = (int(&a[0]), int(&a[1]));
    let span = max.wrapping_sub(min);
    if span <= 0 {
        return Err("invalid argument to Intn".into());
    }
    // Rejection sampling keeps the draw uniform.
    let span = span as u64;
    let zone = u64::MAX - (u64::MAX % span);
    let r = loop {
        let r = h.rand_u64();
        if r < zone {
            break r % span;
        }
    };
    Ok(Value::Int(min.wrapping_add(r as i64)))
}

/// A random (version 4, RFC 4122 variant) UUID in lowercase 8-4-4-4-12 form.
pub fn uuid_v4(h: &mut dyn Host) -> String {
    let mut b = rand_bytes(h, 16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

fn uuidv4(h: &mut dyn Host, _: &[Value]) -> Result<Value, String> {
    Ok(Value::str(uuid_v4(h)))
}

/// The Master Password algorithm (templates and character classes of sprig's derivePassword).
pub fn derive_password(
    counter: u32,
    kind: &str,
    password: &[u8],
    user: &[u8],
    site: &[u8],
) -> String {
    const SEED: &str = "com.lyndir.masterpassword";
    let templates: &[&str] = match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return format!("cannot find password template {kind}"),
    };
    let chars = |c: u8| -> &'static str {
        match c {
            b'V' => "AEIOU",
            b'C' => "BCDFGHJKLMNPQRSTVWXYZ",
            b'v' => "aeiou",
            b'c' => "bcdfghjklmnpqrstvwxyz",
            b'A' => "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
            b'a' => "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
            b'n' => "0123456789",
            b'o' => "@&%?,=[]_:-+*$#!'^~;()/.",
            _ => "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
        }
    };
    let mut salt = SEED.as_bytes().to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user);
    let mut key = [0u8; 64];
    let ok = scrypt::Params::new(15, 8, 2)
        .ok()
        .and_then(|p| scrypt::scrypt(password, &salt, &p, &mut key).ok());
    if ok.is_none() {
        return "failed to derive password: invalid scrypt parameters".into();
    }
    let mut msg = SEED.as_bytes().to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site);
    msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = <Hmac<Sha256>>::new_from_slice(&key) else {
        return "failed to derive password: bad key".into();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let t = templates[seed[0] as usize % templates.len()].as_bytes();
    t.iter()
        .enumerate()
        .map(|(i, &c)| {
            let cs = chars(c).as_bytes();
            cs[seed.get(i + 1).copied().unwrap_or(0) as usize % cs.len()] as char
        })
        .collect()
}

fn f_derive_password(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(derive_password(
        int(&a[0]) as u32,
        s(&a[1]),
        &b(&a[2]),
        &b(&a[3]),
        &b(&a[4]),
    )))
}

fn aes_key(password: &[u8]) -> Option<aes::Aes256> {
    let mut key = [0u8; 32];
    let p = password;
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    aes::Aes256::new_from_slice(&key).ok()
}

/// AES-256-CBC with PKCS#7 padding; output is base64(iv || ciphertext), as sprig's encryptAES.
pub fn encrypt_aes(h: &mut dyn Host, password: &[u8], plaintext: &[u8]) -> Result<String, String> {
    if plaintext.is_empty() {
        return Ok(String::new());
    }
    let cipher = aes_key(password).ok_or("crypto/aes: invalid key size")?;
    let mut content = plaintext.to_vec();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(pad as u8, pad));
    let iv = rand_bytes(h, 16);
    let mut out = iv.clone();
    let mut prev: [u8; 16] = [0; 16];
    prev.copy_from_slice(&iv);
    for chunk in content.chunks(16) {
        let mut block = aes::Block::default();
        for i in 0..16 {
            block[i] = chunk[i] ^ prev[i];
        }
        cipher.encrypt_block(&mut block);
        prev.copy_from_slice(&block);
        out.extend_from_slice(&block);
    }
    Ok(b64_encode(&out))
}

/// The inverse of [`encrypt_aes`]; errors are Go's texts.
pub fn decrypt_aes(password: &[u8], crypt64: &str) -> Result<Vec<u8>, String> {
    if crypt64.is_empty() {
        return Ok(Vec::new());
    }
    let data = b64_decode(crypt64)?;
    let cipher = aes_key(password).ok_or("crypto/aes: invalid key size")?;
    if data.len() < 16 {
        // Sprig slices the IV off without a length check; Go reports the panic.
        return Err(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            data.len()
        ));
    }
    let (iv, ct) = data.split_at(16);
    if ct.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let mut prev: [u8; 16] = [0; 16];
    prev.copy_from_slice(iv);
    let mut plain = Vec::with_capacity(ct.len());
    for chunk in ct.chunks(16) {
        let mut block = aes::Block::default();
        block.copy_from_slice(chunk);
        cipher.decrypt_block(&mut block);
        for i in 0..16 {
            plain.push(block[i] ^ prev[i]);
        }
        prev.copy_from_slice(chunk);
    }
    let pad = plain.last().copied().unwrap_or(0) as usize;
    if pad > plain.len() {
        return Err(format!(
            "runtime error: slice bounds out of range [:{}] with capacity {}",
            plain.len() as i64 - pad as i64,
            plain.len()
        ));
    }
    plain.truncate(plain.len() - pad);
    Ok(plain)
}

fn f_encrypt_aes(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    encrypt_aes(h, &b(&a[0]), &b(&a[1])).map(Value::str)
}

fn f_decrypt_aes(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    decrypt_aes(&b(&a[0]), s(&a[1])).map(|p| Value::from_go_bytes(&p))
}

pub const FUNCS: &[FuncDef] = crate::funcs![
    "sha1sum"(Str) => sha1sum,
    "sha256sum"(Str) => sha256sum,
    "sha512sum"(Str) => sha512sum,
    "adler32sum"(Str) => adler32sum,
    "bcrypt"(Str) => f_bcrypt,
    "htpasswd"(Str, Str) => htpasswd,
    "randBytes"(Int) => rand_bytes_fn,
    "randInt"(Int, Int) => rand_int,
    "uuidv4"() => uuidv4,
    "derivePassword"(Int, Str, Str, Str, Str) => f_derive_password,
    "encryptAES"(Str, Str) => f_encrypt_aes,
    "decryptAES"(Str, Str) => f_decrypt_aes,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::c_testutil::{call, TestHost};

    fn run(name: &str, args: &[Value]) -> String {
        call(FUNCS, name, args)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn hashes_match_helm() {
        // Expected values printed by helm v4.1.4.
        assert_eq!(
            run("sha256sum", &["hello".into()]),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(
            run("sha1sum", &["hello".into()]),
            "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
        );
        assert_eq!(
            run("sha512sum", &["hello".into()]),
            "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7\
             2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"
        );
        assert_eq!(run("adler32sum", &["hello".into()]), "103547413");
        assert_eq!(run("adler32sum", &["".into()]), "1");
    }

    #[test]
    fn derive_password_matches_helm() {
        assert_eq!(
            run(
                "derivePassword",
                &[
                    Value::Int(1),
                    "long".into(),
                    "password".into(),
                    "user".into(),
                    "example.com".into()
                ]
            ),
            DERIVED
        );
    }

    #[test]
    fn random_shapes() {
        let u = run("uuidv4", &[]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]));
        assert_eq!(run("randBytes", &[Value::Int(24)]).len(), 32);
        // Base64 of exactly N bytes (helm: `randBytes 12 | b64dec | len` is 12).
        let rb = run("randBytes", &[Value::Int(12)]);
        assert_eq!(b64_decode(&rb).unwrap().len(), 12);
        // 16-byte IV + one padded block (helm: `encryptAES "k" "text" | b64dec | len` is 32).
        let ct = run("encryptAES", &["k".into(), "text".into()]);
        assert_eq!(b64_decode(&ct).unwrap().len(), 32);
        let ct = run("encryptAES", &["k".into(), "0123456789abcdef".into()]);
        assert_eq!(b64_decode(&ct).unwrap().len(), 48);
        let b = run("bcrypt", &["secret".into()]);
        assert!(b.starts_with("$2a$10$") && b.len() == 60, "{b}");
        assert!(bcrypt::verify("secret", &b).unwrap());
        assert!(run("htpasswd", &["u".into(), "p".into()]).starts_with("u:$2a$10$"));
        assert_eq!(
            run("htpasswd", &["a:b".into(), "p".into()]),
            "invalid username: a:b"
        );
    }

    #[test]
    fn aes_round_trip_and_helm_ciphertext() {
        let mut h = TestHost::default();
        let c = encrypt_aes(&mut h, b"key", b"secret text").unwrap();
        assert_eq!(decrypt_aes(b"key", &c).unwrap(), b"secret text");
        // A ciphertext produced by helm's encryptAES "key" "secret text".
        assert_eq!(decrypt_aes(b"key", HELM_AES).unwrap(), b"secret text");
        // Plaintext bytes that are not UTF-8 survive the round trip.
        let c = encrypt_aes(&mut h, b"key", b"h\xc3").unwrap();
        assert_eq!(decrypt_aes(b"key", &c).unwrap(), b"h\xc3");
        assert_eq!(
            decrypt_aes(b"key", "YQ==").unwrap_err(),
            "runtime error: slice bounds out of range [:16] with capacity 1"
        );
    }

    const DERIVED: &str = "ZedaFaxcZaso9*";
    const HELM_AES: &str = "424jGzTBijlreV4iFCwW5kgHTfVNZDwbS/hsc+VQxls=";
}
