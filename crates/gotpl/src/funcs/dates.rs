//! Sprig's date functions over a Go-like `time.Time` host object.
//!
//! Go's reference-time layouts (`Mon Jan 2 15:04:05 MST 2006`) are implemented for formatting
//! and parsing, plus `time.Duration` printing/parsing. Zones: `UTC`, `Local` (= UTC, what helm
//! sees on a UTC machine) and IANA names read from the system zoneinfo (as Go does on Linux);
//! an unknown zone falls back to UTC like sprig. Go's monotonic-clock suffix (`m=+0.01`) that
//! `{{ now }}` prints is not reproduced.

use crate::func::{FuncDef, Host};
use crate::value::{Object, Value};
use std::rc::Rc;

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// An instant plus the zone it is shown in.
#[derive(Clone, Debug, PartialEq)]
pub struct GoTime {
    /// Seconds since the Unix epoch.
    pub secs: i64,
    pub nanos: u32,
    /// Offset east of UTC in seconds.
    pub offset: i32,
    /// Zone abbreviation; empty for a fixed offset without a name (printed as `+0200`).
    pub zone: String,
}

/// Go's zero `time.Time` (0001-01-01 00:00:00 UTC).
const ZERO_SECS: i64 = -62_135_596_800;

impl GoTime {
    pub fn utc(secs: i64, nanos: u32) -> GoTime {
        GoTime {
            secs,
            nanos,
            offset: 0,
            zone: "UTC".into(),
        }
    }
    pub fn zero() -> GoTime {
        GoTime::utc(ZERO_SECS, 0)
    }
    fn total_nanos(&self) -> i128 {
        i128::from(self.secs) * NANOS_PER_SEC + i128::from(self.nanos)
    }
    fn from_nanos(n: i128, like: &GoTime) -> GoTime {
        GoTime {
            secs: n.div_euclid(NANOS_PER_SEC) as i64,
            nanos: n.rem_euclid(NANOS_PER_SEC) as u32,
            offset: like.offset,
            zone: like.zone.clone(),
        }
    }
    /// The same instant shown in `zone` (`UTC`, `Local`, or an IANA name).
    pub fn in_zone(&self, zone: &Zone) -> GoTime {
        let (offset, abbr) = zone.lookup(self.secs);
        GoTime {
            secs: self.secs,
            nanos: self.nanos,
            offset,
            zone: abbr,
        }
    }
    fn civil(&self) -> Civil {
        Civil::from_unix(self.secs.saturating_add(i64::from(self.offset)))
    }
    fn zone_name(&self) -> String {
        if self.zone.is_empty() {
            format_offset(self.offset, false, false, false)
        } else {
            self.zone.clone()
        }
    }
    /// Go's `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`.
    pub fn go_string(&self) -> String {
        format(self, "2006-01-02 15:04:05.999999999 -0700 MST")
    }
}

/// Broken-down local date and time.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    /// 0 = Sunday.
    weekday: u32,
    yday: u32,
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

impl Civil {
    fn from_unix(t: i64) -> Civil {
        let days = t.div_euclid(86_400);
        let rem = t.rem_euclid(86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        let yday = (days - days_from_civil(year, 1, 1)) as u32 + 1;
        Civil {
            year,
            month,
            day,
            hour: rem / 3600,
            min: rem / 60 % 60,
            sec: rem % 60,
            weekday: (days + 4).rem_euclid(7) as u32,
            yday,
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// A time zone: fixed or from a TZif file.
#[derive(Clone, Debug)]
pub enum Zone {
    Fixed(i32, String),
    Tzif {
        transitions: Vec<(i64, usize)>,
        types: Vec<(i32, String)>,
    },
}

impl Zone {
    /// Go's `time.LoadLocation`; `None` when the zone is unknown.
    pub fn load(name: &str) -> Option<Zone> {
        match name {
            "" | "UTC" | "Local" => return Some(Zone::Fixed(0, "UTC".into())),
            _ => {}
        }
        if name.starts_with('/') || name.split('/').any(|p| p == ".." || p.is_empty()) {
            return None;
        }
        let data = std::fs::read(format!("/usr/share/zoneinfo/{name}")).ok()?;
        parse_tzif(&data)
    }
    fn lookup(&self, secs: i64) -> (i32, String) {
        match self {
            Zone::Fixed(o, n) => (*o, n.clone()),
            Zone::Tzif { transitions, types } => {
                let idx = match transitions.iter().rposition(|(t, _)| *t <= secs) {
                    Some(i) => transitions[i].1,
                    None => 0,
                };
                types.get(idx).cloned().unwrap_or((0, "UTC".into()))
            }
        }
    }
}

/// Reads the version-1 section of a TZif file (enough for dates up to 2037).
fn parse_tzif(d: &[u8]) -> Option<Zone> {
    if d.len() < 44 || &d[..4] != b"TZif" {
        return None;
    }
    let be = |i: usize| -> Option<usize> {
        d.get(i..i + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let (timecnt, typecnt, charcnt) = (be(32)?, be(36)?, be(40)?);
    let mut p = 44;
    let times = d.get(p..p + timecnt * 4)?;
    p += timecnt * 4;
    let idxs = d.get(p..p + timecnt)?;
    p += timecnt;
    let tt = d.get(p..p + typecnt * 6)?;
    p += typecnt * 6;
    let chars = d.get(p..p + charcnt)?;
    let mut types = Vec::new();
    for t in tt.chunks(6) {
        let off = i32::from_be_bytes([t[0], t[1], t[2], t[3]]);
        let ai = t[5] as usize;
        let abbr: Vec<u8> = chars
            .get(ai..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&c| c != 0)
            .copied()
            .collect();
        types.push((off, String::from_utf8_lossy(&abbr).into_owned()));
    }
    let transitions = times
        .chunks(4)
        .zip(idxs)
        .map(|(t, &i)| {
            (
                i64::from(i32::from_be_bytes([t[0], t[1], t[2], t[3]])),
                i as usize,
            )
        })
        .collect();
    Some(Zone::Tzif { transitions, types })
}

fn format_offset(off: i32, colon: bool, z: bool, seconds: bool) -> String {
    if z && off == 0 {
        return "Z".into();
    }
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    let sep = if colon { ":" } else { "" };
    let mut out = format!("{sign}{h:02}{sep}{m:02}");
    if seconds {
        out.push_str(&format!("{sep}{s:02}"));
    }
    out
}

/// Layout tokens, longest first where prefixes overlap.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekday,
    Weekday,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    Iso8601Tz(bool, bool),   // Z07:00 style: (colon, seconds)
    NumTz(bool, bool),       // -07:00 style: (colon, seconds)
    NumShortTz,              // -07
    Iso8601ShortTz,          // Z07
    Frac(usize, bool, char), // digits, trailing zeros trimmed (9s), separator
}

/// Splits the layout at its first token: (prefix, token, rest).
fn next_token(l: &str) -> Option<(usize, Tok, usize)> {
    let b = l.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let r = &l[i..];
        let tok: Option<(Tok, usize)> = match b[i] {
            b'J' if r.starts_with("January") => Some((Tok::LongMonth, 7)),
            b'J' if r.starts_with("Jan") => Some((Tok::Month, 3)),
            b'M' if r.starts_with("Monday") => Some((Tok::LongWeekday, 6)),
            b'M' if r.starts_with("Mon") => Some((Tok::Weekday, 3)),
            b'M' if r.starts_with("MST") => Some((Tok::TZ, 3)),
            b'0' => match b.get(i + 1) {
                Some(b'1') => Some((Tok::ZeroMonth, 2)),
                Some(b'2') => Some((Tok::ZeroDay, 2)),
                Some(b'3') => Some((Tok::ZeroHour12, 2)),
                Some(b'4') => Some((Tok::ZeroMinute, 2)),
                Some(b'5') => Some((Tok::ZeroSecond, 2)),
                Some(b'6') => Some((Tok::Year, 2)),
                Some(b'0') if b.get(i + 2) == Some(&b'2') => Some((Tok::ZeroYearDay, 3)),
                _ => None,
            },
            b'1' if r.starts_with("15") => Some((Tok::Hour, 2)),
            b'1' => Some((Tok::NumMonth, 1)),
            b'2' if r.starts_with("2006") => Some((Tok::LongYear, 4)),
            b'2' => Some((Tok::Day, 1)),
            b'_' if r.starts_with("_2") => {
                if r.starts_with("_2006") {
                    // `_` followed by a year is a literal underscore.
                    None
                } else {
                    Some((Tok::UnderDay, 2))
                }
            }
            b'_' if r.starts_with("__2") => Some((Tok::UnderYearDay, 3)),
            b'3' => Some((Tok::Hour12, 1)),
            b'4' => Some((Tok::Minute, 1)),
            b'5' => Some((Tok::Second, 1)),
            b'P' if r.starts_with("PM") => Some((Tok::PM, 2)),
            b'p' if r.starts_with("pm") => Some((Tok::Pm, 2)),
            b'-' if r.starts_with("-07:00:00") => Some((Tok::NumTz(true, true), 9)),
            b'-' if r.starts_with("-0700") => {
                if r.starts_with("-070000") {
                    Some((Tok::NumTz(false, true), 7))
                } else {
                    Some((Tok::NumTz(false, false), 5))
                }
            }
            b'-' if r.starts_with("-07:00") => Some((Tok::NumTz(true, false), 6)),
            b'-' if r.starts_with("-07") => Some((Tok::NumShortTz, 3)),
            b'Z' if r.starts_with("Z07:00:00") => Some((Tok::Iso8601Tz(true, true), 9)),
            b'Z' if r.starts_with("Z070000") => Some((Tok::Iso8601Tz(false, true), 7)),
            b'Z' if r.starts_with("Z0700") => Some((Tok::Iso8601Tz(false, false), 5)),
            b'Z' if r.starts_with("Z07:00") => Some((Tok::Iso8601Tz(true, false), 6)),
            b'Z' if r.starts_with("Z07") => Some((Tok::Iso8601ShortTz, 3)),
            b'.' | b',' if matches!(b.get(i + 1), Some(b'0') | Some(b'9')) => {
                let c = b[i + 1];
                let n = b[i + 1..].iter().take_while(|&&x| x == c).count();
                // Only a fraction when not followed by another digit.
                if b.get(i + 1 + n).is_some_and(|x| x.is_ascii_digit()) {
                    None
                } else {
                    Some((Tok::Frac(n, c == b'9', b[i] as char), n + 1))
                }
            }
            _ => None,
        };
        if let Some((t, len)) = tok {
            return Some((i, t, len));
        }
        i += l[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Go's `Time.Format(layout)`.
pub fn format(t: &GoTime, layout: &str) -> String {
    let c = t.civil();
    let mut out = String::new();
    let mut l = layout;
    while let Some((pre, tok, len)) = next_token(l) {
        out.push_str(&l[..pre]);
        l = &l[pre + len..];
        let h12 = if c.hour.is_multiple_of(12) {
            12
        } else {
            c.hour % 12
        };
        match tok {
            Tok::LongMonth => out.push_str(MONTHS[(c.month - 1) as usize]),
            Tok::Month => out.push_str(&MONTHS[(c.month - 1) as usize][..3]),
            Tok::NumMonth => out.push_str(&c.month.to_string()),
            Tok::ZeroMonth => out.push_str(&format!("{:02}", c.month)),
            Tok::LongWeekday => out.push_str(DAYS[c.weekday as usize]),
            Tok::Weekday => out.push_str(&DAYS[c.weekday as usize][..3]),
            Tok::Day => out.push_str(&c.day.to_string()),
            Tok::UnderDay => out.push_str(&format!("{:>2}", c.day)),
            Tok::ZeroDay => out.push_str(&format!("{:02}", c.day)),
            Tok::UnderYearDay => out.push_str(&format!("{:>3}", c.yday)),
            Tok::ZeroYearDay => out.push_str(&format!("{:03}", c.yday)),
            Tok::Hour => out.push_str(&format!("{:02}", c.hour)),
            Tok::Hour12 => out.push_str(&h12.to_string()),
            Tok::ZeroHour12 => out.push_str(&format!("{h12:02}")),
            Tok::Minute => out.push_str(&c.min.to_string()),
            Tok::ZeroMinute => out.push_str(&format!("{:02}", c.min)),
            Tok::Second => out.push_str(&c.sec.to_string()),
            Tok::ZeroSecond => out.push_str(&format!("{:02}", c.sec)),
            Tok::LongYear => {
                if c.year < 0 {
                    out.push_str(&format!("-{:04}", -c.year));
                } else {
                    out.push_str(&format!("{:04}", c.year));
                }
            }
            Tok::Year => out.push_str(&format!("{:02}", c.year.rem_euclid(100))),
            Tok::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Tok::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Tok::TZ => out.push_str(&t.zone_name()),
            Tok::Iso8601Tz(colon, secs) => {
                out.push_str(&format_offset(t.offset, colon, true, secs))
            }
            Tok::NumTz(colon, secs) => out.push_str(&format_offset(t.offset, colon, false, secs)),
            Tok::NumShortTz | Tok::Iso8601ShortTz => {
                if tok == Tok::Iso8601ShortTz && t.offset == 0 {
                    out.push('Z');
                } else {
                    let o = format_offset(t.offset, false, false, false);
                    out.push_str(&o[..3]);
                }
            }
            Tok::Frac(n, trim, sep) => {
                let digits = format!("{:09}", t.nanos);
                let mut d = &digits[..n.min(9)];
                if trim {
                    d = d.trim_end_matches('0');
                    if !d.is_empty() {
                        out.push(sep);
                        out.push_str(d);
                    }
                } else {
                    out.push(sep);
                    out.push_str(d);
                    for _ in 9..n {
                        out.push('0');
                    }
                }
            }
        }
    }
    out.push_str(l);
    out
}

/// Go's `time.ParseInLocation(layout, value, UTC)`; errors worded like Go's.
pub fn parse(layout: &str, value: &str) -> Result<GoTime, String> {
    let err = |velem: &str, lelem: &str, extra: &str| {
        format!("parsing time {value:?} as {layout:?}: cannot parse {velem:?} as {lelem:?}{extra}")
    };
    // Omitted elements are zero (year 0) or, where zero is impossible, one.
    let (mut year, mut month, mut day, mut hour, mut min, mut sec, mut nanos) =
        (0i64, 1u32, 1u32, 0u32, 0u32, 0u32, 0u32);
    let mut yday: Option<u32> = None;
    let mut pm: Option<bool> = None;
    let mut offset: Option<i32> = None;
    let mut zone_abbr: Option<String> = None;
    let mut l = layout;
    let mut v = value;
    while let Some((pre, tok, len)) = next_token(l) {
        let lit = &l[..pre];
        let tok_text = &l[pre..pre + len];
        let Some(rest) = v.strip_prefix(lit) else {
            return Err(err(v, lit, ""));
        };
        v = rest;
        l = &l[pre + len..];
        let num = |v: &str, min_digits: usize, max_digits: usize| -> Option<(u32, usize)> {
            let n = v
                .bytes()
                .take(max_digits)
                .take_while(u8::is_ascii_digit)
                .count();
            if n < min_digits {
                return None;
            }
            v[..n].parse::<u32>().ok().map(|x| (x, n))
        };
        let bad = || err(v, tok_text, "");
        macro_rules! take {
            ($min:expr, $max:expr) => {{
                let (x, n) = num(v, $min, $max).ok_or_else(bad)?;
                v = &v[n..];
                x
            }};
        }
        match tok {
            Tok::LongYear => {
                year = i64::from(take!(4, 4));
            }
            Tok::Year => {
                let y = take!(2, 2);
                year = i64::from(if y >= 69 { 1900 + y } else { 2000 + y });
            }
            Tok::LongMonth | Tok::Month => {
                let found = MONTHS.iter().enumerate().find_map(|(i, m)| {
                    let name = if tok == Tok::Month { &m[..3] } else { m };
                    v.get(..name.len())
                        .is_some_and(|x| x.eq_ignore_ascii_case(name))
                        .then_some((i, name.len()))
                });
                let (i, n) = found.ok_or_else(bad)?;
                month = i as u32 + 1;
                v = &v[n..];
            }
            Tok::NumMonth | Tok::ZeroMonth => {
                month = if tok == Tok::ZeroMonth {
                    take!(2, 2)
                } else {
                    take!(1, 2)
                };
                if !(1..=12).contains(&month) {
                    return Err(format!("parsing time {value:?}: month out of range"));
                }
            }
            Tok::LongWeekday | Tok::Weekday => {
                let found = DAYS.iter().find_map(|d| {
                    let name = if tok == Tok::Weekday { &d[..3] } else { d };
                    v.get(..name.len())
                        .is_some_and(|x| x.eq_ignore_ascii_case(name))
                        .then_some(name.len())
                });
                let n = found.ok_or_else(bad)?;
                v = &v[n..];
            }
            Tok::Day | Tok::UnderDay | Tok::ZeroDay => {
                if tok == Tok::UnderDay && v.starts_with(' ') {
                    v = &v[1..];
                }
                day = if tok == Tok::ZeroDay {
                    take!(2, 2)
                } else {
                    take!(1, 2)
                };
            }
            Tok::UnderYearDay | Tok::ZeroYearDay => {
                let t = v.trim_start_matches(' ');
                v = t;
                yday = Some(take!(3, 3));
            }
            Tok::Hour => hour = take!(1, 2),
            Tok::Hour12 | Tok::ZeroHour12 => {
                hour = if tok == Tok::ZeroHour12 {
                    take!(2, 2)
                } else {
                    take!(1, 2)
                };
                if hour > 12 {
                    return Err(format!("parsing time {value:?}: hour out of range"));
                }
            }
            Tok::Minute | Tok::ZeroMinute => {
                min = if tok == Tok::ZeroMinute {
                    take!(2, 2)
                } else {
                    take!(1, 2)
                };
            }
            Tok::Second | Tok::ZeroSecond => {
                sec = if tok == Tok::ZeroSecond {
                    take!(2, 2)
                } else {
                    take!(1, 2)
                };
                // A fractional second may follow even when the layout has none.
                if (v.starts_with('.') || v.starts_with(','))
                    && v[1..].starts_with(|c: char| c.is_ascii_digit())
                    && !matches!(next_token(l), Some((0, Tok::Frac(..), _)))
                {
                    let n = v[1..].bytes().take_while(u8::is_ascii_digit).count();
                    nanos = frac_nanos(&v[1..1 + n]);
                    v = &v[1 + n..];
                }
            }
            Tok::PM | Tok::Pm => {
                let p = v.get(..2).unwrap_or("");
                pm = Some(match p {
                    "PM" | "pm" => true,
                    "AM" | "am" => false,
                    _ => return Err(bad()),
                });
                v = &v[2..];
            }
            Tok::TZ => {
                if let Some(r) = v.strip_prefix("UTC") {
                    v = r;
                    offset = Some(0);
                    zone_abbr = Some("UTC".into());
                } else {
                    let n = v.bytes().take_while(u8::is_ascii_uppercase).count();
                    if n < 3 {
                        return Err(bad());
                    }
                    zone_abbr = Some(v[..n].to_string());
                    v = &v[n..];
                }
            }
            Tok::Iso8601Tz(..) | Tok::Iso8601ShortTz | Tok::NumTz(..) | Tok::NumShortTz => {
                let iso = matches!(tok, Tok::Iso8601Tz(..) | Tok::Iso8601ShortTz);
                if iso && v.starts_with('Z') {
                    v = &v[1..];
                    offset = Some(0);
                    zone_abbr = Some("UTC".into());
                    continue;
                }
                let (colon, secs, short) = match tok {
                    Tok::Iso8601Tz(c, s) | Tok::NumTz(c, s) => (c, s, false),
                    _ => (false, false, true),
                };
                let sign = match v.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(bad()),
                };
                v = &v[1..];
                let h = take!(2, 2) as i32;
                let mut m = 0;
                let mut s = 0;
                if !short {
                    if colon {
                        v = v.strip_prefix(':').ok_or_else(bad)?;
                    }
                    m = take!(2, 2) as i32;
                    if secs {
                        if colon {
                            v = v.strip_prefix(':').ok_or_else(bad)?;
                        }
                        s = take!(2, 2) as i32;
                    }
                }
                offset = Some(sign * (h * 3600 + m * 60 + s));
            }
            Tok::Frac(n, trim, _) => {
                let Some(r) = v.strip_prefix(['.', ',']) else {
                    if trim {
                        continue;
                    }
                    return Err(bad());
                };
                let k = r.bytes().take_while(u8::is_ascii_digit).count();
                if !trim && k != n {
                    return Err(bad());
                }
                nanos = frac_nanos(&r[..k]);
                v = &r[k..];
            }
        }
    }
    if !l.is_empty() {
        let Some(rest) = v.strip_prefix(l) else {
            return Err(err(v, l, ""));
        };
        v = rest;
    }
    if !v.is_empty() {
        return Err(format!(
            "parsing time {value:?} as {layout:?}: extra text: {v:?}"
        ));
    }
    if let Some(p) = pm {
        if p && hour < 12 {
            hour += 12;
        } else if !p && hour == 12 {
            hour = 0;
        }
    }
    if hour > 23 || min > 59 || sec > 59 {
        let what = if hour > 23 {
            "hour"
        } else if min > 59 {
            "minute"
        } else {
            "second"
        };
        return Err(format!("parsing time {value:?}: {what} out of range"));
    }
    if let Some(yd) = yday {
        let len = if is_leap(year) { 366 } else { 365 };
        if yd < 1 || yd > len {
            return Err(format!("parsing time {value:?}: day-of-year out of range"));
        }
        let days = days_from_civil(year, 1, 1) + i64::from(yd) - 1;
        let c = Civil::from_unix(days * 86_400);
        month = c.month;
        day = c.day;
    }
    let mdays = [
        31,
        if is_leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day < 1 || day > mdays[(month - 1) as usize] {
        return Err(format!("parsing time {value:?}: day out of range"));
    }
    let local = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(min) * 60
        + i64::from(sec);
    let off = offset.unwrap_or(0);
    // A numeric offset other than Local's (UTC) gets an unnamed fixed zone, printed `+0200`.
    let zone = match (&zone_abbr, offset) {
        (Some(z), _) => z.clone(),
        (None, Some(0)) | (None, None) => "UTC".into(),
        (None, Some(_)) => String::new(),
    };
    Ok(GoTime {
        secs: local - i64::from(off),
        nanos,
        offset: off,
        zone,
    })
}

fn frac_nanos(digits: &str) -> u32 {
    let mut d: String = digits.chars().take(9).collect();
    while d.len() < 9 {
        d.push('0');
    }
    d.parse().unwrap_or(0)
}

/// Go's `time.Duration.String()` for a nanosecond count.
pub fn duration_string(d: i128) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        // Sub-second durations use the largest unit that keeps an integer part.
        let (unit, scale) = if u < 1_000 {
            ("ns", 1u128)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac_string(u, scale));
        out.push_str(unit);
    } else {
        let secs_total = u / 1_000_000_000;
        let (h, m) = (secs_total / 3600, secs_total / 60 % 60);
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac_string(u % 60_000_000_000, 1_000_000_000));
        out.push('s');
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

fn frac_string(v: u128, scale: u128) -> String {
    let int = v / scale;
    let frac = v % scale;
    if frac == 0 {
        return int.to_string();
    }
    let width = scale.to_string().len() - 1;
    let f = format!("{frac:0width$}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

/// Go's `time.ParseDuration`; returns nanoseconds.
pub fn parse_duration(s: &str) -> Result<i128, String> {
    let bad = || format!("time: invalid duration {s:?}");
    let mut rest = s;
    let neg = if let Some(r) = rest.strip_prefix('-') {
        rest = r;
        true
    } else {
        rest = rest.strip_prefix('+').unwrap_or(rest);
        false
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if n > 20 {
            return Err(bad());
        }
        let int: i128 = if n > 0 {
            rest[..n].parse().map_err(|_| bad())?
        } else {
            0
        };
        rest = &rest[n..];
        let (mut frac, mut frac_scale) = (0i128, 1i128);
        let mut fd = 0;
        if let Some(r) = rest.strip_prefix('.') {
            fd = r.bytes().take_while(u8::is_ascii_digit).count();
            for c in r[..fd].bytes().take(18) {
                frac = frac * 10 + i128::from(c - b'0');
                frac_scale *= 10;
            }
            rest = &r[fd..];
        }
        if n == 0 && fd == 0 {
            return Err(bad());
        }
        let u = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit: i128 = match &rest[..u] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            other => return Err(format!("time: unknown unit {other:?} in duration {s:?}")),
        };
        rest = &rest[u..];
        total += int * unit + frac * unit / frac_scale;
        if total > i128::from(i64::MAX) {
            return Err(bad());
        }
    }
    Ok(if neg { -total } else { total })
}

/// The `time.Time` object templates see.
pub struct TimeObject(pub GoTime);

pub fn time_value(t: GoTime) -> Value {
    Value::Object(Rc::new(TimeObject(t)))
}

/// The time inside a `time.Time` value. Objects are opaque, so it is read back from the
/// printed form `2006-01-02 15:04:05.999999999 -0700 MST` (lossless for years 0-9999).
pub fn as_time(v: &Value) -> Option<GoTime> {
    let Value::Object(o) = v else { return None };
    if o.type_name() != "time.Time" {
        return None;
    }
    let p = o.print();
    let (rest, zone) = p.rsplit_once(' ')?;
    let mut t = parse("2006-01-02 15:04:05.999999999 -0700", rest).ok()?;
    t.zone = if zone.starts_with(['+', '-']) {
        String::new()
    } else {
        zone.to_string()
    };
    Some(t)
}

impl Object for TimeObject {
    fn stringer(&self) -> bool {
        true
    }
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        let t = &self.0;
        let c = t.civil();
        let v = match name {
            "Unix" => Value::Int64(t.secs),
            "UnixMilli" => Value::Int64((t.total_nanos() / 1_000_000) as i64),
            "UnixNano" => Value::Int64(t.total_nanos() as i64),
            "Year" => Value::Int(c.year),
            "Month" => Value::str(MONTHS[(c.month - 1) as usize]),
            "Day" => Value::Int(i64::from(c.day)),
            "Hour" => Value::Int(i64::from(c.hour)),
            "Minute" => Value::Int(i64::from(c.min)),
            "Second" => Value::Int(i64::from(c.sec)),
            "Nanosecond" => Value::Int(i64::from(t.nanos)),
            "YearDay" => Value::Int(i64::from(c.yday)),
            "Weekday" => Value::str(DAYS[c.weekday as usize]),
            "UTC" | "Local" => time_value(t.in_zone(&Zone::Fixed(0, "UTC".into()))),
            "IsZero" => Value::Bool(t.secs == ZERO_SECS && t.nanos == 0),
            "String" => Value::str(t.go_string()),
            _ => return None,
        };
        Some(Ok(v))
    }
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let t = &self.0;
        let r = match (method, args) {
            ("Format", [Value::Str(l)]) => Ok(Value::str(format(t, l))),
            ("Add", [Value::Int(d) | Value::Int64(d)]) => Ok(time_value(GoTime::from_nanos(
                t.total_nanos() + i128::from(*d),
                t,
            ))),
            ("AddDate", [y, m, d]) => match (int_arg(y), int_arg(m), int_arg(d)) {
                (Some(y), Some(m), Some(d)) => Ok(time_value(add_date(t, y, m, d))),
                _ => Err("wrong arguments for method AddDate".into()),
            },
            ("Sub", [u]) => match as_time(u) {
                Some(u) => {
                    let d = t.total_nanos() - u.total_nanos();
                    Ok(duration_value(
                        d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
                    ))
                }
                None => Err("wrong arguments for method Sub".into()),
            },
            ("Before" | "After" | "Equal", [u]) => match as_time(u) {
                Some(u) => {
                    let (a, b) = (t.total_nanos(), u.total_nanos());
                    Ok(Value::Bool(match method {
                        "Before" => a < b,
                        "After" => a > b,
                        _ => a == b,
                    }))
                }
                None => Err(format!("wrong arguments for method {method}")),
            },
            ("Truncate" | "Round", [d]) => match duration_arg(d) {
                Some(d) => Ok(time_value(round_to(t, d, method == "Round"))),
                None => Err(format!("wrong arguments for method {method}")),
            },
            ("In", _) => Err("time.Location values are not supported".into()),
            (m, []) => return self.field(m),
            (m, _) => Err(format!("wrong arguments for method {m}")),
        };
        Some(r)
    }
    fn print(&self) -> String {
        self.0.go_string()
    }
    fn to_plain(&self) -> Value {
        // encoding/json uses MarshalJSON: RFC 3339 with nanoseconds.
        Value::str(format(&self.0, "2006-01-02T15:04:05.999999999Z07:00"))
    }
}

/// A Go int argument of a method (template integer literals and int results).
fn int_arg(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) | Value::Int64(i) => Some(*i),
        _ => None,
    }
}

/// A `time.Duration` argument: an integer (nanoseconds) or a duration value.
fn duration_arg(v: &Value) -> Option<i64> {
    match v {
        Value::Object(o) if o.type_name() == "time.Duration" => match o.to_plain() {
            Value::Int64(n) => Some(n),
            _ => None,
        },
        other => int_arg(other),
    }
}

/// Go's `Time.AddDate`: the civil date moved by whole years, months and days, normalized
/// (Jan 31 + 1 month is Mar 2 or 3), time of day and zone offset kept.
fn add_date(t: &GoTime, years: i64, months: i64, days: i64) -> GoTime {
    let c = t.civil();
    let m0 = i64::from(c.month) - 1 + months;
    let year = c
        .year
        .saturating_add(years)
        .saturating_add(m0.div_euclid(12));
    let month = (m0.rem_euclid(12) + 1) as u32;
    let day = days_from_civil(year, month, 1)
        .saturating_add(i64::from(c.day) - 1)
        .saturating_add(days);
    let local = day.saturating_mul(86_400)
        + i64::from(c.hour) * 3600
        + i64::from(c.min) * 60
        + i64::from(c.sec);
    GoTime {
        secs: local.saturating_sub(i64::from(t.offset)),
        nanos: t.nanos,
        offset: t.offset,
        zone: t.zone.clone(),
    }
}

/// Go's `Time.Truncate`/`Round`: to a multiple of `d` counted from the zero time (year 1);
/// halves round up; `d` ≤ 0 leaves the time as it is.
fn round_to(t: &GoTime, d: i64, round: bool) -> GoTime {
    if d <= 0 {
        return t.clone();
    }
    let d = i128::from(d);
    let since_zero = t.total_nanos() - i128::from(ZERO_SECS) * NANOS_PER_SEC;
    let r = since_zero.rem_euclid(d);
    let down = t.total_nanos() - r;
    let n = if round && r + r >= d { down + d } else { down };
    GoTime::from_nanos(n, t)
}

/// A Go `time.Duration` (nanoseconds), as `Time.Sub` returns.
pub struct DurationObject(pub i64);

pub fn duration_value(n: i64) -> Value {
    Value::Object(Rc::new(DurationObject(n)))
}

impl Object for DurationObject {
    fn stringer(&self) -> bool {
        true
    }
    fn type_name(&self) -> &str {
        "time.Duration"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        let n = self.0;
        // Go splits whole and fractional parts to keep the float exact where it can.
        let per = |unit: i64| (n / unit) as f64 + (n % unit) as f64 / unit as f64;
        Some(Ok(match name {
            "Hours" => Value::Float(per(3_600_000_000_000)),
            "Minutes" => Value::Float(per(60_000_000_000)),
            "Seconds" => Value::Float(per(1_000_000_000)),
            "Milliseconds" => Value::Int64(n / 1_000_000),
            "Microseconds" => Value::Int64(n / 1_000),
            "Nanoseconds" => Value::Int64(n),
            "String" => Value::str(duration_string(i128::from(n))),
            "Abs" => duration_value(if n == i64::MIN { i64::MAX } else { n.abs() }),
            _ => return None,
        }))
    }
    fn print(&self) -> String {
        duration_string(i128::from(self.0))
    }
    fn to_plain(&self) -> Value {
        Value::Int64(self.0)
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn now_time(h: &dyn Host) -> GoTime {
    let (secs, nanos) = h.now();
    GoTime::utc(secs, nanos)
}

/// Sprig's date argument: a time, or Unix seconds as int/int64; anything else means now.
fn date_arg(h: &dyn Host, v: &Value) -> GoTime {
    match v {
        Value::Int(i) | Value::Int64(i) => GoTime::utc(*i, 0),
        v => as_time(v).unwrap_or_else(|| now_time(h)),
    }
}

fn zone_or_utc(name: &str) -> Zone {
    Zone::load(name).unwrap_or(Zone::Fixed(0, "UTC".into()))
}

fn f_now(h: &mut dyn Host, _: &[Value]) -> Result<Value, String> {
    Ok(time_value(now_time(h)))
}

fn f_date(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = date_arg(h, &a[1]).in_zone(&zone_or_utc("Local"));
    Ok(Value::str(format(&t, s(&a[0]))))
}

fn f_date_in_zone(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = date_arg(h, &a[1]).in_zone(&zone_or_utc(s(&a[2])));
    Ok(Value::str(format(&t, s(&a[0]))))
}

fn f_html_date(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = date_arg(h, &a[0]).in_zone(&zone_or_utc("Local"));
    Ok(Value::str(format(&t, "2006-01-02")))
}

fn f_html_date_in_zone(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = date_arg(h, &a[0]).in_zone(&zone_or_utc(s(&a[1])));
    Ok(Value::str(format(&t, "2006-01-02")))
}

fn time_param(v: &Value) -> Result<GoTime, String> {
    as_time(v).ok_or_else(|| {
        format!(
            "wrong type for value; expected time.Time; got {}",
            v.type_name()
        )
    })
}

fn f_date_modify(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = time_param(&a[1])?;
    Ok(match parse_duration(s(&a[0])) {
        Ok(d) => time_value(GoTime::from_nanos(t.total_nanos() + d, &t)),
        Err(_) => time_value(t),
    })
}

fn f_must_date_modify(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = time_param(&a[1])?;
    let d = parse_duration(s(&a[0]))?;
    Ok(time_value(GoTime::from_nanos(t.total_nanos() + d, &t)))
}

fn f_ago(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = date_arg(h, &a[0]);
    let d = now_time(h).total_nanos() - t.total_nanos();
    // Round to the nearest second, halves away from zero (time.Duration.Round).
    let r = (d.abs() + NANOS_PER_SEC / 2) / NANOS_PER_SEC * NANOS_PER_SEC * d.signum();
    Ok(Value::str(duration_string(r)))
}

fn f_to_date(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(time_value(
        parse(s(&a[0]), s(&a[1])).unwrap_or_else(|_| GoTime::zero()),
    ))
}

fn f_must_to_date(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    parse(s(&a[0]), s(&a[1])).map(time_value)
}

fn f_unix_epoch(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(time_param(&a[0])?.secs.to_string()))
}

fn f_duration(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    // Sprig only understands a string or an int64 (a template `int` counts as 0).
    let n: i64 = match &a[0] {
        Value::Str(x) => x.parse().unwrap_or(0),
        Value::Int64(i) => *i,
        _ => 0,
    };
    Ok(Value::str(duration_string(i128::from(n) * NANOS_PER_SEC)))
}

fn f_duration_round(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let d: i128 = match &a[0] {
        Value::Str(x) => parse_duration(x).unwrap_or(0),
        Value::Int64(i) => i128::from(*i),
        v => match as_time(v) {
            Some(t) => now_time(h).total_nanos() - t.total_nanos(),
            None => 0,
        },
    };
    let u = d.unsigned_abs();
    let hour = 3_600_000_000_000u128;
    let steps: [(u128, &str); 6] = [
        (hour * 24 * 365, "y"),
        (hour * 24 * 30, "mo"),
        (hour * 24, "d"),
        (hour, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ];
    for (size, unit) in steps {
        if u > size {
            return Ok(Value::str(format!("{}{unit}", u / size)));
        }
    }
    Ok(Value::str("0s"))
}

pub const FUNCS: &[FuncDef] = crate::funcs![
    "now"() => f_now,
    "date"(Str, Any) => f_date,
    "dateInZone"(Str, Any, Str) => f_date_in_zone,
    "date_in_zone"(Str, Any, Str) => f_date_in_zone,
    "htmlDate"(Any) => f_html_date,
    "htmlDateInZone"(Any, Str) => f_html_date_in_zone,
    "dateModify"(Str, Time) => f_date_modify,
    "date_modify"(Str, Time) => f_date_modify,
    "mustDateModify"(Str, Time) => f_must_date_modify,
    "must_date_modify"(Str, Time) => f_must_date_modify,
    "ago"(Any) => f_ago,
    "toDate"(Str, Str) => f_to_date,
    "mustToDate"(Str, Str) => f_must_to_date,
    "unixEpoch"(Time) => f_unix_epoch,
    "duration"(Any) => f_duration,
    "durationRound"(Any) => f_duration_round,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::c_testutil::call;

    fn run(name: &str, args: &[Value]) -> String {
        let v = call(FUNCS, name, args).unwrap();
        match v.as_str() {
            Some(s) => s.to_string(),
            None => match &v {
                Value::Object(o) => o.print(),
                _ => panic!("unexpected {v:?}"),
            },
        }
    }

    fn to_date(l: &str, v: &str) -> Value {
        call(FUNCS, "toDate", &[l.into(), v.into()]).unwrap()
    }

    #[test]
    fn formats_and_parses_like_helm() {
        // Expected strings printed by helm v4.1.4.
        let d = to_date("2006-01-02", "2024-03-05");
        assert_eq!(run("unixEpoch", std::slice::from_ref(&d)), "1709596800");
        assert_eq!(run("htmlDate", std::slice::from_ref(&d)), "2024-03-05");
        assert_eq!(
            run("dateModify", &["-1.5h".into(), d.clone()]),
            "2024-03-04 22:30:00 +0000 UTC"
        );
        assert_eq!(
            run("dateModify", &["1h30m15.5s".into(), d.clone()]),
            "2024-03-05 01:30:15.5 +0000 UTC"
        );
        assert_eq!(
            run("dateModify", &["x".into(), d.clone()]),
            "2024-03-05 00:00:00 +0000 UTC"
        );
        let t = to_date("2006-01-02T15:04:05Z07:00", "2024-03-05T10:11:12+02:00");
        assert_eq!(
            match &t {
                Value::Object(o) => o.print(),
                _ => String::new(),
            },
            "2024-03-05 10:11:12 +0200 +0200"
        );
        // A parsed fixed offset survives being passed on to another function.
        let t = to_date("2006-01-02T15:04:05Z07:00", "2024-03-05T10:11:12.25+02:00");
        assert_eq!(
            run("dateModify", &["1h".into(), t]),
            "2024-03-05 11:11:12.25 +0200 +0200"
        );
        let t = to_date("02/01/2006 15:04", "05/03/2024 10:11");
        assert_eq!(run("date", &["Jan _2 03:04PM".into(), t]), "Mar  5 10:11AM");
        assert_eq!(run("date", &["2006".into(), Value::Int(0)]), "1970");
        assert_eq!(
            run(
                "date",
                &["2006-01-02 15:04:05".into(), Value::Int(1709618828)]
            ),
            "2024-03-05 06:07:08"
        );
        assert_eq!(
            run("toDate", &["2006-01-02".into(), "x".into()]),
            "0001-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(
            call(FUNCS, "mustToDate", &["2006-01-02".into(), "x".into()]).unwrap_err(),
            "parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""
        );
        // The test host's clock is 2024-03-05 06:07:08.5 UTC (a Tuesday, day 65).
        assert_eq!(
            run(
                "date",
                &[
                    "Monday January 2 3:4:5 06 002 __2 -07 Z07:00 .000000 ,999 pm".into(),
                    Value::Nil
                ]
            ),
            "Tuesday March 5 6:7:8 24 065  65 +00 Z .500000 ,5 am"
        );
    }

    #[test]
    fn matches_helm_layout_and_zone_matrix() {
        let cases: &[(&str, &str, i64, &str)] = include!("testdata/dates_helm.rs");
        if Zone::load("America/New_York").is_none() {
            return; // no system zoneinfo on this machine
        }
        let mut bad = Vec::new();
        for &(layout, zone, secs, want) in cases {
            let got = run(
                "dateInZone",
                &[layout.into(), Value::Int(secs), zone.into()],
            );
            if got != want {
                bad.push(format!(
                    "{layout:?} {zone} {secs}: got {got:?} want {want:?}"
                ));
            }
        }
        assert!(
            bad.is_empty(),
            "{} mismatches:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }

    #[test]
    fn parses_like_helm() {
        let cases: &[(&str, &str, &str)] = include!("testdata/todate_helm.rs");
        for &(layout, value, want) in cases {
            let got = run("toDate", &[layout.into(), value.into()]);
            assert_eq!(got, want, "toDate {layout:?} {value:?}");
        }
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let _ = run("date", &["2006 Jan".into(), Value::Int(i64::MAX)]);
        let _ = run("date", &["2006".into(), Value::Int(i64::MIN)]);
        let _ = run("toDate", &["Jan".into(), "éé".into()]);
        let _ = run("toDate", &["Monday".into(), "Mo\u{e9}".into()]);
        assert!(parse_duration("99999999999999999999999999999h").is_err());
        assert!(parse_duration("9223372036854775807h").is_err());
        let _ = run("durationRound", &["-2562047h".into()]);
    }

    #[test]
    fn durations_like_helm() {
        assert_eq!(run("duration", &["95".into()]), "1m35s");
        assert_eq!(run("duration", &["-3725".into()]), "-1h2m5s");
        assert_eq!(run("duration", &["90061".into()]), "25h1m1s");
        assert_eq!(run("duration", &[Value::Int(3725)]), "0s");
        assert_eq!(run("duration", &["0".into()]), "0s");
        assert_eq!(run("durationRound", &["2h10m".into()]), "2h");
        assert_eq!(run("durationRound", &["-3h".into()]), "3h");
        assert_eq!(run("durationRound", &["1500ms".into()]), "1s");
        assert_eq!(run("durationRound", &[Value::Int(400000)]), "0s");
        assert_eq!(duration_string(1_500), "1.5µs");
        assert_eq!(duration_string(2_000_000), "2ms");
        assert_eq!(parse_duration("1h30m15.5s").unwrap(), 5_415_500_000_000);
        assert_eq!(
            parse_duration("x").unwrap_err(),
            "time: invalid duration \"x\""
        );
    }

    #[test]
    fn named_zones_from_zoneinfo() {
        let d = to_date("2006-01-02", "2024-03-05");
        if Zone::load("America/New_York").is_some() {
            assert_eq!(
                run(
                    "dateInZone",
                    &["2006-01-02 15:04 MST".into(), d, "America/New_York".into()]
                ),
                "2024-03-04 19:00 EST"
            );
        }
    }
}
