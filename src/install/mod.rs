//! `chartgate install`: the gated install stage. The pure parts (always compiled, no cluster)
//! decide what to do: [`plan`] (helm's install order, hooks, namespaces), [`release`] (the
//! release record helm itself stores, so `helm list`/`helm uninstall` see our releases),
//! [`ready`] (readiness as `helm --wait` judges it) and [`rollback`] (what undoes a failed
//! install or upgrade). [`cluster`] (cargo feature `install`) talks to the API server.

pub mod plan;
pub mod ready;
pub mod release;
pub mod rollback;

#[cfg(feature = "install")]
pub mod cluster;

use std::time::Duration;

/// Parses helm's `--timeout` (Go's `time.ParseDuration`: `5m0s`, `90s`, `1h30m`, `1.5m`,
/// `300ms`; a bare `0` is zero). A bare number without unit is an error, as in Go.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let err = || format!("time: invalid duration {s:?}");
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    if rest.starts_with('-') {
        return Err(format!("negative duration {s:?}"));
    }
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(err());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(err());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| err())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            u => return Err(format!("time: unknown unit {u:?} in duration {s:?}")),
        };
        rest = &rest[unit_len..];
        total += n * scale;
    }
    // Go's limit is ~2562047h; anything above is an overflow there too.
    if !total.is_finite() || total > 9.2e9 {
        return Err(err());
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_go() {
        assert_eq!(parse_duration("5m0s"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("m").is_err());
    }
}
