//! Redaction, entropy and small value heuristics. No finding field ever carries a full secret
//! unless the caller asked for `no_redact`.

/// A redacted preview: the first few characters and the length, e.g. `ghp_…(40 chars)`.
/// Short secrets reveal less (a 6-character password shows 1 character) so the preview never
/// gives away most of a weak password.
pub fn preview(secret: &str) -> String {
    let n = secret.chars().count();
    let shown = match n {
        0..=3 => 0,
        4..=7 => 1,
        8..=15 => 2,
        _ => 4,
    };
    let head: String = secret
        .chars()
        .take(shown)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    format!("{head}…({n} chars)")
}

/// Shannon entropy in bits per byte (gitleaks' measure).
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for b in data {
        counts[usize::from(*b)] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = *c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// `abcdef`, `123456`, `qwerty`-style runs (the whole value is one run): never secrets,
/// frequent in examples.
pub fn is_sequential(s: &[u8]) -> bool {
    const SEQS: [&[u8]; 4] = [
        b"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
        b"01234567890123456789",
        b"qwertyuiopasdfghjklzxcvbnm",
        b"9876543210zyxwvutsrqponmlkjihgfedcba",
    ];
    if s.len() < 4 {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    SEQS.iter().any(|seq| super::rules::contains(seq, &lower))
}

/// A cheap 16-bit digest of the secret for fingerprints: enough to tell two secrets apart in
/// one file, too little to brute-force the secret back from a published fingerprint.
pub fn short_digest(secret: &[u8]) -> String {
    let h = super::super::finding::fingerprint(&[&String::from_utf8_lossy(secret)]);
    h[..4].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_keeps_only_a_prefix_and_length() {
        assert_eq!(
            preview("ghp_0123456789abcdefghijklmnopqrstuvwxyz"),
            "ghp_…(40 chars)"
        );
        assert_eq!(preview("hunter22"), "hu…(8 chars)");
        assert_eq!(preview("admin"), "a…(5 chars)");
        assert_eq!(preview("abc"), "…(3 chars)");
    }

    #[test]
    fn entropy_matches_known_values() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") > 4.0);
    }

    #[test]
    fn sequences_are_detected() {
        assert!(is_sequential(b"abcdef"));
        assert!(is_sequential(b"123456"));
        assert!(is_sequential(b"QWERTY"));
        assert!(!is_sequential(b"s3cr3tP4ss"));
    }
}
