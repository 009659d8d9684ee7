//! Sprig's key and certificate generators: `genPrivateKey`, `genCA`, `genSelfSignedCert`,
//! `genSignedCert` (and their `WithKey` forms) and `buildCustomCert`.
//!
//! Certificates are X.509 v3 DER built by hand with the fields, extension order and encodings
//! Go's `x509.CreateCertificate` produces for sprig's template (KeyUsage critical, ExtKeyUsage
//! server+client auth, BasicConstraints critical, SubjectKeyId on CAs (first 160 bits of the
//! SHA-256 of the key, Go 1.25), AuthorityKeyId from the signer, SANs DNS-then-IP), so PEM
//! shapes and line counts match helm's. Keys: RSA (2048 for certificates, 4096 for
//! `genPrivateKey "rsa"`), ECDSA P-256, Ed25519, and DSA (L2048/N256) for `genPrivateKey` only
//! (like Go, a DSA key cannot sign a certificate). `*WithKey` accepts PKCS#1, SEC1 (P-256) and
//! PKCS#8 PEM keys.

use crate::func::{FuncDef, Host};
use crate::funcs::crypto::{rand_bytes, HostRng};
use crate::funcs::encoding::{b64_decode, b64_encode};
use crate::value::{Map, Object, Value};
use p256::ecdsa::signature::Signer as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::DecodePrivateKey;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::rc::Rc;

// ---- DER writing -------------------------------------------------------------------------

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// A non-negative INTEGER from big-endian magnitude bytes.
fn uint(bytes: &[u8]) -> Vec<u8> {
    let mut b: Vec<u8> = bytes.iter().copied().skip_while(|&x| x == 0).collect();
    if b.is_empty() || b[0] & 0x80 != 0 {
        b.insert(0, 0);
    }
    tlv(0x02, &b)
}

fn oid(dotted: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut arcs = vec![dotted[0] * 40 + dotted.get(1).copied().unwrap_or(0)];
    arcs.extend_from_slice(dotted.get(2..).unwrap_or(&[]));
    for a in arcs {
        let mut chunk = vec![(a & 0x7f) as u8];
        let mut v = a >> 7;
        while v > 0 {
            chunk.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        chunk.reverse();
        body.extend(chunk);
    }
    tlv(0x06, &body)
}

fn bit_string(bytes: &[u8], unused: u8) -> Vec<u8> {
    let mut b = vec![unused];
    b.extend_from_slice(bytes);
    tlv(0x03, &b)
}

fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

const NULL: [u8; 2] = [0x05, 0x00];

/// PEM with 64-column base64 lines, as Go's `pem.Encode`.
fn pem(kind: &str, der: &[u8]) -> String {
    let b = b64_encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for chunk in b.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// The first PEM block of `s`: (type, DER bytes).
fn pem_decode(s: &str) -> Option<(String, Vec<u8>)> {
    let start = s.find("-----BEGIN ")?;
    let rest = &s[start + 11..];
    let end_type = rest.find("-----")?;
    let kind = rest[..end_type].to_string();
    let body_start = &rest[end_type + 5..];
    let end_marker = format!("-----END {kind}-----");
    let body_end = body_start.find(&end_marker)?;
    let body: String = body_start[..body_end]
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    Some((kind, b64_decode(&body).ok()?))
}

// ---- DER reading (just enough for a certificate) ----------------------------------------------

/// One TLV split off a buffer: (tag, whole TLV, content, rest of the buffer).
type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

fn read_tlv(d: &[u8]) -> Option<Tlv<'_>> {
    let tag = *d.first()?;
    let l0 = *d.get(1)? as usize;
    let (len, hdr) = if l0 < 0x80 {
        (l0, 2)
    } else {
        let n = l0 & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *d.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    let whole = d.get(..end)?;
    Some((tag, whole, &whole[hdr..], &d[end..]))
}

/// What signing needs from a CA certificate: its raw subject and subject key id.
struct ParsedCert {
    subject: Vec<u8>,
    skid: Option<Vec<u8>>,
}

fn parse_cert(der: &[u8]) -> Option<ParsedCert> {
    let (_, _, cert, _) = read_tlv(der)?;
    let (_, _, tbs, _) = read_tlv(cert)?;
    let mut rest = tbs;
    let (tag, _, _, r) = read_tlv(rest)?;
    if tag == 0xa0 {
        rest = r;
    }
    let (_, _, _, r) = read_tlv(rest)?; // serial
    let (_, _, _, r) = read_tlv(r)?; // signature algorithm
    let (_, _, _, r) = read_tlv(r)?; // issuer
    let (_, _, _, r) = read_tlv(r)?; // validity
    let (_, subject, _, r) = read_tlv(r)?;
    let (_, _, _, mut r) = read_tlv(r)?; // public key info
    let mut skid = None;
    while let Some((tag, _, content, next)) = read_tlv(r) {
        if tag == 0xa3 {
            let (_, _, mut exts, _) = read_tlv(content)?;
            while let Some((_, _, ext, more)) = read_tlv(exts) {
                let (_, id, _, mut v) = read_tlv(ext)?;
                if let Some((0x01, _, _, after)) = read_tlv(v) {
                    v = after;
                }
                if id == oid(&[2, 5, 29, 14]).as_slice() {
                    let (_, _, inner, _) = read_tlv(v)?;
                    let (_, _, keyid, _) = read_tlv(inner)?;
                    skid = Some(keyid.to_vec());
                }
                exts = more;
            }
        }
        r = next;
    }
    Some(ParsedCert {
        subject: subject.to_vec(),
        skid,
    })
}

// ---- keys ----------------------------------------------------------------------------------

enum Key {
    Rsa(Box<rsa::PrivateKey>),
    Ec(p256::SecretKey),
    Ed(ed25519_dalek::SigningKey),
    /// A parsed DSA key: sprig accepts it, Go's x509 cannot certify or sign with it.
    Dsa,
}

/// An RSA key with public exponent 65537 and two primes of `bits / 2` bits each, their top two
/// bits set so the modulus has exactly `bits` bits (as Go's and the `rsa` crate's generators).
///
/// The 2048- and 4096-bit keys the template functions make use [`prime::random_pair`] (our own
/// sieve and variable-time Montgomery arithmetic: ~25 % less CPU than the crate's search for
/// 2048-bit keys, on par for 4096; see the `mr_cost`/`rsa_keygen_timing` tests); other sizes
/// use the crate.
fn rsa_key(h: &mut dyn Host, bits: usize) -> Result<Key, String> {
    let primes = |h: &mut dyn Host| {
        if bits != 2048 && bits != 4096 {
            return None;
        }
        let p_seed: [u8; 32] = rand_bytes(h, 32).try_into().ok()?;
        let q_seed: [u8; 32] = rand_bytes(h, 32).try_into().ok()?;
        let [p, q] = if bits == 2048 {
            prime::random_pair::<16>([p_seed, q_seed])
        } else {
            prime::random_pair::<32>([p_seed, q_seed])
        };
        let big =
            |be: Vec<u8>| crypto_bigint::BoxedUint::from_be_slice(&be, (bits / 2) as u32).ok();
        Some((big(p)?, big(q)?))
    };
    for _ in 0..8 {
        let Some((p, q)) = primes(h) else {
            break;
        };
        if p == q {
            continue;
        }
        let e = crypto_bigint::BoxedUint::from(65_537u64);
        match rsa::PrivateKey::from_p_q(p, q, e) {
            Ok(k) => {
                made_here::add(&k);
                return Ok(Key::Rsa(Box::new(k)));
            }
            // No private exponent when e divides p-1 or q-1: draw again.
            Err(_) => continue,
        }
    }
    rsa::PrivateKey::new(&mut HostRng(h), bits)
        .map(|k| Key::Rsa(Box::new(k)))
        .map_err(|e| format!("error generating rsa key: {e}"))
}

fn ec_key(h: &mut dyn Host) -> Key {
    loop {
        if let Ok(k) = p256::SecretKey::from_slice(&rand_bytes(h, 32)) {
            return Key::Ec(k);
        }
    }
}

fn ed_key(h: &mut dyn Host) -> Key {
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&rand_bytes(h, 32));
    Key::Ed(ed25519_dalek::SigningKey::from_bytes(&seed))
}

/// A DSA key with L=2048, N=256 parameters, generated as Go's `dsa.GenerateParameters` does
/// (random 256-bit prime q, then up to 4L candidates p ≡ 1 mod q, g = h^((p-1)/q) for the
/// first h ≥ 2 giving g ≠ 1), returned as sprig's `DSA PRIVATE KEY` DER:
/// SEQUENCE { 0, P, Q, G, Y, X }.
fn dsa_key_der(h: &mut dyn Host) -> Result<Vec<u8>, String> {
    use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
    use crypto_bigint::{BoxedUint, Limb, NonZero, Odd};
    const L: u32 = 2048;
    const N: u32 = 256;
    let err = || "failed to generate dsa params: arithmetic error".to_string();
    // A value at L bits of precision (operands of one operation must agree).
    let wide = |b: &[u8]| BoxedUint::from_be_slice(b, L).map_err(|_| err());
    // Trial division by small odd primes before the expensive probable-prime test.
    let small: Vec<NonZero<Limb>> = (3u64..2000)
        .filter(|n| (2..*n).take_while(|d| d * d <= *n).all(|d| n % d != 0))
        .filter_map(|n| NonZero::new(Limb::from(n)).into_option())
        .collect();
    let probably_prime = |x: &BoxedUint| {
        small.iter().all(|d| x.rem_limb(*d) != Limb::ZERO)
            && crypto_primes::is_prime(crypto_primes::Flavor::Any, x)
    };
    let (p, q) = 'search: loop {
        let mut qb = rand_bytes(h, (N / 8) as usize);
        qb[0] |= 0x80;
        qb[(N / 8) as usize - 1] |= 1;
        let q = BoxedUint::from_be_slice(&qb, N).map_err(|_| err())?;
        if !probably_prime(&q) {
            continue;
        }
        let qw = NonZero::new(wide(&qb)?).into_option().ok_or_else(err)?;
        for _ in 0..4 * L {
            let mut pb = rand_bytes(h, (L / 8) as usize);
            pb[0] |= 0x80;
            pb[(L / 8) as usize - 1] |= 1;
            let cand = BoxedUint::from_be_slice(&pb, L).map_err(|_| err())?;
            // p = cand - (cand mod q - 1), so that p ≡ 1 (mod q).
            let rem = cand.rem_vartime(&qw);
            let p = cand.wrapping_sub(&rem).wrapping_add(&wide(&[1])?);
            if p.bit_width() < L || !probably_prime(&p) {
                continue;
            }
            break 'search (p, qb);
        }
    };
    let params = BoxedMontyParams::new_vartime(Odd::new(p.clone()).into_option().ok_or_else(err)?);
    let q = BoxedUint::from_be_slice(&q, N).map_err(|_| err())?;
    let qw = NonZero::new(wide(&q.to_be_bytes())?)
        .into_option()
        .ok_or_else(err)?;
    let one = wide(&[1])?;
    let e = p.wrapping_sub(&one).wrapping_div_vartime(&qw);
    let mut hh = 2u64;
    let g = loop {
        let base = BoxedMontyForm::new(wide(&hh.to_be_bytes())?, &params);
        let g = base.pow(&e).retrieve();
        if g != one {
            break g;
        }
        hh += 1;
    };
    let x = loop {
        let xb = rand_bytes(h, (N / 8) as usize);
        let x = BoxedUint::from_be_slice(&xb, N).map_err(|_| err())?;
        if bool::from(x.is_zero()) || x >= q {
            continue;
        }
        break x;
    };
    let y = BoxedMontyForm::new(g.clone(), &params)
        .pow(&wide(&x.to_be_bytes())?)
        .retrieve();
    let int = |v: &BoxedUint| uint(&v.to_be_bytes());
    Ok(seq(&[
        uint(&[0]),
        int(&p),
        int(&q),
        int(&g),
        int(&y),
        int(&x),
    ]))
}

const OID_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 1];
const OID_RSA_SHA256: &[u64] = &[1, 2, 840, 113_549, 1, 1, 11];
const OID_EC: &[u64] = &[1, 2, 840, 10_045, 2, 1];
const OID_P256: &[u64] = &[1, 2, 840, 10_045, 3, 1, 7];
const OID_ECDSA_SHA256: &[u64] = &[1, 2, 840, 10_045, 4, 3, 2];
const OID_ED25519: &[u64] = &[1, 3, 101, 112];

impl Key {
    /// The key in the PEM form sprig's `pemBlockForKey` writes.
    fn pem(&self) -> Result<String, String> {
        match self {
            Key::Rsa(k) => {
                let der = k
                    .to_pkcs1_der()
                    .map_err(|e| format!("error pem-encoding key: {e}"))?;
                Ok(pem("RSA PRIVATE KEY", der.as_bytes()))
            }
            Key::Ec(k) => {
                let der = k
                    .to_sec1_der()
                    .map_err(|e| format!("error pem-encoding key: {e}"))?;
                Ok(pem("EC PRIVATE KEY", &der))
            }
            Key::Ed(k) => {
                let pkcs8 = seq(&[
                    uint(&[0]),
                    seq(&[oid(OID_ED25519)]),
                    octets(&octets(&k.to_bytes())),
                ]);
                Ok(pem("PRIVATE KEY", &pkcs8))
            }
            Key::Dsa => Err("error pem-encoding key: unsupported key type".into()),
        }
    }

    fn spki(&self) -> Result<Vec<u8>, String> {
        let (alg, bits) =
            match self {
                Key::Rsa(k) => {
                    let pk = k
                        .to_public_key()
                        .to_pkcs1_der()
                        .map_err(|e| format!("error retrieving public key: {e}"))?;
                    (seq(&[oid(OID_RSA), NULL.to_vec()]), pk.as_bytes().to_vec())
                }
                Key::Ec(k) => (
                    seq(&[oid(OID_EC), oid(OID_P256)]),
                    k.public_key().to_sec1_bytes().to_vec(),
                ),
                Key::Ed(k) => (
                    seq(&[oid(OID_ED25519)]),
                    k.verifying_key().to_bytes().to_vec(),
                ),
                Key::Dsa => return Err(
                    "error creating certificate: x509: unsupported public key type: *dsa.PublicKey"
                        .into(),
                ),
            };
        Ok(seq(&[alg, bit_string(&bits, 0)]))
    }

    /// The raw public key bits (for the subject key id).
    fn public_bits(&self) -> Result<Vec<u8>, String> {
        let spki = self.spki()?;
        let (_, _, body, _) = read_tlv(&spki).ok_or("bad key")?;
        let (_, _, _, r) = read_tlv(body).ok_or("bad key")?;
        let (_, _, bits, _) = read_tlv(r).ok_or("bad key")?;
        Ok(bits.get(1..).unwrap_or(&[]).to_vec())
    }

    fn sig_alg(&self) -> Vec<u8> {
        match self {
            Key::Rsa(_) => seq(&[oid(OID_RSA_SHA256), NULL.to_vec()]),
            Key::Ec(_) => seq(&[oid(OID_ECDSA_SHA256)]),
            Key::Ed(_) | Key::Dsa => seq(&[oid(OID_ED25519)]),
        }
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            Key::Rsa(k) => {
                let di = sha256_digest_info(msg);
                if let Some(sig) = rsa_sign_crt(k, &di) {
                    return Ok(sig);
                }
                k.sign(rsa::Pkcs1v15Sign::new_unprefixed(), &di)
                    .map_err(|e| format!("error creating certificate: {e}"))
            }
            Key::Ec(k) => {
                let sk = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature = sk.sign(msg);
                let (r, s) = sig.split_bytes();
                Ok(seq(&[uint(&r), uint(&s)]))
            }
            Key::Ed(k) => {
                use ed25519_dalek::Signer as _;
                Ok(k.sign(msg).to_bytes().to_vec())
            }
            Key::Dsa => Err(DSA_SIGNER.into()),
        }
    }
}

/// The DER DigestInfo of `msg`'s SHA-256 (RFC 8017 §9.2), what PKCS#1 v1.5 signs.
fn sha256_digest_info(msg: &[u8]) -> Vec<u8> {
    let mut di = vec![
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    di.extend_from_slice(&Sha256::digest(msg));
    di
}

/// The RSA keys this process generated (SHA-256 of the modulus): the only ones
/// [`rsa_sign_crt`] signs with. Their private halves are printed into the render anyway;
/// keys that come from the user's values are signed by the crate's constant-time code.
mod made_here {
    use rsa::traits::PublicKeyParts;
    use sha2::{Digest, Sha256};
    use std::sync::Mutex;

    static KEYS: Mutex<Vec<[u8; 32]>> = Mutex::new(Vec::new());

    fn id(k: &rsa::PrivateKey) -> [u8; 32] {
        Sha256::digest(k.n_bytes()).into()
    }

    pub(super) fn add(k: &rsa::PrivateKey) {
        let id = id(k);
        if let Ok(mut keys) = KEYS.lock() {
            keys.push(id);
        }
    }

    pub(super) fn contains(k: &rsa::PrivateKey) -> bool {
        let id = id(k);
        KEYS.lock().is_ok_and(|keys| keys.contains(&id))
    }
}

/// RSASSA-PKCS1-v1_5 of `digest_info` with the Chinese remainder theorem on our
/// variable-time Montgomery code ([`prime::Modulus`]): 571 against the crate's 834 µs for a
/// 2048-bit key (`rsa_sign_timing`; harbor signs ~15 certificates). Only for
/// keys this process made (see [`made_here`]) with two primes of 1024 or 2048 bits; `None`
/// otherwise, or if the signature does not verify, and the crate signs.
fn rsa_sign_crt(k: &rsa::PrivateKey, digest_info: &[u8]) -> Option<Vec<u8>> {
    use rsa::traits::PublicKeyParts;
    if !made_here::contains(k) {
        return None;
    }
    match k.size() {
        256 => crt_sign::<16>(k, digest_info),
        512 => crt_sign::<32>(k, digest_info),
        _ => None,
    }
}

/// [`rsa_sign_crt`] for primes of 64·L bits.
fn crt_sign<const L: usize>(k: &rsa::PrivateKey, digest_info: &[u8]) -> Option<Vec<u8>> {
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    let limbs = |x: &crypto_bigint::BoxedUint| -> Option<[u64; L]> {
        let w = x.as_words();
        if w.iter().skip(L).any(|&v| v != 0) {
            return None;
        }
        let mut a = [0u64; L];
        for (d, s) in a.iter_mut().zip(w) {
            *d = *s;
        }
        Some(a)
    };
    let primes = k.primes();
    if primes.len() != 2 {
        return None;
    }
    let (p, q) = (limbs(primes[0].as_ref())?, limbs(primes[1].as_ref())?);
    let (mp, mq) = (prime::Modulus::new(p)?, prime::Modulus::new(q)?);
    let qinv = limbs(&k.qinv()?.retrieve())?;
    let (dp, dq) = (k.dp()?.as_words(), k.dq()?.as_words());
    // EM = 00 01 FF…FF 00 T (RFC 8017 §9.2), as 2L little-endian limbs.
    let len = 16 * L;
    if digest_info.len() + 11 > len {
        return None;
    }
    let mut em = vec![0xffu8; len];
    em[0] = 0;
    em[1] = 1;
    em[len - digest_info.len() - 1] = 0;
    em[len - digest_info.len()..].copy_from_slice(digest_info);
    let c: Vec<u64> = em
        .rchunks(8)
        .map(|b| u64::from_be_bytes(b.try_into().unwrap_or_default()))
        .collect();
    let sp = mp.pow(&mp.reduce(&c), dp);
    let sq = mq.pow(&mq.reduce(&c), dq);
    // s = sq + q·(qinv·(sp - sq) mod p), below n.
    let h = mp.mul(&mp.sub(&sp, &mp.reduce(&sq)), &qinv);
    let mut sig = vec![0u64; 2 * L];
    sig[..L].copy_from_slice(&sq);
    for (i, &hi) in h.iter().enumerate() {
        let mut carry = 0u128;
        for (j, &qj) in q.iter().enumerate() {
            let v = u128::from(hi) * u128::from(qj) + u128::from(sig[i + j]) + carry;
            sig[i + j] = v as u64;
            carry = v >> 64;
        }
        let mut t = i + L;
        while carry != 0 && t < 2 * L {
            let v = u128::from(sig[t]) + carry;
            sig[t] = v as u64;
            carry = v >> 64;
            t += 1;
        }
    }
    let bytes: Vec<u8> = sig.iter().rev().flat_map(|l| l.to_be_bytes()).collect();
    // A wrong signature must never be printed: check s^e = EM (mod n).
    let s = crypto_bigint::BoxedUint::from_be_slice(&bytes, k.n_bits_precision()).ok()?;
    let back = crypto_bigint::modular::BoxedMontyForm::new(s, k.n_params())
        .pow_bounded_exp(k.e(), k.e().bit_width())
        .retrieve();
    (back.to_be_bytes().as_ref() == em.as_slice()).then_some(bytes)
}

/// Sprig's `parsePrivateKeyPEM`.
fn parse_key(pem_text: &str) -> Result<Key, String> {
    let (kind, der) = pem_decode(pem_text).ok_or("no PEM data in input")?;
    if kind == "PRIVATE KEY" {
        if let Ok(k) = rsa::PrivateKey::from_pkcs8_der(&der) {
            return Ok(Key::Rsa(Box::new(k)));
        }
        if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
            return Ok(Key::Ec(k));
        }
        let ed_prefix = seq(&[uint(&[0]), seq(&[oid(OID_ED25519)])]);
        if der.len() == 48 && der[2..].starts_with(&ed_prefix[2..]) {
            let mut seed = [0u8; 32];
            seed.copy_from_slice(&der[16..48]);
            return Ok(Key::Ed(ed25519_dalek::SigningKey::from_bytes(&seed)));
        }
        return Err("decoding PEM as PKCS#8: x509: failed to parse private key".into());
    }
    let Some(prefix) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match prefix {
        "RSA" => rsa::PrivateKey::from_pkcs1_der(&der)
            .map(|k| Key::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&der)
            .map(Key::Ec)
            .map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => Ok(Key::Dsa),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

// ---- certificates ----------------------------------------------------------------------------

fn name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return seq(&[]);
    }
    let printable = cn
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?*&".contains(&b));
    let value = tlv(if printable { 0x13 } else { 0x0c }, cn.as_bytes());
    seq(&[tlv(0x31, &seq(&[oid(&[2, 5, 4, 3]), value]))])
}

fn time_der(secs: i64) -> Vec<u8> {
    use crate::funcs::dates::{format, GoTime};
    let t = GoTime::utc(secs, 0);
    let year: i64 = format(&t, "2006").parse().unwrap_or(0);
    if (1950..2050).contains(&year) {
        tlv(0x17, format(&t, "060102150405Z").as_bytes())
    } else {
        tlv(0x18, format(&t, "20060102150405Z").as_bytes())
    }
}

fn extension(id: &[u64], critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(vec![0x01, 0x01, 0xff]);
    }
    parts.push(octets(&value));
    seq(&parts)
}

struct Template {
    cn: String,
    ips: Vec<IpAddr>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

const DSA_SIGNER: &str =
    "error creating certificate: x509: certificate private key does not implement crypto.Signer";

fn signer_key<'a>(key: &'a Key, parent: Option<(&ParsedCert, &'a Key)>) -> &'a Key {
    parent.map_or(key, |(_, k)| k)
}

/// Go's `x509.CreateCertificate` for sprig's template; returns (cert PEM, key PEM).
fn create(
    h: &mut dyn Host,
    t: &Template,
    key: &Key,
    parent: Option<(&ParsedCert, &Key)>,
) -> Result<(String, String), String> {
    if matches!(signer_key(key, parent), Key::Dsa) {
        return Err(DSA_SIGNER.into());
    }
    let serial = rand_bytes(h, 16);
    let (now, _) = h.now();
    let subject = name(&t.cn);
    let (issuer, signer, parent_skid) = match parent {
        Some((pc, k)) => (pc.subject.clone(), k, pc.skid.clone()),
        None => (subject.clone(), key, None),
    };
    let mut exts = Vec::new();
    // KeyUsage: digitalSignature | keyEncipherment (| certSign for a CA), minimal bit string.
    let ku = if t.is_ca {
        bit_string(&[0xa4], 2)
    } else {
        bit_string(&[0xa0], 5)
    };
    exts.push(extension(&[2, 5, 29, 15], true, ku));
    exts.push(extension(
        &[2, 5, 29, 37],
        false,
        seq(&[
            oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
            oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2]),
        ]),
    ));
    let bc = if t.is_ca {
        seq(&[vec![0x01, 0x01, 0xff]])
    } else {
        seq(&[])
    };
    exts.push(extension(&[2, 5, 29, 19], true, bc));
    if t.is_ca {
        let skid = Sha256::digest(key.public_bits()?)[..20].to_vec();
        exts.push(extension(&[2, 5, 29, 14], false, octets(&skid)));
    }
    if let Some(akid) = parent_skid.filter(|_| issuer != subject) {
        exts.push(extension(&[2, 5, 29, 35], false, seq(&[tlv(0x80, &akid)])));
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut sans: Vec<Vec<u8>> = t.dns.iter().map(|d| tlv(0x82, d.as_bytes())).collect();
        for ip in &t.ips {
            let bytes = match ip {
                IpAddr::V4(v) => v.octets().to_vec(),
                IpAddr::V6(v) => match v.to_ipv4_mapped() {
                    Some(v4) => v4.octets().to_vec(),
                    None => v.octets().to_vec(),
                },
            };
            sans.push(tlv(0x87, &bytes));
        }
        exts.push(extension(&[2, 5, 29, 17], t.cn.is_empty(), seq(&sans)));
    }
    let tbs = seq(&[
        tlv(0xa0, &uint(&[2])),
        uint(&serial),
        signer.sig_alg(),
        issuer,
        seq(&[
            time_der(now),
            time_der(now.saturating_add(t.days.saturating_mul(86_400))),
        ]),
        subject,
        key.spki()?,
        tlv(0xa3, &seq(&exts)),
    ]);
    let sig = signer.sign(&tbs)?;
    let cert = seq(&[tbs, signer.sig_alg(), bit_string(&sig, 0)]);
    Ok((pem("CERTIFICATE", &cert), key.pem()?))
}

/// Sprig's `certificate` struct (`.Cert`, `.Key`).
pub struct Certificate {
    pub cert: String,
    pub key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        match name {
            "Cert" => Some(Ok(Value::str(&self.cert))),
            "Key" => Some(Ok(Value::str(&self.key))),
            _ => None,
        }
    }
    fn print(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }
    fn to_plain(&self) -> Value {
        let m = Map::new();
        m.insert("Cert", Value::str(&self.cert));
        m.insert("Key", Value::str(&self.key));
        Value::Map(m)
    }
}

fn cert_value(cert: String, key: String) -> Value {
    Value::Object(Rc::new(Certificate { cert, key }))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn items(v: &Value) -> Vec<Value> {
    v.as_list()
        .map(|l| l.items.iter().cloned().collect())
        .unwrap_or_default()
}

fn ips_arg(v: &Value) -> Result<Vec<IpAddr>, String> {
    items(v)
        .iter()
        .map(|ip| match ip {
            Value::Str(x) => x
                .parse::<IpAddr>()
                .map_err(|_| format!("error parsing ip: {x}")),
            other => Err(format!(
                "error parsing ip: {} is not a string",
                crate::fmt::format_value(other)
            )),
        })
        .collect()
}

fn dns_arg(v: &Value) -> Result<Vec<String>, String> {
    items(v)
        .iter()
        .map(|d| match d {
            Value::Str(x) => Ok(x.to_string()),
            other => Err(format!(
                "error processing alternate dns name: {} is not a string",
                crate::fmt::format_value(other)
            )),
        })
        .collect()
}

fn ca_arg(v: &Value) -> Result<(String, String), String> {
    match v {
        Value::Object(o) if o.type_name() == "sprig.certificate" => {
            let get = |f: &str| match o.field(f) {
                Some(Ok(Value::Str(x))) => x.to_string(),
                _ => String::new(),
            };
            Ok((get("Cert"), get("Key")))
        }
        other => Err(format!(
            "wrong type for value; expected sprig.certificate; got {}",
            other.type_name()
        )),
    }
}

fn gen_private_key(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let key = match s(&a[0]) {
        "" | "rsa" => rsa_key(h, 4096),
        "ecdsa" => Ok(ec_key(h)),
        "ed25519" => Ok(ed_key(h)),
        "dsa" => {
            return Ok(Value::str(match dsa_key_der(h) {
                Ok(der) => pem("DSA PRIVATE KEY", &der),
                Err(e) => e,
            }))
        }
        other => return Ok(Value::str(format!("Unknown type {other}"))),
    };
    // Sprig returns failures as the string result.
    Ok(Value::str(match key.and_then(|k| k.pem()) {
        Ok(p) => p,
        Err(e) => format!("failed to generate private key: {e}"),
    }))
}

fn template(a: &[Value], is_ca: bool) -> Result<Template, String> {
    if is_ca {
        return Ok(Template {
            cn: s(&a[0]).to_string(),
            ips: vec![],
            dns: vec![],
            days: int(&a[1]),
            is_ca,
        });
    }
    Ok(Template {
        cn: s(&a[0]).to_string(),
        ips: ips_arg(&a[1])?,
        dns: dns_arg(&a[2])?,
        days: int(&a[3]),
        is_ca,
    })
}

fn gen_ca(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let key = rsa_key(h, 2048)?;
    let (c, k) = create(h, &template(a, true)?, &key, None)?;
    Ok(cert_value(c, k))
}

fn gen_ca_with_key(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let key = parse_key(s(&a[2])).map_err(|e| format!("parsing private key: {e}"))?;
    let (c, k) = create(h, &template(a, true)?, &key, None)?;
    Ok(cert_value(c, k))
}

fn gen_self_signed(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = template(a, false)?;
    let key = rsa_key(h, 2048)?;
    let (c, k) = create(h, &t, &key, None)?;
    Ok(cert_value(c, k))
}

fn gen_self_signed_with_key(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = template(a, false)?;
    let key = parse_key(s(&a[4])).map_err(|e| format!("parsing private key: {e}"))?;
    let (c, k) = create(h, &t, &key, None)?;
    Ok(cert_value(c, k))
}

fn signed(h: &mut dyn Host, a: &[Value], key: Key) -> Result<Value, String> {
    let (ca_cert, ca_key) = ca_arg(&a[4])?;
    let (_, der) = pem_decode(&ca_cert).ok_or("unable to decode certificate")?;
    let parsed = parse_cert(&der)
        .ok_or("error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate")?;
    let signer = parse_key(&ca_key).map_err(|e| format!("error parsing private key: {e}"))?;
    let t = template(a, false)?;
    let (c, k) = create(h, &t, &key, Some((&parsed, &signer)))?;
    Ok(cert_value(c, k))
}

fn gen_signed(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    // Validate the arguments before spending time on a key.
    template(a, false)?;
    ca_arg(&a[4])?;
    let key = rsa_key(h, 2048)?;
    signed(h, a, key)
}

fn gen_signed_with_key(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let key = parse_key(s(&a[5])).map_err(|e| format!("parsing private key: {e}"))?;
    signed(h, a, key)
}

fn build_custom_cert(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let cert = b64_decode(s(&a[0])).map_err(|_| "unable to decode base64 certificate")?;
    let key = b64_decode(s(&a[1])).map_err(|_| "unable to decode base64 private key")?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let (_, der) = pem_decode(&cert).ok_or("unable to decode certificate")?;
    parse_cert(&der)
        .ok_or("error parsing certificate: decodedCert.Bytes: x509: malformed certificate")?;
    parse_key(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(cert_value(cert, key))
}

pub const FUNCS: &[FuncDef] = crate::funcs![
    "genPrivateKey"(Str) => gen_private_key,
    "genCA"(Str, Int) => gen_ca,
    "genCAWithKey"(Str, Int, Str) => gen_ca_with_key,
    "genSelfSignedCert"(Str, List, List, Int) => gen_self_signed,
    "genSelfSignedCertWithKey"(Str, List, List, Int, Str) => gen_self_signed_with_key,
    "genSignedCert"(Str, List, List, Int, Any) => gen_signed,
    "genSignedCertWithKey"(Str, List, List, Int, Any, Str) => gen_signed_with_key,
    "buildCustomCert"(Str, Str) => build_custom_cert,
];

/// Random probable primes for RSA keys, tuned for speed: a sieve over a window of candidates
/// by every odd prime below 2^16, then Miller-Rabin in Montgomery form on fixed-width limbs
/// (base 2 first, computed with squarings and cheap doublings; then random bases).
pub(crate) mod prime {
    use chacha20::ChaCha20Rng;
    use rand_core::{Rng, SeedableRng};
    use std::ops::Range;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;

    /// Miller-Rabin rounds with random bases after base 2: 5 for 1024-bit primes, 4 for
    /// 2048-bit ones (FIPS 186-5 table B.1's counts for an error below 2^-100, plus base 2).
    const fn random_rounds(limbs: usize) -> usize {
        if limbs >= 32 {
            4
        } else {
            5
        }
    }
    /// Odd candidates per sieve window: the expected prime gap at 1024 bits is ~710, so a
    /// window almost always holds a prime; if not, a new start is drawn.
    const WINDOW: usize = 1 << 12;

    /// Sieving primes whose product fits in a u64: the residue of a big number is taken
    /// once per group, then per prime from that u64.
    struct Group {
        prod: u64,
        /// -prod⁻¹ mod 2^64 and 2^(64·limbs) mod prod (for the table's limb count), so
        /// that [`residues`] needs no division per limb.
        neg_inv: u64,
        r_limbs: u64,
        primes: Vec<u64>,
    }

    /// The odd primes below `2^bits` in groups, for candidates of `limbs` limbs.
    struct Table {
        limbs: usize,
        groups: Vec<Group>,
    }

    /// The table for `bits` and `limbs`: a sieve of Eratosthenes, primes packed greedily
    /// into groups, each group's constants computed once.
    fn sieve_primes(bits: u32, limbs: usize) -> Table {
        let n = 1usize << bits;
        let mut comp = vec![false; n];
        let mut parts: Vec<(u64, Vec<u64>)> = Vec::new();
        let mut cur = (1u64, Vec::new());
        for i in (3..n).step_by(2) {
            if comp[i] {
                continue;
            }
            let mut j = i * i;
            while j < n {
                comp[j] = true;
                j += 2 * i;
            }
            let p = i as u64;
            match cur.0.checked_mul(p) {
                Some(prod) => {
                    cur.0 = prod;
                    cur.1.push(p);
                }
                None => parts.push(std::mem::replace(&mut cur, (p, vec![p]))),
            }
        }
        parts.push(cur);
        let groups = parts
            .into_iter()
            .map(|(prod, primes)| {
                // Newton's iteration for prod⁻¹ (prod is odd): 1 → 64 bits in 6 steps.
                let mut inv = 1u64;
                for _ in 0..6 {
                    inv = inv.wrapping_mul(2u64.wrapping_sub(prod.wrapping_mul(inv)));
                }
                // 2^(64·limbs) mod prod, by squaring 2^64 mod prod.
                let (mut r, mut base, mut e) = (1, rem_step(1, 0, prod), limbs);
                while e > 0 {
                    if e & 1 == 1 {
                        r = mul_mod(r, base, prod);
                    }
                    base = mul_mod(base, base, prod);
                    e >>= 1;
                }
                Group {
                    prod,
                    neg_inv: inv.wrapping_neg(),
                    r_limbs: r,
                    primes,
                }
            })
            .collect();
        Table { limbs, groups }
    }

    /// The sieving primes for `L`-limb candidates. Each MR test of a 2048-bit candidate is
    /// costly enough that sieving up to 2^20 (20 % fewer tests) pays for the residues; at 1024
    /// bits, 2^16 is cheaper overall.
    fn groups(limbs: usize) -> &'static Table {
        static SMALL: OnceLock<Table> = OnceLock::new();
        static LARGE: OnceLock<Table> = OnceLock::new();
        if limbs >= 32 {
            LARGE.get_or_init(|| sieve_primes(20, 32))
        } else {
            SMALL.get_or_init(|| sieve_primes(16, 16))
        }
    }

    /// `x mod m` for little-endian limbs.
    fn rem(x: &[u64], m: u64) -> u64 {
        x.iter().rev().fold(0, |r, &limb| rem_step(r, limb, m))
    }

    /// `x mod prod` for each of up to 8 groups of `table`. For x of the table's limb count,
    /// Montgomery steps from the low limb up (two multiplications each, eight independent
    /// chains) give x·2^(-64·limbs) mod prod, and one product with 2^(64·limbs) mod prod
    /// undoes the scaling; other lengths divide limb by limb.
    fn residues(x: &[u64], table: &Table, groups: &[Group]) -> [u64; 8] {
        let mut r = [0u64; 8];
        if x.len() != table.limbs {
            for (r, g) in r.iter_mut().zip(groups) {
                *r = rem(x, g.prod);
            }
            return r;
        }
        // Constants in registers; spare lanes (prod 1) compute garbage that is ignored.
        let (mut prod, mut neg_inv) = ([1u64; 8], [0u64; 8]);
        for ((p, n), g) in prod.iter_mut().zip(neg_inv.iter_mut()).zip(groups) {
            (*p, *n) = (g.prod, g.neg_inv);
        }
        for &limb in x {
            for k in 0..8 {
                // (r + limb + q·prod) / 2^64 with q making the low word zero: that word
                // carries out exactly when r + limb is nonzero mod 2^64; the result ≤ prod.
                let (lo, carry) = limb.overflowing_add(r[k]);
                let q = lo.wrapping_mul(neg_inv[k]);
                let hi = ((u128::from(q) * u128::from(prod[k])) >> 64) as u64;
                let v = hi + u64::from(carry) + u64::from(lo != 0);
                r[k] = if v >= prod[k] { v - prod[k] } else { v };
            }
        }
        for (r, g) in r.iter_mut().zip(groups) {
            *r = mul_mod(*r, g.r_limbs, g.prod);
        }
        r
    }

    /// a·b mod m, for a, b < m.
    fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
        let p = u128::from(a) * u128::from(b);
        rem_step((p >> 64) as u64, p as u64, m)
    }

    /// (hi·2^64 + lo) mod m, for hi < m.
    fn rem_step(hi: u64, lo: u64, m: u64) -> u64 {
        #[cfg(target_arch = "x86_64")]
        {
            crate::funcs::prime_x86::rem_step(hi, lo, m)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            (((u128::from(hi) << 64) | u128::from(lo)) % u128::from(m)) as u64
        }
    }

    /// Marks the window offsets k where start + 2k has a factor among `primes`, given
    /// r = start mod (their product): 2k ≡ -start (mod p), so k = u/2 for even u =
    /// -start mod p, else (u + p)/2.
    fn mark(composite: &mut [bool], r: u64, primes: &[u64]) {
        for &p in primes {
            let u = match r % p {
                0 => 0,
                t => p - t,
            };
            let mut k = (if u % 2 == 0 { u / 2 } else { (u + p) / 2 }) as usize;
            while let Some(c) = composite.get_mut(k) {
                *c = true;
                k += p as usize;
            }
        }
    }

    /// a < b for little-endian limbs.
    pub(crate) fn lt<const L: usize>(a: &[u64; L], b: &[u64; L]) -> bool {
        for i in (0..L).rev() {
            if a[i] != b[i] {
                return a[i] < b[i];
            }
        }
        false
    }

    /// a -= b for little-endian limbs (mod 2^(64L)).
    pub(crate) fn sub_assign<const L: usize>(a: &mut [u64; L], b: &[u64; L]) {
        let mut borrow = false;
        for i in 0..L {
            let (d, b1) = a[i].overflowing_sub(b[i]);
            let (d, b2) = d.overflowing_sub(u64::from(borrow));
            a[i] = d;
            borrow = b1 || b2;
        }
    }

    /// a += b for little-endian limbs (mod 2^(64L)); true when a carry leaves the top limb.
    fn add_assign<const L: usize>(a: &mut [u64; L], b: &[u64; L]) -> bool {
        let mut carry = false;
        for (x, &y) in a.iter_mut().zip(b) {
            let (s, c1) = x.overflowing_add(y);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            *x = s;
            carry = c1 || c2;
        }
        carry
    }

    /// Montgomery arithmetic modulo an odd `m` whose top bit is set (R = 2^(64L)).
    struct Mont<const L: usize> {
        m: [u64; L],
        /// -m^-1 mod 2^64.
        inv: u64,
        /// R mod m, the Montgomery form of 1.
        one: [u64; L],
        /// m - (R mod m), the Montgomery form of -1.
        minus_one: [u64; L],
        /// The BMI2/ADX code for [`Self::mul`] and [`Self::sqr`], when the CPU has it.
        #[cfg(target_arch = "x86_64")]
        adx: Option<crate::funcs::prime_x86::Adx>,
    }

    impl<const L: usize> Mont<L> {
        fn new(m: [u64; L]) -> Self {
            // Newton's iteration doubles the correct low bits each step: 1 → 64 in 6 steps.
            let mut x = 1u64;
            for _ in 0..6 {
                x = x.wrapping_mul(2u64.wrapping_sub(m[0].wrapping_mul(x)));
            }
            // m > R/2, so R mod m = R - m.
            let mut one = [0u64; L];
            sub_assign(&mut one, &m);
            let mut minus_one = m;
            sub_assign(&mut minus_one, &one);
            Mont {
                m,
                inv: x.wrapping_neg(),
                one,
                minus_one,
                #[cfg(target_arch = "x86_64")]
                adx: crate::funcs::prime_x86::Adx::detect(),
            }
        }

        /// The same Montgomery form on the portable path only (to test the fast one).
        #[cfg(all(test, target_arch = "x86_64"))]
        fn portable(&self) -> Self {
            Mont { adx: None, ..*self }
        }

        /// a·b·R⁻¹ mod m, for a, b < m (fully reduced, so every path gives the same limbs).
        fn mul(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
            #[cfg(target_arch = "x86_64")]
            if let Some(adx) = self.adx {
                return adx.mul(&self.m, self.inv, a, b);
            }
            self.mul_portable(a, b)
        }

        /// a²·R⁻¹ mod m, for a < m.
        fn sqr(&self, a: &[u64; L]) -> [u64; L] {
            #[cfg(target_arch = "x86_64")]
            if let Some(adx) = self.adx {
                return adx.sqr(&self.m, self.inv, a);
            }
            self.sqr_portable(a)
        }

        /// [`Self::mul`] in portable Rust (CIOS).
        fn mul_portable(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
            let m = &self.m;
            let mut t = [0u64; L];
            let mut hi = 0u64;
            for &ai in a {
                let ai = u128::from(ai);
                let mut c = 0u128;
                for (tj, &bj) in t.iter_mut().zip(b) {
                    let v = u128::from(*tj) + ai * u128::from(bj) + c;
                    *tj = v as u64;
                    c = v >> 64;
                }
                let v = u128::from(hi) + c;
                hi = v as u64;
                let hi2 = (v >> 64) as u64;
                let q = u128::from(t[0].wrapping_mul(self.inv));
                let mut c = (u128::from(t[0]) + q * u128::from(m[0])) >> 64;
                for j in 1..L {
                    let v = u128::from(t[j]) + q * u128::from(m[j]) + c;
                    t[j - 1] = v as u64;
                    c = v >> 64;
                }
                let v = u128::from(hi) + c;
                t[L - 1] = v as u64;
                hi = hi2 + (v >> 64) as u64;
            }
            if hi != 0 || !lt(&t, m) {
                sub_assign(&mut t, m);
            }
            t
        }

        /// [`Self::sqr`] in portable Rust: the square with each cross product computed once,
        /// then a separate Montgomery reduction (about 3/4 of the work of a multiplication).
        fn sqr_portable(&self, a: &[u64; L]) -> [u64; L] {
            const MAX: usize = 2 * 32 + 1;
            if 2 * L + 1 > MAX {
                return self.mul_portable(a, a);
            }
            let mut t = [0u64; MAX];
            for i in 0..L {
                let ai = u128::from(a[i]);
                let mut c = 0u128;
                for (tj, &aj) in t[2 * i + 1..i + L].iter_mut().zip(&a[i + 1..]) {
                    let v = u128::from(*tj) + ai * u128::from(aj) + c;
                    *tj = v as u64;
                    c = v >> 64;
                }
                t[i + L] = c as u64;
            }
            // Double the cross products, then add the diagonal squares.
            let mut top = 0u64;
            for x in t.iter_mut().take(2 * L) {
                let next = *x >> 63;
                *x = (*x << 1) | top;
                top = next;
            }
            let mut c = 0u128;
            for i in 0..L {
                let sq = u128::from(a[i]) * u128::from(a[i]);
                let v = u128::from(t[2 * i]) + (sq & u128::from(u64::MAX)) + c;
                t[2 * i] = v as u64;
                let v = u128::from(t[2 * i + 1]) + (sq >> 64) + (v >> 64);
                t[2 * i + 1] = v as u64;
                c = v >> 64;
            }
            // Montgomery reduction of the 2L-limb square.
            let m = &self.m;
            for i in 0..L {
                let q = u128::from(t[i].wrapping_mul(self.inv));
                let mut c = 0u128;
                for (tj, &mj) in t[i..i + L].iter_mut().zip(m) {
                    let v = u128::from(*tj) + q * u128::from(mj) + c;
                    *tj = v as u64;
                    c = v >> 64;
                }
                let mut k = i + L;
                while c != 0 && k < 2 * L + 1 {
                    let v = u128::from(t[k]) + c;
                    t[k] = v as u64;
                    c = v >> 64;
                    k += 1;
                }
            }
            let mut r = [0u64; L];
            r.copy_from_slice(&t[L..2 * L]);
            if t[2 * L] != 0 || !lt(&r, m) {
                sub_assign(&mut r, m);
            }
            r
        }

        /// 2a mod m, for a < m.
        fn double(&self, a: &[u64; L]) -> [u64; L] {
            let mut r = [0u64; L];
            let mut carry = 0u64;
            for i in 0..L {
                r[i] = (a[i] << 1) | carry;
                carry = a[i] >> 63;
            }
            if carry != 0 || !lt(&r, &self.m) {
                sub_assign(&mut r, &self.m);
            }
            r
        }

        /// Strong probable-prime test of m to the base whose Montgomery form is `base`
        /// (`None`: base 2, by squaring and doubling).
        fn strong_probable_prime(&self, base: Option<&[u64; L]>) -> bool {
            // m - 1 = d·2^s with d odd; m is odd, so bit 0 of m - 1 is clear.
            let s = (0..64 * L)
                .find(|&i| i > 0 && (self.m[i / 64] >> (i % 64)) & 1 == 1)
                .unwrap_or(1);
            let top = 64 * L - 1;
            let mut x = self.one;
            for i in (s..=top).rev() {
                x = self.sqr(&x);
                if (self.m[i / 64] >> (i % 64)) & 1 == 1 {
                    x = match base {
                        None => self.double(&x),
                        Some(b) => self.mul(&x, b),
                    };
                }
            }
            if x == self.one || x == self.minus_one {
                return true;
            }
            for _ in 1..s {
                x = self.sqr(&x);
                if x == self.minus_one {
                    return true;
                }
                if x == self.one {
                    return false;
                }
            }
            false
        }

        /// R² mod m, the factor that takes a number into Montgomery form: the Montgomery form
        /// of 2^(64L), by square-and-double over the bits of 64L from the form of 1 (about a
        /// dozen products, where doubling R mod m 64L times would take thousands of steps).
        fn r_squared(&self) -> [u64; L] {
            let e = 64 * L;
            let mut x = self.one;
            for i in (0..usize::BITS - e.leading_zeros()).rev() {
                x = self.sqr(&x);
                if (e >> i) & 1 == 1 {
                    x = self.double(&x);
                }
            }
            x
        }

        /// The Montgomery form of a random base in [2, m - 2]; `r2` is [`Self::r_squared`].
        fn random_base(&self, rng: &mut impl Rng, r2: &[u64; L]) -> [u64; L] {
            loop {
                let mut b = [0u64; L];
                for limb in b.iter_mut() {
                    *limb = rng.next_u64();
                }
                // Below m: its top limb is below m's.
                b[L - 1] %= self.m[L - 1];
                let small = b[1..].iter().all(|&x| x == 0) && b[0] < 2;
                let r = self.mul(&b, r2);
                if !small && r != self.minus_one {
                    return r;
                }
            }
        }
    }

    /// Arithmetic modulo an odd m of exactly 64·L bits, on [`Mont`]'s variable-time code
    /// (RSA signing with keys made here; see [`super::rsa_sign_crt`]).
    pub(crate) struct Modulus<const L: usize> {
        mont: Mont<L>,
        /// R² mod m.
        r2: [u64; L],
    }

    impl<const L: usize> Modulus<L> {
        /// `None` unless m is odd with its top bit set.
        pub(crate) fn new(m: [u64; L]) -> Option<Self> {
            if m[0] & 1 == 0 || m[L - 1] >> 63 == 0 {
                return None;
            }
            let mont = Mont::new(m);
            let r2 = mont.r_squared();
            Some(Modulus { mont, r2 })
        }

        /// x mod m for x of up to 2L limbs: hi·R + lo, each half first brought below m
        /// (a half is below R < 2m, so one subtraction does).
        pub(crate) fn reduce(&self, x: &[u64]) -> [u64; L] {
            let half = |from: usize| {
                let mut h = [0u64; L];
                for (d, s) in h.iter_mut().zip(x.iter().skip(from)) {
                    *d = *s;
                }
                if !lt(&h, &self.mont.m) {
                    sub_assign(&mut h, &self.mont.m);
                }
                h
            };
            let (lo, hi) = (half(0), half(L));
            let hi = self.mont.mul(&hi, &self.r2);
            self.add(&hi, &lo)
        }

        /// a + b mod m, for a, b < m.
        pub(crate) fn add(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
            let mut r = *a;
            let carry = add_assign(&mut r, b);
            // Below 2m: one subtraction (mod 2^(64L), which also absorbs the carry).
            if carry || !lt(&r, &self.mont.m) {
                sub_assign(&mut r, &self.mont.m);
            }
            r
        }

        /// a - b mod m, for a, b < m.
        pub(crate) fn sub(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
            let mut r = *a;
            sub_assign(&mut r, b);
            if lt(a, b) {
                // Wrapped below zero: adding m wraps back (mod 2^(64L)).
                add_assign(&mut r, &self.mont.m);
            }
            r
        }

        /// a·b mod m, for a, b < m.
        pub(crate) fn mul(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
            self.mont.mul(&self.mont.mul(a, b), &self.r2)
        }

        /// base^exp mod m for base < m (`exp` little-endian limbs), left to right with
        /// 5-bit sliding windows over the odd powers base, base³, …, base³¹.
        pub(crate) fn pow(&self, base: &[u64; L], exp: &[u64]) -> [u64; L] {
            const W: usize = 5;
            let mont = &self.mont;
            let b = mont.mul(base, &self.r2);
            let b2 = mont.sqr(&b);
            let mut odd = [b; 1 << (W - 1)];
            for k in 1..odd.len() {
                odd[k] = mont.mul(&odd[k - 1], &b2);
            }
            let bit = |i: usize| (exp[i / 64] >> (i % 64)) & 1 == 1;
            let mut x = mont.one;
            let mut i = 64 * exp.len();
            while i > 0 {
                let top = i - 1;
                if !bit(top) {
                    x = mont.sqr(&x);
                    i = top;
                    continue;
                }
                // The window top ..= j ends in a set bit, so its value is odd.
                let mut j = top.saturating_sub(W - 1);
                while !bit(j) {
                    j += 1;
                }
                let mut val = 0usize;
                for t in (j..=top).rev() {
                    x = mont.sqr(&x);
                    val = (val << 1) | usize::from(bit(t));
                }
                x = mont.mul(&x, &odd[val >> 1]);
                i = j;
            }
            let mut one = [0u64; L];
            one[0] = 1;
            mont.mul(&x, &one)
        }
    }

    /// A random probable prime of exactly 64·L bits with its two top bits set, as big-endian
    /// bytes, drawn from a ChaCha20 stream keyed by `seed`.
    ///
    /// The search is spread over the machine's cores (a 4096-bit key costs ~120 base-2 tests),
    /// yet the result depends on `seed` alone: it is the first candidate of the sieved
    /// sequence that passes, and each candidate's random bases come from its own stream.
    pub fn random<const L: usize>(seed: [u8; 32]) -> Vec<u8> {
        search::<L>(seed, true)
    }

    /// The two primes of one key: `[random(seeds[0]), random(seeds[1])]`, found sooner. With
    /// AVX-512 IFMA both searches share the cores: batches of the second are tested while the
    /// first's survivor takes its strong test (a 2048-bit one costs as much as a batch, and
    /// the other cores would otherwise test batches past the answer).
    pub fn random_pair<const L: usize>(seeds: [[u8; 32]; 2]) -> [Vec<u8>; 2] {
        #[cfg(target_arch = "x86_64")]
        if let Some(ifma) = crate::funcs::prime_x86::Ifma::detect() {
            return pair::<L>(ifma, seeds);
        }
        seeds.map(random::<L>)
    }

    /// The candidates of the next sieve window of the stream `rng` (window numbers count
    /// from 1): odd numbers start + 2k with no factor below the table's bound, in order.
    fn sieve_window<const L: usize>(
        rng: &mut ChaCha20Rng,
        composite: &mut [bool; WINDOW],
    ) -> Vec<[u64; L]> {
        let mut out = Vec::new();
        sieve_window_into(rng, composite, &mut out);
        out
    }

    /// [`sieve_window`] into `out` (cleared first): with a capacity of [`WINDOW`] it does
    /// not allocate, so a search thread can sieve without starting an allocator heap.
    fn sieve_window_into<const L: usize>(
        rng: &mut ChaCha20Rng,
        composite: &mut [bool; WINDOW],
        out: &mut Vec<[u64; L]>,
    ) {
        let mut start = [0u64; L];
        for limb in start.iter_mut() {
            *limb = rng.next_u64();
        }
        start[L - 1] |= 0b11 << 62;
        start[0] |= 1;
        // Mark window offsets k where start + 2k has a small factor p:
        // 2k ≡ -start (mod p), i.e. k ≡ (p - start mod p)·(p+1)/2.
        composite.fill(false);
        let table = groups(L);
        for eight in table.groups.chunks(8) {
            let rs = residues(&start, table, eight);
            for (&r, g) in rs.iter().zip(eight) {
                mark(composite, r, &g.primes);
            }
        }
        out.clear();
        out.extend(
            composite
                .iter()
                .enumerate()
                .filter(|(_, &c)| !c)
                .map_while(|(k, _)| {
                    let mut cand = start;
                    let mut add = 2 * k as u64;
                    for limb in cand.iter_mut() {
                        let (v, o) = limb.overflowing_add(add);
                        *limb = v;
                        add = u64::from(o);
                    }
                    (add == 0).then_some(cand)
                }),
        );
    }

    /// Whether candidate `i` of window `window` of the search keyed by `seed` passes: base
    /// 2, then [`random_rounds`] random bases from the candidate's own stream. `vector`:
    /// all bases in one IFMA run where the CPU has it (the same answer).
    fn passes<const L: usize>(
        seed: [u8; 32],
        window: u64,
        i: usize,
        cand: [u64; L],
        vector: bool,
    ) -> bool {
        let mont = Mont::new(cand);
        let bases = || {
            let mut rng = ChaCha20Rng::from_seed(seed);
            rng.set_stream((window << 32) | (i as u64 + 1));
            rng
        };
        #[cfg(target_arch = "x86_64")]
        if let Some(ifma) = crate::funcs::prime_x86::Ifma::detect().filter(|_| vector) {
            // Base 2 and all random bases in one vector run: the same answer as the
            // sequence below, which stops at the first failure.
            // On the stack: search threads do not allocate (see `pair`).
            let mut rng = bases();
            let r2 = mont.r_squared();
            let n = 1 + random_rounds(L);
            let mut all = [[0u64; L]; crate::funcs::prime_x86::LANES];
            all[0] = mont.double(&mont.one);
            for b in &mut all[1..n] {
                *b = mont.random_base(&mut rng, &r2);
            }
            if let Some(ok) = ifma.strong(&mont.m, &all[..n]) {
                return ok.count_ones() as usize == n;
            }
        }
        if !mont.strong_probable_prime(None) {
            return false;
        }
        let mut bases = bases();
        let r2 = mont.r_squared();
        (0..random_rounds(L)).all(|_| {
            let b = mont.random_base(&mut bases, &r2);
            mont.strong_probable_prime(Some(&b))
        })
    }

    fn to_be<const L: usize>(x: &[u64; L]) -> Vec<u8> {
        x.iter().rev().flat_map(|l| l.to_be_bytes()).collect()
    }

    /// [`random`], with the vector pre-test allowed or not (`false` tests the other path).
    fn search<const L: usize>(seed: [u8; 32], vector: bool) -> Vec<u8> {
        search_from::<L>(seed, vector, 1)
    }

    /// [`search`] from window `first` on: the windows before it are drawn but not tested
    /// (the caller knows they hold no prime).
    fn search_from<const L: usize>(seed: [u8; 32], vector: bool, first: u64) -> Vec<u8> {
        let mut rng = ChaCha20Rng::from_seed(seed);
        let mut composite = Box::new([false; WINDOW]);
        let mut window = 0u64;
        loop {
            window += 1;
            let cands = sieve_window::<L>(&mut rng, &mut composite);
            if window < first {
                continue;
            }
            let test = |i: usize| passes(seed, window, i, cands[i], vector);
            if let Some(i) = first_passing_in(&cands, vector, &test) {
                return to_be(&cands[i]);
            }
        }
    }

    /// [`random_pair`] on the IFMA kernels. The first windows of both searches form one
    /// queue of eight-candidate batches, the first search's before the second's; every core
    /// takes the next batch in turn and skips those past a known Fermat survivor of their
    /// search, so the cores move on to the second search while the first's survivor takes
    /// its strong test. The answer of a search is its least survivor that passes, with every
    /// batch below it tested, as in [`search`]. A search whose first window holds no prime,
    /// or whose survivor fails the strong test (a base-2 pseudoprime: not seen in practice),
    /// is done again by [`search`], so the result never depends on scheduling.
    #[cfg(target_arch = "x86_64")]
    fn pair<const L: usize>(
        ifma: crate::funcs::prime_x86::Ifma,
        seeds: [[u8; 32]; 2],
    ) -> [Vec<u8>; 2] {
        use crate::funcs::prime_x86::LANES;
        use std::sync::atomic::AtomicBool;
        // The two first windows are sieved side by side as the threads start, the second
        // search's by the second thread to start, into buffers allocated here: a thread
        // that allocates starts its own allocator heap, whose first block zeroes a fresh
        // 2 MiB huge page (a chart making ten 2048-bit keys touched 7.4 huge pages per run
        // with allocating search threads, 5 without).
        let spares = [(); 2].map(|_| {
            std::sync::Mutex::new(Some((
                Box::new([false; WINDOW]),
                Vec::with_capacity(WINDOW),
            )))
        });
        let cands_of = |j: usize| {
            let (mut composite, mut out) = spares[j]
                .lock()
                .ok()
                .and_then(|mut s| s.take())
                .unwrap_or_else(|| (Box::new([false; WINDOW]), Vec::new()));
            let mut rng = ChaCha20Rng::from_seed(seeds[j]);
            sieve_window_into::<L>(&mut rng, &mut composite, &mut out);
            out
        };
        let windows: [OnceLock<Vec<[u64; L]>>; 2] = [OnceLock::new(), OnceLock::new()];
        let window = |j: usize| windows[j].get_or_init(|| cands_of(j));
        let started = AtomicUsize::new(0);
        // Per search: least known Fermat survivor, least confirmed prime, and whether the
        // exact sequential search must decide it.
        let survivor = [AtomicUsize::new(usize::MAX), AtomicUsize::new(usize::MAX)];
        let found = [AtomicUsize::new(usize::MAX), AtomicUsize::new(usize::MAX)];
        let redo = [AtomicBool::new(false), AtomicBool::new(false)];
        let next = AtomicUsize::new(0);
        let work = || {
            if started.fetch_add(1, Ordering::Relaxed) == 1 {
                window(1);
            }
            let first = window(0);
            let n0 = first.len().div_ceil(LANES);
            loop {
                let t = next.fetch_add(1, Ordering::Relaxed);
                let (j, b, cands) = if t < n0 {
                    (0, t, first)
                } else {
                    let c = window(1);
                    if (t - n0) * LANES >= c.len() {
                        return;
                    }
                    (1, t - n0, c)
                };
                let lo = b * LANES;
                if lo > survivor[j].load(Ordering::Acquire) {
                    continue;
                }
                let batch = &cands[lo..cands.len().min(lo + LANES)];
                let Some(pass) = ifma.fermat2(batch) else {
                    redo[j].store(true, Ordering::Relaxed);
                    continue;
                };
                if pass == 0 {
                    continue;
                }
                let i = lo + pass.trailing_zeros() as usize;
                survivor[j].fetch_min(i, Ordering::AcqRel);
                if passes(seeds[j], 1, i, cands[i], true) {
                    found[j].fetch_min(i, Ordering::AcqRel);
                } else {
                    redo[j].store(true, Ordering::Relaxed);
                }
            }
        };
        run_on_cores(&work);
        let mut out = [Vec::new(), Vec::new()];
        for (j, cands) in [window(0), window(1)].into_iter().enumerate() {
            let i = found[j].load(Ordering::Relaxed);
            out[j] = if redo[j].load(Ordering::Relaxed) || i != survivor[j].load(Ordering::Relaxed)
            {
                // A survivor failed its strong test (or a batch had no kernel): decide exactly.
                search_from::<L>(seeds[j], true, 1)
            } else if i < cands.len() {
                to_be(&cands[i])
            } else {
                // Every batch of the first window tested, no survivor: go on from the second.
                search_from::<L>(seeds[j], true, 2)
            };
        }
        out
    }

    /// The least `i` with `passes(i)` among `cands`. With AVX-512 IFMA, batches of eight
    /// candidates first take a vector base-2 Fermat test, and only its survivors take
    /// `passes` (a composite failing Fermat also fails the strong test, so the answer is the
    /// same, just found sooner).
    fn first_passing_in<const L: usize>(
        cands: &[[u64; L]],
        vector: bool,
        passes: &(impl Fn(usize) -> bool + Sync),
    ) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(ifma) = crate::funcs::prime_x86::Ifma::detect().filter(|_| vector) {
            use crate::funcs::prime_x86::LANES;
            return first_passing(cands.len(), LANES, &|r: Range<usize>| {
                // None: no kernel for this size; every candidate takes the exact test.
                let survivors = ifma.fermat2(&cands[r.clone()]).unwrap_or(u8::MAX);
                let lo = r.start;
                r.into_iter()
                    .find(|&i| (survivors >> (i - lo)) & 1 == 1 && passes(i))
            });
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = vector;
        first_passing(cands.len(), 1, &|r: Range<usize>| {
            r.into_iter().find(|&i| passes(i))
        })
    }

    /// The least index below `n` that `test` finds, testing on every core: the indices are
    /// cut into chunks of `chunk`, `test(range)` returns the least hit in a chunk, worker `t`
    /// takes chunks `t`, `t + w`, … and stops at its first hit or once a lower hit is known,
    /// so every chunk below the answer has been tested and the answer does not depend on
    /// scheduling.
    fn first_passing(
        n: usize,
        chunk: usize,
        test: &(impl Fn(Range<usize>) -> Option<usize> + Sync),
    ) -> Option<usize> {
        let w = workers();
        let chunk = chunk.max(1);
        let chunks = n.div_ceil(chunk);
        let range = |c: usize| c * chunk..n.min((c + 1) * chunk);
        let best = AtomicUsize::new(usize::MAX);
        let work = |t: usize| {
            for c in (t..chunks).step_by(w) {
                if c * chunk > best.load(Ordering::Relaxed) {
                    return;
                }
                if let Some(i) = test(range(c)) {
                    best.fetch_min(i, Ordering::Relaxed);
                    return;
                }
            }
        };
        std::thread::scope(|s| {
            for t in 1..w {
                // A thread that cannot be started leaves its share to the caller below.
                if std::thread::Builder::new()
                    .spawn_scoped(s, move || work(t))
                    .is_err()
                {
                    for c in (t..chunks).step_by(w) {
                        if let Some(i) = test(range(c)) {
                            best.fetch_min(i, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            }
            work(0);
        });
        let b = best.into_inner();
        (b != usize::MAX).then_some(b)
    }

    /// Threads a search runs on: the CPUs this process may use, at most 8 (asked once).
    fn workers() -> usize {
        static WORKERS: OnceLock<usize> = OnceLock::new();
        *WORKERS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
    }

    /// Runs `work` on [`workers`] threads, the caller's included, until every one returns.
    #[cfg(target_arch = "x86_64")]
    fn run_on_cores(work: &(impl Fn() + Sync)) {
        std::thread::scope(|s| {
            for _ in 1..workers() {
                // A thread that cannot be started leaves its share to the others.
                let _ = std::thread::Builder::new().spawn_scoped(s, work);
            }
            work();
        });
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn rng(n: u8) -> ChaCha20Rng {
            ChaCha20Rng::from_seed([n; 32])
        }

        #[test]
        fn known_primes_and_composites() {
            // 2^128 - 159 is the largest 128-bit prime.
            let p = [u64::MAX - 158, u64::MAX];
            assert!(Mont::new(p).strong_probable_prime(None));
            let mut h = rng(1);
            let mp = Mont::new(p);
            let r2 = mp.r_squared();
            for _ in 0..5 {
                let b = mp.random_base(&mut h, &r2);
                assert!(mp.strong_probable_prime(Some(&b)));
            }
            // 2^128 - 157 is divisible by 3; 2^128 - 1 = 3·5·17·257·641·65537·….
            assert!(!Mont::new([u64::MAX - 156, u64::MAX]).strong_probable_prime(None));
            assert!(!Mont::new([u64::MAX, u64::MAX]).strong_probable_prime(None));
        }

        #[test]
        fn square_agrees_with_multiply() {
            let mut h = rng(2);
            for _ in 0..50 {
                let mut m = [0u64; 4];
                for l in m.iter_mut() {
                    *l = h.next_u64();
                }
                m[3] |= 1 << 63;
                m[0] |= 1;
                let mont = Mont::new(m);
                let mut a = [0u64; 4];
                for l in a.iter_mut() {
                    *l = h.next_u64();
                }
                a[3] %= m[3];
                assert_eq!(mont.sqr(&a), mont.mul(&a, &a));
                let top = mont.minus_one;
                assert_eq!(mont.sqr(&top), mont.mul(&top, &top));
            }
        }

        /// CPU time of one base-2 strong test (the per-candidate cost of the search), ours
        /// against `crypto_primes` (which the `rsa` crate uses):
        /// `cargo test --release -p chartgate-gotpl mr_cost -- --ignored --nocapture`.
        #[test]
        #[ignore]
        fn mr_cost() {
            fn run<const L: usize>(seed: u8, n: u32) {
                let be = random::<L>([seed; 32]);
                let mut m = [0u64; L];
                for (i, c) in be.rchunks(8).enumerate() {
                    m[i] = u64::from_be_bytes(c.try_into().unwrap());
                }
                let mont = Mont::new(m);
                let cpu = crate::funcs::certs::tests::cpu_time;
                let t = cpu();
                for _ in 0..n {
                    assert!(mont.strong_probable_prime(None));
                }
                let ours = (cpu() - t) / n;
                let big = crypto_bigint::BoxedUint::from_be_slice(&be, 64 * L as u32).unwrap();
                let odd = crypto_bigint::Odd::new(big).unwrap();
                let t = cpu();
                for _ in 0..n {
                    let mr = crypto_primes::hazmat::MillerRabin::new(odd.clone());
                    assert!(!mr.test_base_two().is_composite());
                }
                let theirs = (cpu() - t) / n;
                eprintln!("{} bits: ours {ours:?}, crypto_primes {theirs:?}", 64 * L);
            }
            run::<16>(3, 400);
            run::<32>(4, 60);
        }

        /// R² mod m by square-and-double equals R mod m doubled 64L more times, on both paths,
        /// for odd moduli with the top bit set (random, and all-ones upper limbs).
        fn r_squared_by_doubling<const L: usize>(seed: u8) {
            let mut h = rng(seed);
            for k in 0..6 {
                let mut m = [0u64; L];
                for l in m.iter_mut() {
                    *l = if k < 4 { h.next_u64() } else { u64::MAX };
                }
                m[0] |= 1;
                m[0] -= 2 * (k as u64 % 2);
                m[L - 1] |= 1 << 63;
                let mont = Mont::new(m);
                let mut want = mont.one;
                for _ in 0..64 * L {
                    want = mont.double(&want);
                }
                assert_eq!(mont.r_squared(), want, "L={L}, modulus {k}");
                #[cfg(target_arch = "x86_64")]
                assert_eq!(mont.portable().r_squared(), want, "L={L}, modulus {k}");
            }
        }

        #[test]
        fn r_squared_matches_doubling() {
            r_squared_by_doubling::<2>(1);
            r_squared_by_doubling::<16>(2);
            r_squared_by_doubling::<32>(3);
        }

        /// The shared search of a key's two primes finds exactly the primes of two separate
        /// searches, whatever the scheduling.
        #[test]
        fn pair_matches_separate_searches() {
            for seed in 0..6u8 {
                let seeds = [[seed; 32], [seed.wrapping_add(100); 32]];
                assert_eq!(
                    random_pair::<16>(seeds),
                    seeds.map(random::<16>),
                    "seed {seed}"
                );
            }
            let seeds = [[41; 32], [42; 32]];
            assert_eq!(random_pair::<32>(seeds), seeds.map(random::<32>));
            // No kernel for this size: every batch is redone by the exact search.
            let seeds = [[1; 32], [2; 32]];
            assert_eq!(random_pair::<2>(seeds), seeds.map(random::<2>));
        }

        /// A search from the second window takes the first passing candidate of that window
        /// (the first window drawn, as the stream demands, but not tested).
        #[test]
        fn search_from_skips_windows() {
            let seed = [7; 32];
            let mut rng = ChaCha20Rng::from_seed(seed);
            let mut composite = Box::new([false; WINDOW]);
            let _ = sieve_window::<16>(&mut rng, &mut composite);
            let second = sieve_window::<16>(&mut rng, &mut composite);
            let i = (0..second.len())
                .find(|&i| passes(seed, 2, i, second[i], false))
                .expect("a prime in the window");
            assert_eq!(search_from::<16>(seed, true, 2), to_be(&second[i]));
            assert_ne!(search_from::<16>(seed, true, 2), random::<16>(seed));
        }

        #[test]
        fn random_primes_pass_bpsw() {
            for seed in 0..3 {
                let be = random::<16>([seed; 32]);
                assert_eq!(be.len(), 128);
                assert_eq!(be[0] >> 6, 0b11);
                let p = crypto_bigint::BoxedUint::from_be_slice(&be, 1024).unwrap();
                assert!(crypto_primes::is_prime(crypto_primes::Flavor::Any, &p));
                // The parallel search gives the same prime for the same seed.
                assert_eq!(random::<16>([seed; 32]), be);
            }
            assert_ne!(random::<16>([7; 32]), random::<16>([8; 32]));
        }

        /// The BMI2/ADX path against the portable one on random and edge operands: a, b
        /// random below m; 0, 1, m - 1, R mod m and m - (R mod m); moduli random (odd, top
        /// bit set) or with all-ones upper limbs (R mod m tiny, reductions carry far).
        #[cfg(target_arch = "x86_64")]
        fn fast_matches_portable<const L: usize>(seed: u8, moduli: usize) {
            let mut h = rng(seed);
            for k in 0..moduli {
                let mut m = [0u64; L];
                for l in m.iter_mut() {
                    *l = h.next_u64();
                }
                if k % 5 == 1 {
                    m[1..].fill(u64::MAX);
                }
                m[L - 1] |= 1 << 63;
                m[0] |= 1;
                let fast = Mont::new(m);
                if fast.adx.is_none() {
                    eprintln!("no BMI2/ADX on this CPU: only the portable path is tested");
                    return;
                }
                let slow = fast.portable();
                let mut vals = vec![[0u64; L]; 5];
                vals[1][0] = 1;
                vals[2] = m;
                vals[2][0] -= 1;
                vals[3] = fast.one;
                vals[4] = fast.minus_one;
                for _ in 0..4 {
                    let mut a = [0u64; L];
                    for l in a.iter_mut() {
                        *l = h.next_u64();
                    }
                    a[L - 1] %= m[L - 1];
                    vals.push(a);
                }
                for x in &vals {
                    assert_eq!(fast.sqr(x), slow.sqr(x), "sqr, L={L}, m={m:x?}, a={x:x?}");
                    for y in &vals {
                        let want = slow.mul(x, y);
                        assert_eq!(fast.mul(x, y), want, "mul, L={L}, m={m:x?}");
                    }
                }
                // Chains of squarings (the exponentiation's pattern) stay in step.
                let (mut x, mut y) = (vals[5], vals[5]);
                for _ in 0..20 {
                    x = fast.sqr(&x);
                    y = slow.sqr(&y);
                }
                assert_eq!(x, y);
                assert_eq!(
                    fast.strong_probable_prime(None),
                    slow.strong_probable_prime(None)
                );
            }
        }

        #[test]
        #[cfg(target_arch = "x86_64")]
        fn adx_matches_portable() {
            fast_matches_portable::<1>(10, 200);
            fast_matches_portable::<2>(11, 200);
            fast_matches_portable::<5>(12, 100);
            fast_matches_portable::<16>(13, 100);
            fast_matches_portable::<32>(14, 40);
        }

        #[test]
        #[cfg(target_arch = "x86_64")]
        fn adx_strong_test_on_a_known_prime() {
            // The search's 1024-bit prime for seed 5, tested with both paths and all bases.
            let be = random::<16>([5; 32]);
            let mut m = [0u64; 16];
            for (i, c) in be.rchunks(8).enumerate() {
                m[i] = u64::from_be_bytes(c.try_into().unwrap());
            }
            let fast = Mont::new(m);
            let slow = fast.portable();
            let mut h = rng(6);
            let r2 = slow.r_squared();
            for _ in 0..3 {
                let b = slow.random_base(&mut h, &r2);
                assert!(fast.strong_probable_prime(Some(&b)));
                assert!(slow.strong_probable_prime(Some(&b)));
            }
        }

        /// 2^(m-1) ≡ 1 (mod m), on the portable path.
        #[cfg(target_arch = "x86_64")]
        fn fermat_portable<const L: usize>(m: &[u64; L]) -> bool {
            let mont = Mont::new(*m).portable();
            let mut x = mont.one;
            for i in (1..64 * L).rev() {
                x = mont.sqr(&x);
                if (m[i / 64] >> (i % 64)) & 1 == 1 {
                    x = mont.double(&x);
                }
            }
            x == mont.one
        }

        /// The IFMA batch test against the portable one, batches of 1 to 8 with primes in
        /// varying lanes (the vector kernel must not mix lanes up).
        #[cfg(target_arch = "x86_64")]
        fn ifma_matches_portable<const L: usize>(seed: u8, batches: usize) {
            let Some(ifma) = crate::funcs::prime_x86::Ifma::detect() else {
                eprintln!("no AVX-512 IFMA on this CPU: only the portable path is tested");
                return;
            };
            let to_limbs = |be: Vec<u8>| {
                let mut m = [0u64; L];
                for (i, c) in be.rchunks(8).enumerate() {
                    m[i] = u64::from_be_bytes(c.try_into().unwrap());
                }
                m
            };
            let primes = [
                to_limbs(random::<L>([seed; 32])),
                to_limbs(random::<L>([seed + 1; 32])),
            ];
            let mut h = rng(seed);
            for b in 0..batches {
                let n = 1 + b % 8;
                let mut ms = vec![[0u64; L]; n];
                for m in ms.iter_mut() {
                    for l in m.iter_mut() {
                        *l = h.next_u64();
                    }
                    m[L - 1] |= 1 << 63;
                    m[0] |= 1;
                }
                ms[b % n] = primes[b % 2];
                if n > 3 {
                    ms[(b + 2) % n] = primes[(b + 1) % 2];
                }
                let want = ms
                    .iter()
                    .enumerate()
                    .fold(0u8, |acc, (k, m)| acc | (u8::from(fermat_portable(m)) << k));
                assert_eq!(ifma.fermat2(&ms), Some(want), "L={L}, batch {b}");
                assert_ne!(want, 0);
            }
            // Sizes without a kernel, empty or oversized batches and even moduli: no answer.
            assert_eq!(ifma.fermat2::<L>(&[]), None);
            assert_eq!(ifma.fermat2(&[primes[0]; 9]), None);
            let mut even = primes[0];
            even[0] -= 1;
            assert_eq!(ifma.fermat2(&[even]), None);
            assert_eq!(ifma.fermat2(&[[u64::MAX - 158, u64::MAX]]), None);
        }

        /// Wall time of one vector batch (eight moduli) of the base-2 Fermat kernel and of a
        /// strong test to eight bases:
        /// `cargo test --release -p chartgate-gotpl ifma_cost -- --ignored --nocapture`.
        #[cfg(target_arch = "x86_64")]
        #[test]
        #[ignore]
        fn ifma_cost() {
            fn run<const L: usize>(n: u32) {
                let Some(ifma) = crate::funcs::prime_x86::Ifma::detect() else {
                    return;
                };
                let mut h = rng(9);
                let mut ms = [[0u64; L]; 8];
                for m in ms.iter_mut() {
                    for l in m.iter_mut() {
                        *l = h.next_u64();
                    }
                    m[L - 1] |= 1 << 63;
                    m[0] |= 1;
                }
                let t = std::time::Instant::now();
                for _ in 0..n {
                    std::hint::black_box(ifma.fermat2(std::hint::black_box(&ms)));
                }
                let fermat = t.elapsed() / n;
                let bases: Vec<[u64; L]> = (0..8).map(|k| ms[k % 7 + 1].map(|l| l >> 1)).collect();
                let t = std::time::Instant::now();
                for _ in 0..n {
                    std::hint::black_box(ifma.strong(&ms[0], std::hint::black_box(&bases)));
                }
                let strong = t.elapsed() / n;
                eprintln!(
                    "{} bits: fermat2 batch {fermat:?}, strong batch {strong:?}",
                    64 * L
                );
            }
            run::<16>(400);
            run::<32>(100);
        }

        /// The IFMA strong test (8 bases of one modulus) against the portable one: primes
        /// (found with bases passing at step 0 or on a later -1) and composites, moduli with
        /// s = 1 or s = 64L - 2 and 64L - 1 squarings, bases 0, 1, 2, -1 and random ones.
        #[cfg(target_arch = "x86_64")]
        fn ifma_strong_matches_portable<const L: usize>(seed: u8, moduli: usize) {
            let Some(ifma) = crate::funcs::prime_x86::Ifma::detect() else {
                eprintln!("no AVX-512 IFMA on this CPU: only the portable path is tested");
                return;
            };
            let mut h = rng(seed);
            let mut ms = Vec::new();
            for k in 0..moduli {
                let mut m = [0u64; L];
                if k < 4 {
                    let be = random::<L>([seed + k as u8; 32]);
                    for (i, c) in be.rchunks(8).enumerate() {
                        m[i] = u64::from_be_bytes(c.try_into().unwrap());
                    }
                } else {
                    for l in m.iter_mut() {
                        *l = h.next_u64();
                    }
                }
                m[L - 1] |= 1 << 63;
                m[0] |= 1;
                ms.push(m);
            }
            let mut m = [0u64; L];
            m[L - 1] = 0b11 << 62;
            m[0] = 1;
            ms.push(m);
            m[L - 1] = 1 << 63;
            ms.push(m);
            let mut seen_pass = false;
            for m in &ms {
                let mont = Mont::new(*m).portable();
                let mut bases = vec![[0u64; L], mont.one, mont.double(&mont.one), mont.minus_one];
                let r2 = mont.r_squared();
                while bases.len() < 8 {
                    bases.push(mont.random_base(&mut h, &r2));
                }
                let want = bases.iter().enumerate().fold(0u8, |acc, (k, b)| {
                    acc | (u8::from(mont.strong_probable_prime(Some(b))) << k)
                });
                seen_pass |= want == 0b1111_1110;
                for n in [8, 5, 1] {
                    let got = ifma.strong(m, &bases[8 - n..]);
                    assert_eq!(got, Some(want >> (8 - n)), "L={L}, m={m:x?}, n={n}");
                }
            }
            assert!(seen_pass);
            assert_eq!(ifma.strong::<L>(&ms[0], &[]), None);
            assert_eq!(ifma.strong(&ms[0], &[ms[0]]), None);
        }

        #[test]
        #[cfg(target_arch = "x86_64")]
        fn ifma_strong_test_matches_portable() {
            ifma_strong_matches_portable::<16>(30, 12);
            ifma_strong_matches_portable::<32>(40, 6);
        }

        #[test]
        #[cfg(target_arch = "x86_64")]
        fn ifma_fermat_matches_portable() {
            ifma_matches_portable::<16>(20, 16);
            ifma_matches_portable::<32>(22, 4);
        }

        /// The primes of fixed seeds, as computed by the portable code before the x86 kernels
        /// existed: rendered keys for a `--seed` must never change.
        #[test]
        fn random_primes_are_stable() {
            let p16 = random::<16>([9; 32]);
            assert_eq!(hex(&p16[..8]), "dd6a9820c4e15e9a");
            assert_eq!(hex(&p16[120..]), "92a4c7df8069aad5");
            let p32 = random::<32>([9; 32]);
            assert_eq!(hex(&p32[..8]), "f1e133fd0e0d1e83");
            assert_eq!(hex(&p32[248..]), "92a4c7df8069af47");
            // Without the vector pre-test (one candidate per chunk) too.
            assert_eq!(search::<16>([9; 32], false), p16);
            assert_eq!(search::<32>([9; 32], false), p32);
        }

        fn hex(b: &[u8]) -> String {
            b.iter().map(|x| format!("{x:02x}")).collect()
        }

        #[test]
        fn group_residues_and_marks() {
            let mut h = rng(51);
            for limbs in [16, 32] {
                let table = groups(limbs);
                assert_eq!(table.limbs, limbs);
                // The first groups (many small primes), the last (a few near 2^16 or 2^20),
                // and x of the table's length (Montgomery steps) or not (division).
                let n = table.groups.len();
                for eight in [
                    &table.groups[..8],
                    &table.groups[n - 8..],
                    &table.groups[n - 3..],
                ] {
                    for len in [limbs, limbs - 1, 3] {
                        for k in 0..20 {
                            let mut x: Vec<u64> = (0..len).map(|_| h.next_u64()).collect();
                            if k == 0 {
                                x.fill(u64::MAX);
                            } else if k == 1 {
                                x.fill(0);
                            }
                            let want: Vec<u64> = eight.iter().map(|g| rem(&x, g.prod)).collect();
                            let got = residues(&x, table, eight);
                            assert_eq!(&got[..eight.len()], &want[..], "limbs {limbs}, len {len}");
                        }
                    }
                }
                for g in &table.groups {
                    assert_eq!(g.primes.iter().product::<u64>(), g.prod);
                }
            }
            // mark's offsets: the smallest k ≥ 0 with p | r + 2k, as before.
            for _ in 0..2000 {
                let r = h.next_u64();
                let p = [3u64, 5, 7, 65521, 1048573][(r % 5) as usize];
                let mut comp = vec![false; 4 * p as usize];
                mark(&mut comp, r, &[p]);
                let old = ((p - r % p) % p * p.div_ceil(2) % p) as usize;
                let first = comp.iter().position(|&c| c).unwrap();
                assert_eq!(first, old);
                assert_eq!((u128::from(r) + 2 * first as u128) % u128::from(p), 0);
            }
        }

        #[test]
        fn remainders_match_u128() {
            let mut h = rng(50);
            for k in 0..500 {
                let x: Vec<u64> = (0..1 + k % 33).map(|_| h.next_u64()).collect();
                let m = match k % 4 {
                    0 => 3,
                    1 => u64::MAX - k as u64,
                    _ => h.next_u64() >> (k % 60) | 1,
                };
                let want = x
                    .iter()
                    .rev()
                    .fold(0u128, |r, &l| ((r << 64) | u128::from(l)) % u128::from(m));
                assert_eq!(u128::from(rem(&x, m)), want, "{x:x?} mod {m}");
            }
            #[cfg(target_arch = "x86_64")]
            {
                use crate::funcs::prime_x86::rem_step;
                assert_eq!(rem_step(5, 7, 3), (((5u128 << 64) | 7) % 3) as u64);
                assert_eq!(rem_step(u64::MAX - 1, u64::MAX, u64::MAX), u64::MAX - 1);
            }
        }

        #[test]
        fn first_passing_is_the_least_hit() {
            let hits = [5usize, 6, 40, 41];
            for chunk in [0, 1, 3, 8] {
                for n in [0, 1, 5, 6, 7, 100] {
                    let want = hits.iter().copied().find(|&h| h < n);
                    let test = |r: Range<usize>| r.into_iter().find(|i| hits.contains(i));
                    assert_eq!(first_passing(n, chunk, &test), want, "chunk {chunk}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::c_testutil::{call_with, TestHost};

    fn field(v: &Value, f: &str) -> String {
        match v {
            Value::Object(o) => match o.field(f) {
                Some(Ok(Value::Str(s))) => s.to_string(),
                _ => panic!("no field {f}"),
            },
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn ca_and_signed_cert_shapes() {
        let mut h = TestHost::default();
        let ca = call_with(&mut h, FUNCS, "genCA", &["my-ca".into(), Value::Int(365)]).unwrap();
        let cert = field(&ca, "Cert");
        let key = field(&ca, "Key");
        assert!(cert.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        // helm's 2048-bit RSA keys are 27 PEM lines (25 of base64).
        assert_eq!(key.lines().count(), 27);
        let (_, der) = pem_decode(&cert).unwrap();
        let parsed = parse_cert(&der).unwrap();
        assert_eq!(parsed.subject, name("my-ca"));
        assert_eq!(parsed.skid.as_ref().map(Vec::len), Some(20));
        let ips = Value::list(vec!["10.0.0.1".into()]);
        let dns = Value::list(vec!["svc.ns.svc".into()]);
        let leaf = call_with(
            &mut h,
            FUNCS,
            "genSignedCert",
            &["svc".into(), ips, dns, Value::Int(365), ca.clone()],
        )
        .unwrap();
        if let Ok(dir) = std::env::var("C_DUMP_CERTS") {
            // For `openssl verify -CAfile ca.pem leaf.pem` and `openssl rsa -check`.
            let _ = std::fs::write(format!("{dir}/ca.pem"), &cert);
            let _ = std::fs::write(format!("{dir}/ca-key.pem"), &key);
            let _ = std::fs::write(format!("{dir}/leaf.pem"), field(&leaf, "Cert"));
            let _ = std::fs::write(format!("{dir}/leaf-key.pem"), field(&leaf, "Key"));
        }
        let (_, der) = pem_decode(&field(&leaf, "Cert")).unwrap();
        let p = parse_cert(&der).unwrap();
        assert_eq!(p.subject, name("svc"));
        assert!(p.skid.is_none());
        // The leaf names the CA as issuer and carries the CA's key id.
        let (_, _, c, _) = read_tlv(&der).unwrap();
        let (_, _, tbs, _) = read_tlv(c).unwrap();
        assert!(tbs
            .windows(parsed.subject.len())
            .any(|w| w == parsed.subject));
        let akid = parsed.skid.unwrap();
        assert!(tbs.windows(akid.len()).any(|w| w == akid.as_slice()));
    }

    #[test]
    fn private_keys_round_trip() {
        let mut h = TestHost::default();
        for kind in ["ecdsa", "ed25519"] {
            let v = call_with(&mut h, FUNCS, "genPrivateKey", &[kind.into()]).unwrap();
            let pem_text = v.as_str().unwrap().to_string();
            let parsed = parse_key(&pem_text).unwrap();
            assert_eq!(parsed.pem().unwrap(), pem_text);
            let c = call_with(
                &mut h,
                FUNCS,
                "genSelfSignedCertWithKey",
                &[
                    "x".into(),
                    Value::Nil,
                    Value::list(vec!["a.example".into()]),
                    Value::Int(1),
                    pem_text.as_str().into(),
                ],
            )
            .unwrap();
            assert_eq!(field(&c, "Key"), pem_text);
        }
        // Line counts as helm prints them: EC key 5 lines, Ed25519 key 3 lines.
        let ec = call_with(&mut h, FUNCS, "genPrivateKey", &["ecdsa".into()]).unwrap();
        assert_eq!(ec.as_str().unwrap().lines().count(), 5);
        let ed = call_with(&mut h, FUNCS, "genPrivateKey", &["ed25519".into()]).unwrap();
        assert_eq!(ed.as_str().unwrap().lines().count(), 3);
        let bad = call_with(&mut h, FUNCS, "genPrivateKey", &["foo".into()]).unwrap();
        assert_eq!(bad.as_str().unwrap(), "Unknown type foo");
    }

    /// A CA generated by helm v4.1.4's `genCA "my-ca" 365` signs our leaf.
    #[test]
    fn signs_with_a_helm_generated_ca() {
        let cert = include_str!("testdata/helm_ca_cert.pem");
        let key = include_str!("testdata/helm_ca_key.pem");
        let (_, der) = pem_decode(cert).unwrap();
        let helm = parse_cert(&der).unwrap();
        assert_eq!(helm.subject, name("my-ca"));
        let ca = cert_value(cert.into(), key.into());
        let mut h = TestHost::default();
        let leaf = call_with(
            &mut h,
            FUNCS,
            "genSignedCert",
            &["leaf".into(), Value::Nil, Value::Nil, Value::Int(3), ca],
        )
        .unwrap();
        let (_, der) = pem_decode(&field(&leaf, "Cert")).unwrap();
        let akid = helm.skid.unwrap();
        assert!(der.windows(akid.len()).any(|w| w == akid.as_slice()));
        assert!(der.windows(helm.subject.len()).any(|w| w == helm.subject));
        // Line counts helm prints: signed leaf without SANs 19, self-signed 18, CA 19.
        assert_eq!(field(&leaf, "Cert").lines().count(), 19);
        let ss = call_with(
            &mut h,
            FUNCS,
            "genSelfSignedCert",
            &["svc".into(), Value::Nil, Value::Nil, Value::Int(3)],
        )
        .unwrap();
        assert_eq!(field(&ss, "Cert").lines().count(), 18);
        let ca = call_with(&mut h, FUNCS, "genCA", &["my-ca".into(), Value::Int(3)]).unwrap();
        assert_eq!(field(&ca, "Cert").lines().count(), 19);
        // genPrivateKey "rsa" is 4096 bits: 51 lines.
        let k = call_with(&mut h, FUNCS, "genPrivateKey", &["rsa".into()]).unwrap();
        assert_eq!(k.as_str().unwrap().lines().count(), 51);
        if let Ok(dir) = std::env::var("C_DUMP_CERTS") {
            let _ = std::fs::write(format!("{dir}/rsa4096.pem"), k.as_str().unwrap_or(""));
        }
    }

    /// This thread's CPU time (user + system), from /proc: wall time is meaningless on a shared
    /// build machine.
    pub(super) fn cpu_time() -> std::time::Duration {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
        let after = stat.rsplit(')').next().unwrap_or("");
        let f: Vec<&str> = after.split_whitespace().collect();
        // Fields 14 and 15 (utime, stime) are the 12th and 13th after the `)`; 100 ticks/s.
        let tick = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
        let ticks = tick(11) + tick(12);
        std::time::Duration::from_millis(ticks * 10)
    }

    /// The CRT path signs exactly as the crate does (PKCS#1 v1.5 is deterministic), only for
    /// keys made here.
    #[test]
    fn crt_signatures_match_the_crate() {
        let mut h = TestHost::default();
        for bits in [2048usize, 2048, 4096] {
            let Key::Rsa(k) = rsa_key(&mut h, bits).unwrap() else {
                panic!("rsa key expected");
            };
            for msg in [&b""[..], b"abc", &[7u8; 300]] {
                let di = sha256_digest_info(msg);
                let want = k.sign(rsa::Pkcs1v15Sign::new_unprefixed(), &di).unwrap();
                assert_eq!(rsa_sign_crt(&k, &di), Some(want), "{bits} bits");
            }
            // The same key parsed back (as genSignedCert does with its CA) still qualifies.
            let pem = k.to_pkcs1_der().unwrap();
            let parsed = rsa::PrivateKey::from_pkcs1_der(pem.as_bytes()).unwrap();
            assert!(rsa_sign_crt(&parsed, &[1; 51]).is_some());
        }
        // A key from elsewhere is left to the crate's constant-time code.
        let other = rsa::PrivateKey::new(&mut HostRng(&mut h), 2048).unwrap();
        assert_eq!(rsa_sign_crt(&other, &[1; 51]), None);
    }

    /// Wall time of one certificate signature with a key made here (the CRT path) and with
    /// the same key parsed back from PEM, as genSignedCert parses its CA:
    /// `cargo test --release -p chartgate-gotpl rsa_sign_timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn rsa_sign_timing() {
        for bits in [2048usize, 4096] {
            let mut h = TestHost::default();
            let k = rsa_key(&mut h, bits).unwrap();
            let Key::Rsa(rk) = &k else {
                panic!("rsa key expected");
            };
            let der = rk.to_pkcs1_der().unwrap();
            let n = 20u32;
            let t = std::time::Instant::now();
            for i in 0..n {
                std::hint::black_box(k.sign(&[i as u8; 100]).unwrap());
            }
            let sign = t.elapsed() / n;
            let t = std::time::Instant::now();
            for _ in 0..n {
                std::hint::black_box(rsa::PrivateKey::from_pkcs1_der(der.as_bytes()).unwrap());
            }
            eprintln!("rsa {bits}: sign {sign:?}, parse {:?}", t.elapsed() / n);
        }
    }

    /// Key-generation time, ours (wall clock, search spread over the cores) against the `rsa`
    /// crate's generator (one thread):
    /// `cargo test --release -p chartgate-gotpl rsa_keygen_timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn rsa_keygen_timing() {
        for (bits, n) in [(2048usize, 40u32), (4096, 12)] {
            let mut h = TestHost::default();
            let t = std::time::Instant::now();
            for _ in 0..n {
                rsa_key(&mut h, bits).unwrap();
            }
            let ours = t.elapsed() / n;
            let t = cpu_time();
            for _ in 0..n {
                rsa::PrivateKey::new(&mut HostRng(&mut h), bits).unwrap();
            }
            let theirs = (cpu_time() - t) / n;
            eprintln!("rsa {bits}: ours {ours:?} wall per key, rsa crate {theirs:?} CPU");
        }
    }

    #[test]
    fn dsa_keys_have_helms_shape() {
        let mut h = TestHost::default();
        let kv = call_with(&mut h, FUNCS, "genPrivateKey", &["dsa".into()]).unwrap();
        let k = kv.as_str().unwrap().to_string();
        // As helm: a DSA key parses but cannot sign.
        let e = call_with(
            &mut h,
            FUNCS,
            "genCAWithKey",
            &["x".into(), Value::Int(1), kv],
        );
        assert_eq!(e.unwrap_err(), DSA_SIGNER);
        if let Ok(dir) = std::env::var("C_DUMP_DSA") {
            let _ = std::fs::write(format!("{dir}/dsa.pem"), &k);
        }
        assert!(k.starts_with("-----BEGIN DSA PRIVATE KEY-----\n"));
        // helm's are 1222-1226 bytes: 20 lines.
        assert_eq!(k.lines().count(), 20, "{k}");
        let (_, der) = pem_decode(&k).unwrap();
        let (_, _, body, _) = read_tlv(&der).unwrap();
        let mut rest = body;
        let mut lens = Vec::new();
        while let Some((tag, _, c, r)) = read_tlv(rest) {
            assert_eq!(tag, 0x02);
            lens.push(c.len());
            rest = r;
        }
        // version, P (2048 bits + sign byte), Q (256 + 1), G, Y, X.
        assert_eq!(lens.len(), 6);
        assert_eq!((lens[0], lens[1], lens[2]), (1, 257, 33));
    }

    #[test]
    fn build_custom_cert_validates() {
        let mut h = TestHost::default();
        let k = call_with(&mut h, FUNCS, "genPrivateKey", &["ecdsa".into()]).unwrap();
        let c = call_with(
            &mut h,
            FUNCS,
            "genCAWithKey",
            &["ca".into(), Value::Int(1), k.clone()],
        )
        .unwrap();
        let b = |s: String| Value::str(b64_encode(s.as_bytes()));
        let ok = call_with(
            &mut h,
            FUNCS,
            "buildCustomCert",
            &[b(field(&c, "Cert")), b(field(&c, "Key"))],
        );
        assert!(ok.is_ok());
        let err = call_with(&mut h, FUNCS, "buildCustomCert", &["!".into(), "x".into()]);
        assert_eq!(err.unwrap_err(), "unable to decode base64 certificate");
    }
}
