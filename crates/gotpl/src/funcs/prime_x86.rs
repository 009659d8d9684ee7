//! x86_64 kernels for the RSA prime search in `certs::prime`, each behind a token type that
//! only run-time CPU detection makes (so calling them is safe):
//!
//! - [`Adx`]: Montgomery multiplication and squaring with BMI2 and ADX. `mulx` leaves the
//!   flags alone, so `adcx` (carry flag) and `adox` (overflow flag) run two independent carry
//!   chains through one pass over the limbs: about twice the speed of the portable `u128`
//!   code, with the same fully reduced results.
//! - [`Ifma`]: AVX-512 IFMA with eight 512-bit lanes, 52-bit digits and
//!   `vpmadd52{lo,hi}uq` (eight digit products per instruction, ~6x the ADX speed per
//!   modulus): base-2 Fermat tests of eight candidates at once (lane k holds modulus k; a
//!   composite failing it also fails the strong test, so the search runs it first and tests
//!   only its survivors exactly), and strong tests of one candidate to eight bases at once.
//! - [`rem_step`]: one `div` for a 128-by-64-bit remainder (baseline x86_64).
#![cfg(target_arch = "x86_64")]

use super::certs::prime::{lt, sub_assign};
use std::arch::x86_64::{
    __m512i, _mm512_add_epi64, _mm512_and_si512, _mm512_cmpeq_epi64_mask, _mm512_loadu_si512,
    _mm512_madd52hi_epu64, _mm512_madd52lo_epu64, _mm512_mask_slli_epi64, _mm512_or_si512,
    _mm512_set1_epi64, _mm512_setzero_si512, _mm512_srli_epi64, _mm512_storeu_si512,
    _mm512_xor_si512,
};
use std::sync::atomic::{AtomicU8, Ordering};

/// Proof that the running CPU has BMI2 and ADX: only [`Adx::detect`] makes one, so the
/// methods that run `mulx`/`adcx`/`adox` can be safe.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Adx(());

impl Adx {
    /// The token when this CPU supports the instructions (checked once, then cached).
    pub(crate) fn detect() -> Option<Adx> {
        // 0: not checked yet, 1: absent, 2: present.
        static STATE: AtomicU8 = AtomicU8::new(0);
        let mut s = STATE.load(Ordering::Relaxed);
        if s == 0 {
            let has = std::arch::is_x86_feature_detected!("bmi2")
                && std::arch::is_x86_feature_detected!("adx");
            s = if has { 2 } else { 1 };
            STATE.store(s, Ordering::Relaxed);
        }
        (s == 2).then_some(Adx(()))
    }

    /// a·b·R⁻¹ mod m (R = 2^(64L)) for a, b < m, m odd, `inv` = -m⁻¹ mod 2^64.
    pub(crate) fn mul<const L: usize>(
        self,
        m: &[u64; L],
        inv: u64,
        a: &[u64; L],
        b: &[u64; L],
    ) -> [u64; L] {
        let (mut inline, mut heap) = ([0u64; 64], Vec::new());
        let t = wide::<L>(&mut inline, &mut heap);
        for (i, &ai) in a.iter().enumerate() {
            // Row i writes t[i..i + L]; t[i + L] is still zero, so its carry is stored.
            t[i + L] = self.addmul_1(&mut t[i..i + L], b, ai);
        }
        self.redc(m, inv, t)
    }

    /// a²·R⁻¹ mod m for a < m (same conditions as [`Self::mul`]): each cross product is
    /// computed once, then doubled, then the squares of the limbs are added.
    pub(crate) fn sqr<const L: usize>(self, m: &[u64; L], inv: u64, a: &[u64; L]) -> [u64; L] {
        let (mut inline, mut heap) = ([0u64; 64], Vec::new());
        let t = wide::<L>(&mut inline, &mut heap);
        for i in 0..L.saturating_sub(1) {
            t[i + L] = self.addmul_1(&mut t[2 * i + 1..i + L], &a[i + 1..], a[i]);
        }
        let mut top = 0u64;
        for x in t.iter_mut() {
            let next = *x >> 63;
            *x = (*x << 1) | top;
            top = next;
        }
        let mut c = 0u64;
        for (i, &ai) in a.iter().enumerate() {
            let sq = u128::from(ai) * u128::from(ai);
            let v = u128::from(t[2 * i]) + (sq & u128::from(u64::MAX)) + u128::from(c);
            t[2 * i] = v as u64;
            let v = u128::from(t[2 * i + 1]) + (sq >> 64) + (v >> 64);
            t[2 * i + 1] = v as u64;
            c = (v >> 64) as u64;
        }
        self.redc(m, inv, t)
    }

    /// t·R⁻¹ mod m for a 2L-limb t < m·R. Row i adds q·m so that limb i becomes zero; its
    /// carry out (worth limb i + L) is parked in that freed limb and all carries are added
    /// at the end, so no row has to propagate a carry.
    fn redc<const L: usize>(self, m: &[u64; L], inv: u64, t: &mut [u64]) -> [u64; L] {
        for i in 0..L {
            let q = t[i].wrapping_mul(inv);
            t[i] = self.addmul_1(&mut t[i..i + L], m, q);
        }
        let (lo, hi) = t.split_at(L);
        let mut r = [0u64; L];
        let mut carry = false;
        for i in 0..L {
            let (s, c1) = hi[i].overflowing_add(lo[i]);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            r[i] = s;
            carry = c1 || c2;
        }
        // r + carry·R < 2m: one subtraction at most.
        if carry || !lt(&r, m) {
            sub_assign(&mut r, m);
        }
        r
    }

    /// rp += up·v over `up.len()` limbs (rp must be at least as long); returns the carry limb.
    #[inline]
    fn addmul_1(self, rp: &mut [u64], up: &[u64], v: u64) -> u64 {
        let n = up.len();
        assert!(rp.len() >= n);
        if n == 0 {
            return 0;
        }
        // SAFETY: `self` proves BMI2 and ADX are present; rp and up are valid for n limbs
        // (checked above) and the assembly touches exactly rp[0..n] and up[0..n].
        unsafe { addmul_1_raw(rp.as_mut_ptr(), up.as_ptr(), n, v) }
    }
}

/// The 2L zeroed limbs of a product: in `inline` for L ≤ 32 (the prime sizes), else on the heap.
fn wide<'a, const L: usize>(inline: &'a mut [u64; 64], heap: &'a mut Vec<u64>) -> &'a mut [u64] {
    if 2 * L <= inline.len() {
        &mut inline[..2 * L]
    } else {
        heap.resize(2 * L, 0);
        heap
    }
}

/// Proof that the running CPU has AVX-512F and AVX-512 IFMA (made only by [`Ifma::detect`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ifma(());

/// Moduli per batch (lanes of a 512-bit vector).
pub(crate) const LANES: usize = 8;
const MASK52: u64 = (1 << 52) - 1;
/// Accumulator digits of a product: 2N for the largest kernel (N = 40).
const ACC: usize = 80;

impl Ifma {
    /// The token when this CPU supports the instructions (checked once, then cached).
    pub(crate) fn detect() -> Option<Ifma> {
        // 0: not checked yet, 1: absent, 2: present.
        static STATE: AtomicU8 = AtomicU8::new(0);
        let mut s = STATE.load(Ordering::Relaxed);
        if s == 0 {
            let has = std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512ifma");
            s = if has { 2 } else { 1 };
            STATE.store(s, Ordering::Relaxed);
        }
        (s == 2).then_some(Ifma(()))
    }

    /// For 1 to 8 odd moduli of 64·L bits with the top bit set: bit k of the result is set
    /// when 2^(m_k - 1) ≡ 1 (mod m_k). `None` for sizes without a kernel (L other than 16
    /// and 32) or a bad batch.
    pub(crate) fn fermat2<const L: usize>(self, ms: &[[u64; L]]) -> Option<u8> {
        if ms.is_empty()
            || ms.len() > LANES
            || ms.iter().any(|m| m[0] & 1 == 0 || m[L - 1] >> 63 == 0)
        {
            return None;
        }
        match L {
            // SAFETY: `self` proves AVX-512F and IFMA are present.
            16 => unsafe { fermat2_n::<L, 20>(ms) },
            // SAFETY: as above.
            32 => unsafe { fermat2_n::<L, 40>(ms) },
            _ => None,
        }
    }
}

impl Ifma {
    /// Strong probable-prime tests of one odd modulus m of 64·L bits with the top bit set to
    /// 1 to 8 bases at once, each given in Montgomery form for R = 2^(64L) (b·R mod m, below
    /// m): bit k of the result is set when m passes for `bases[k]`. `None` as for
    /// [`Self::fermat2`].
    pub(crate) fn strong<const L: usize>(self, m: &[u64; L], bases: &[[u64; L]]) -> Option<u8> {
        if bases.is_empty()
            || bases.len() > LANES
            || m[0] & 1 == 0
            || m[L - 1] >> 63 == 0
            || bases.iter().any(|b| !lt(b, m))
        {
            return None;
        }
        match L {
            // SAFETY: `self` proves AVX-512F and IFMA are present.
            16 => unsafe { strong_n::<L, 20>(m, bases) },
            // SAFETY: as above.
            32 => unsafe { strong_n::<L, 40>(m, bases) },
            _ => None,
        }
    }
}

/// N-digit numbers, one per lane.
type Vecs<const N: usize> = [__m512i; N];

/// The kernel for digit count N: R' = 2^(52N) must exceed 16·m (N·52 ≥ 64·L + 4) so that
/// Montgomery products of inputs below 4m stay below 2m without a final subtraction.
///
/// # Safety
/// The CPU must support AVX-512F and AVX-512 IFMA.
#[target_feature(enable = "avx512f,avx512ifma")]
unsafe fn fermat2_n<const L: usize, const N: usize>(ms: &[[u64; L]]) -> Option<u8> {
    if 52 * N < 64 * L + 4 || N < 2 || 2 * N > ACC {
        return None;
    }
    // Lanes past the batch repeat its first modulus; their results are masked off.
    let lane = |k: usize| &ms[if k < ms.len() { k } else { 0 }];
    let mut m_d = [[0u64; LANES]; N];
    let mut x_d = [[0u64; LANES]; N];
    let mut k0 = [0u64; LANES];
    for (k, k0) in k0.iter_mut().enumerate() {
        let m = lane(k);
        digits(m, &mut m_d, k);
        // x = 2·R' mod m, the Montgomery form of the base: R mod m = R - m as m > R/2,
        // then 52N - 64L + 1 doublings.
        let mut x = [0u64; L];
        sub_assign(&mut x, m);
        for _ in 0..52 * N - 64 * L + 1 {
            double(&mut x, m);
        }
        digits(&x, &mut x_d, k);
        // -m⁻¹ mod 2^52, by Newton's iteration (1 → 64 correct bits in 6 steps).
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(m[0].wrapping_mul(inv)));
        }
        *k0 = inv.wrapping_neg() & MASK52;
    }
    let m_v = load::<N>(&m_d);
    let mut x = load::<N>(&x_d);
    // SAFETY: k0 holds 8 u64s; unaligned load.
    let k0 = unsafe { _mm512_loadu_si512(k0.as_ptr().cast()) };
    // Left to right over the bits of m - 1 below its top one (bit 0 is clear: m is odd).
    for i in (1..64 * L - 1).rev() {
        x = mont_mul::<N>(&x, &x, &m_v, k0);
        let mut kbits = 0u8;
        for k in 0..LANES {
            kbits |= (((lane(k)[i / 64] >> (i % 64)) & 1) as u8) << k;
        }
        if kbits != 0 {
            double_normalize::<N>(&mut x, kbits);
        }
    }
    x = mont_mul::<N>(&x, &x, &m_v, k0);
    // Out of Montgomery form: x·1·R'⁻¹ ≤ m, and it is 1 exactly when the test passes.
    let mut one = [_mm512_setzero_si512(); N];
    one[0] = _mm512_set1_epi64(1);
    let r = mont_mul::<N>(&x, &one, &m_v, k0);
    let mut acc = _mm512_xor_si512(r[0], _mm512_set1_epi64(1));
    for d in &r[1..] {
        acc = _mm512_or_si512(acc, *d);
    }
    let pass = _mm512_cmpeq_epi64_mask(acc, _mm512_setzero_si512());
    let used = if ms.len() >= LANES {
        u8::MAX
    } else {
        (1u8 << ms.len()) - 1
    };
    Some(pass & used)
}

/// The kernel of [`Ifma::strong`] for digit count N (conditions as for [`fermat2_n`]).
///
/// # Safety
/// The CPU must support AVX-512F and AVX-512 IFMA.
#[target_feature(enable = "avx512f,avx512ifma")]
unsafe fn strong_n<const L: usize, const N: usize>(m: &[u64; L], bases: &[[u64; L]]) -> Option<u8> {
    if 52 * N < 64 * L + 4 || N < 2 || 2 * N > ACC {
        return None;
    }
    let mut m_d = [[0u64; LANES]; N];
    let mut b_d = [[0u64; LANES]; N];
    for k in 0..LANES {
        digits(m, &mut m_d, k);
        // From R to R' = 2^(52N): 52N - 64L doublings. Spare lanes repeat the first base.
        let mut b = bases[if k < bases.len() { k } else { 0 }];
        for _ in 0..52 * N - 64 * L {
            double(&mut b, m);
        }
        digits(&b, &mut b_d, k);
    }
    let mut inv = 1u64;
    for _ in 0..6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(m[0].wrapping_mul(inv)));
    }
    let k0 = _mm512_set1_epi64((inv.wrapping_neg() & MASK52) as i64);
    let m_v = load::<N>(&m_d);
    let b_v = load::<N>(&b_d);
    // m - 1 = d·2^s with d odd; m > 1 is odd, so some bit above bit 0 is set.
    let s = (1..64 * L).find(|&i| (m[i / 64] >> (i % 64)) & 1 == 1)?;
    // x = b^d by 4-bit sliding windows over bits 64L - 1 ..= s of m - 1 (those of m, as
    // s ≥ 1): b, b^3, …, b^15 first, then ~1 multiplication per 5 bits instead of 1 per 2.
    const W: usize = 4;
    let b2 = mont_mul::<N>(&b_v, &b_v, &m_v, k0);
    let mut pow = [b_v; 1 << (W - 1)];
    for k in 1..pow.len() {
        pow[k] = mont_mul::<N>(&pow[k - 1], &b2, &m_v, k0);
    }
    let bit = |i: usize| (m[i / 64] >> (i % 64)) & 1 == 1;
    let mut x: Option<Vecs<N>> = None;
    // Bits at and above `i` are done.
    let mut i = 64 * L;
    while i > s {
        let top = i - 1;
        if !bit(top) {
            x = x.map(|x| mont_mul::<N>(&x, &x, &m_v, k0));
            i = top;
            continue;
        }
        // The window top ..= j ends in a set bit, so its value is odd.
        let mut j = top.saturating_sub(W - 1).max(s);
        while !bit(j) {
            j += 1;
        }
        let val = (j..=top)
            .rev()
            .fold(0, |v, t| (v << 1) | usize::from(bit(t)));
        x = Some(match x {
            None => pow[val >> 1],
            Some(mut y) => {
                for _ in j..=top {
                    y = mont_mul::<N>(&y, &y, &m_v, k0);
                }
                mont_mul::<N>(&y, &pow[val >> 1], &m_v, k0)
            }
        });
        i = j;
    }
    // The top bit of m is set, so the first window made x.
    let mut x = x?;
    // Then b^(d·2^j) for j < s, each taken out of Montgomery form (a value ≤ m) and judged
    // as the scalar test does: 1 or m - 1 first, then m - 1 passes and 1 fails.
    let mut one_v = [_mm512_setzero_si512(); N];
    one_v[0] = _mm512_set1_epi64(1);
    let mut one = [0u64; L];
    one[0] = 1;
    let mut minus_one = *m;
    minus_one[0] -= 1;
    let used = if bases.len() >= LANES {
        u8::MAX
    } else {
        (1u8 << bases.len()) - 1
    };
    let (mut pass, mut decided) = (0u8, 0u8);
    for j in 0..s {
        if j > 0 {
            x = mont_mul::<N>(&x, &x, &m_v, k0);
        }
        let y = store::<N>(&mont_mul::<N>(&x, &one_v, &m_v, k0));
        for k in 0..bases.len() {
            if (decided >> k) & 1 == 1 {
                continue;
            }
            let v = undigits::<L, N>(&y, k);
            if v == minus_one || (j == 0 && v == one) {
                pass |= 1 << k;
                decided |= 1 << k;
            } else if v == one {
                decided |= 1 << k;
            }
        }
        if decided & used == used {
            break;
        }
    }
    Some(pass & used)
}

/// The L-limb value of lane `k` of 52-bit digits (bits past 64·L are dropped).
fn undigits<const L: usize, const N: usize>(d: &[[u64; LANES]; N], k: usize) -> [u64; L] {
    let mut out = [0u64; L];
    for (j, dj) in d.iter().enumerate() {
        let (limb, shift) = (52 * j / 64, 52 * j % 64);
        if let Some(o) = out.get_mut(limb) {
            *o |= dj[k] << shift;
        }
        // A 52-bit digit spills into the next limb when it starts above bit 12.
        if let (13.., Some(o)) = (shift, out.get_mut(limb + 1)) {
            *o |= dj[k] >> (64 - shift);
        }
    }
    out
}

#[target_feature(enable = "avx512f")]
fn store<const N: usize>(v: &Vecs<N>) -> [[u64; LANES]; N] {
    let mut d = [[0u64; LANES]; N];
    for (dj, vj) in d.iter_mut().zip(v) {
        // SAFETY: dj is 8 u64s = 64 bytes; the store is unaligned.
        unsafe { _mm512_storeu_si512(dj.as_mut_ptr().cast(), *vj) };
    }
    d
}

/// Lane `k` of the 52-bit digits of the L-limb `x`.
fn digits<const L: usize, const N: usize>(x: &[u64; L], out: &mut [[u64; LANES]; N], k: usize) {
    for (j, d) in out.iter_mut().enumerate() {
        let bit = 52 * j;
        let (limb, shift) = (bit / 64, bit % 64);
        let lo = x.get(limb).map_or(0, |&v| v >> shift);
        let hi = match (shift, x.get(limb + 1)) {
            (1.., Some(&v)) => v << (64 - shift),
            _ => 0,
        };
        d[k] = (lo | hi) & MASK52;
    }
}

#[target_feature(enable = "avx512f")]
fn load<const N: usize>(d: &[[u64; LANES]; N]) -> Vecs<N> {
    let mut v = [_mm512_setzero_si512(); N];
    for (vj, dj) in v.iter_mut().zip(d) {
        // SAFETY: dj is 8 u64s = 64 bytes; the load is unaligned.
        *vj = unsafe { _mm512_loadu_si512(dj.as_ptr().cast()) };
    }
    v
}

/// a·b·R'⁻¹ mod m per lane, for a, b < 4m with normalized digits; the result is below 2m
/// with normalized digits. Operand scanning: row i adds a·b_i, then q·m with q chosen to
/// zero digit i, whose carry moves up; a row's four products for one digit are
/// accumulated in a register before the single store.
#[target_feature(enable = "avx512f,avx512ifma")]
fn mont_mul<const N: usize>(a: &Vecs<N>, b: &Vecs<N>, m: &Vecs<N>, k0: __m512i) -> Vecs<N> {
    let zero = _mm512_setzero_si512();
    // Digits i..i + N are live in row i; 2N ≤ ACC is checked by the caller.
    let mut acc = [zero; ACC];
    for i in 0..N {
        let bi = b[i];
        let t = _mm512_madd52lo_epu64(acc[i], a[0], bi);
        let q = _mm512_madd52lo_epu64(zero, t, k0);
        let t = _mm512_madd52lo_epu64(t, m[0], q);
        let mut v = _mm512_add_epi64(acc[i + 1], _mm512_srli_epi64(t, 52));
        for j in 1..N {
            if j > 1 {
                v = acc[i + j];
            }
            v = _mm512_madd52lo_epu64(v, a[j], bi);
            v = _mm512_madd52hi_epu64(v, a[j - 1], bi);
            v = _mm512_madd52lo_epu64(v, m[j], q);
            v = _mm512_madd52hi_epu64(v, m[j - 1], q);
            acc[i + j] = v;
        }
        let v = _mm512_madd52hi_epu64(acc[i + N], a[N - 1], bi);
        acc[i + N] = _mm512_madd52hi_epu64(v, m[N - 1], q);
    }
    let mask = _mm512_set1_epi64(MASK52 as i64);
    let mut out = [zero; N];
    let mut c = zero;
    for (o, &v) in out.iter_mut().zip(&acc[N..2 * N]) {
        let v = _mm512_add_epi64(v, c);
        *o = _mm512_and_si512(v, mask);
        c = _mm512_srli_epi64(v, 52);
    }
    out
}

/// x = 2x in the lanes of `k`, then the digits renormalized.
#[target_feature(enable = "avx512f")]
fn double_normalize<const N: usize>(x: &mut Vecs<N>, k: u8) {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    let mut c = _mm512_setzero_si512();
    for d in x.iter_mut() {
        let v = _mm512_add_epi64(_mm512_mask_slli_epi64(*d, k, *d, 1), c);
        *d = _mm512_and_si512(v, mask);
        c = _mm512_srli_epi64(v, 52);
    }
}

/// (hi·2^64 + lo) mod m for hi < m, with one `div` (the compiler's u128 remainder is a
/// generic library call, several times slower; the sieve takes ~10^6 of these per window).
pub(crate) fn rem_step(hi: u64, lo: u64, m: u64) -> u64 {
    if hi >= m {
        // Outside the contract (the quotient would overflow and `div` would fault).
        return (((u128::from(hi) << 64) | u128::from(lo)) % u128::from(m)) as u64;
    }
    let r: u64;
    // SAFETY: `div` is baseline x86_64; m > hi ≥ 0 so m ≠ 0 and the quotient fits in 64
    // bits, the two conditions under which it would fault. Registers only; no memory.
    unsafe {
        std::arch::asm!(
            "div {m}",
            m = in(reg) m,
            inout("rax") lo => _,
            inout("rdx") hi => r,
            options(pure, nomem, nostack),
        );
    }
    r
}

/// rp[0..n] += up[0..n]·v, returning the carry limb; `n` ≥ 1. The remainder n mod 4 runs
/// first one limb at a time, then 4 limbs per iteration. Loop control uses only `lea`,
/// `mov` and `jrcxz`, which leave CF and OF (the two carry chains) untouched.
///
/// # Safety
/// The CPU must support BMI2 and ADX; rp and up must be valid for n limbs.
#[inline]
unsafe fn addmul_1_raw(rp: *mut u64, up: *const u64, n: usize, v: u64) -> u64 {
    let carry: u64;
    // SAFETY: the caller guarantees the instructions exist and the n-limb ranges are valid;
    // only the declared registers and rp[0..n] are written; the stack is not used.
    unsafe {
        std::arch::asm!(
            "mov r11, rcx",
            "shr r11, 2",
            "and ecx, 3",
            // Clears CF and OF and the running high limb.
            "xor r8d, r8d",
            "jrcxz 3f",
            "2:",
            "mulx r10, r9, qword ptr [rsi]",
            "adcx r9, r8",
            "adox r9, qword ptr [rdi]",
            "mov qword ptr [rdi], r9",
            "mov r8, r10",
            "lea rsi, [rsi + 8]",
            "lea rdi, [rdi + 8]",
            "lea rcx, [rcx - 1]",
            "jrcxz 3f",
            "jmp 2b",
            "3:",
            "mov rcx, r11",
            "jrcxz 5f",
            "4:",
            "mulx r10, r9, qword ptr [rsi]",
            "adcx r9, r8",
            "adox r9, qword ptr [rdi]",
            "mov qword ptr [rdi], r9",
            "mulx r8, r9, qword ptr [rsi + 8]",
            "adcx r9, r10",
            "adox r9, qword ptr [rdi + 8]",
            "mov qword ptr [rdi + 8], r9",
            "mulx r10, r9, qword ptr [rsi + 16]",
            "adcx r9, r8",
            "adox r9, qword ptr [rdi + 16]",
            "mov qword ptr [rdi + 16], r9",
            "mulx r8, r9, qword ptr [rsi + 24]",
            "adcx r9, r10",
            "adox r9, qword ptr [rdi + 24]",
            "mov qword ptr [rdi + 24], r9",
            "lea rsi, [rsi + 32]",
            "lea rdi, [rdi + 32]",
            "lea rcx, [rcx - 1]",
            "jrcxz 5f",
            "jmp 4b",
            "5:",
            // The true sum fits in n + 1 limbs, so high limb + CF + OF cannot overflow.
            "mov eax, 0",
            "adcx r8, rax",
            "adox r8, rax",
            inout("rdi") rp => _,
            inout("rsi") up => _,
            inout("rcx") n => _,
            in("rdx") v,
            out("r8") carry,
            out("r9") _,
            out("r10") _,
            out("r11") _,
            out("rax") _,
            options(nostack),
        );
    }
    carry
}

/// x = 2x mod m, for x < m.
fn double<const L: usize>(x: &mut [u64; L], m: &[u64; L]) {
    let mut carry = 0u64;
    for l in x.iter_mut() {
        let next = *l >> 63;
        *l = (*l << 1) | carry;
        carry = next;
    }
    if carry != 0 || !lt(x, m) {
        sub_assign(x, m);
    }
}
