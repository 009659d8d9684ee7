//! Go's fmt as templates see it: `print`, `println`, `printf` and the `%v` form every action
//! uses to print its value.
//!
//! Written against Go's documented behaviour and checked against helm's output: verbs, flags,
//! width/precision (also `*` and `[n]` argument indexes), element-wise formatting of slices and
//! maps, and the `%!verb(type=value)` / `%!(EXTRA …)` / `%!d(MISSING)` error forms.

use crate::value::{go_bytes, go_canonical, go_runes, go_string, has_raw_bytes, ElemType, Value};

/// Nesting limit for printing: maps can be made cyclic with `set`, Go would overflow its stack.
const MAX_DEPTH: usize = 200;
/// Go's fmt rejects widths and precisions above 1e6 (`tooLarge`).
const MAX_NUM: usize = 1_000_000;

/// Go's `fmt.Sprint(v)` of one value: what `{{ v }}` prints.
/// Output beyond which printing stops: just above the executor's default output limit, which
/// then rejects the oversized result with an error.
const PRINT_LIMIT: usize = (64 << 20) + 1;

pub fn format_value(v: &Value) -> String {
    let mut p = Printer::default();
    p.print_arg(v, 'v');
    p.buf
}

/// Go's `fmt.Sprint(args...)`: spaces between operands when neither side is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::Str(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.f = Flags::default();
        p.print_arg(a, 'v');
        prev_string = is_string;
    }
    p.finish()
}

/// Go's `fmt.Sprintln(args...)`: always spaces, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.f = Flags::default();
        p.print_arg(a, 'v');
    }
    p.buf.push('\n');
    p.finish()
}

/// Go's `fmt.Sprintf(format, args...)`, including the `%!verb(type=value)` error forms.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.finish()
}

/// `fmt.Sprintf("%q", s)`: Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_with(s, '"', false)
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`).
pub fn format_float(x: f64) -> String {
    let mut p = Printer::default();
    p.fmt_float(x, 'g', None);
    p.buf
}

#[derive(Clone, Copy, Default)]
struct Flags {
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    sharp_v: bool,
    plus_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
}

impl Printer {
    /// The output; non-UTF-8 bytes from different operands that now form a valid sequence
    /// become text again (Go's result is just the concatenated bytes).
    fn finish(self) -> String {
        if has_raw_bytes(&self.buf) {
            go_canonical(&self.buf).into_owned()
        } else {
            self.buf
        }
    }

    // ---- padding -------------------------------------------------------------------------

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero { '0' } else { ' ' };
        for _ in 0..n {
            self.buf.push(c);
        }
    }

    /// Pads `s` to the width (counted in runes) on the side the `-` flag selects.
    fn pad(&mut self, s: &str) {
        let Some(w) = self.f.wid.filter(|w| *w > 0) else {
            self.buf.push_str(s);
            return;
        };
        let n = w.saturating_sub(s.chars().count());
        if self.f.minus {
            self.buf.push_str(s);
            self.write_padding(n);
        } else {
            self.write_padding(n);
            self.buf.push_str(s);
        }
    }

    fn truncate<'a>(&self, s: &'a str) -> &'a str {
        if let Some(p) = self.f.prec {
            if let Some((i, _)) = s.char_indices().nth(p) {
                return &s[..i];
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let t = self.truncate(s);
        self.pad(t);
    }

    // ---- printf driver -------------------------------------------------------------------

    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let b = format.as_bytes();
        let end = b.len();
        let mut arg_num = 0usize;
        let mut reordered = false;
        let mut i = 0;
        'outer: while i < end {
            let mut good_arg_num = true;
            let last = i;
            while i < end && b[i] != b'%' {
                i += 1;
            }
            if i > last {
                self.buf.push_str(&format[last..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            // Flags.
            while i < end {
                match b[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => break,
                }
                i += 1;
            }
            // Argument index, width.
            let mut after_index;
            (arg_num, i, after_index) = arg_number(
                arg_num,
                format,
                i,
                args.len(),
                &mut good_arg_num,
                &mut reordered,
            );
            if i < end && b[i] == b'*' {
                i += 1;
                let (n, ok, na) = int_from_arg(args, arg_num);
                arg_num = na;
                if ok {
                    if n < 0 {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    self.f.wid = Some(n.unsigned_abs() as usize);
                } else {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                after_index = false;
            } else {
                let (n, present, ni) = parse_num(b, i, end);
                i = ni;
                if present {
                    self.f.wid = Some(n);
                    if after_index {
                        good_arg_num = false;
                    }
                }
            }
            // Precision.
            if i + 1 < end && b[i] == b'.' {
                i += 1;
                if after_index {
                    good_arg_num = false;
                }
                (arg_num, i, after_index) = arg_number(
                    arg_num,
                    format,
                    i,
                    args.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
                if i < end && b[i] == b'*' {
                    i += 1;
                    let (n, ok, na) = int_from_arg(args, arg_num);
                    arg_num = na;
                    // A negative precision is no precision, and reported as bad.
                    if !ok || n < 0 {
                        self.buf.push_str("%!(BADPREC)");
                    } else {
                        self.f.prec = Some(n as usize);
                    }
                    after_index = false;
                } else {
                    let (n, present, ni) = parse_num(b, i, end);
                    i = ni;
                    self.f.prec = Some(if present { n } else { 0 });
                }
            }
            if !after_index {
                (arg_num, i, _) = arg_number(
                    arg_num,
                    format,
                    i,
                    args.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break 'outer;
            }
            let verb = format[i..].chars().next().unwrap_or('?');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !good_arg_num {
                self.buf.push_str(&format!("%!{verb}(BADINDEX)"));
            } else if arg_num >= args.len() {
                self.buf.push_str(&format!("%!{verb}(MISSING)"));
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
        if !reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, a) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if a.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&a.type_name());
                    self.buf.push('=');
                    self.print_arg(a, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    // ---- per-argument dispatch -------------------------------------------------------------

    fn bad_verb(&mut self, v: &Value, verb: char, depth: usize) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if v.is_nil() {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(&v.type_name());
            self.buf.push('=');
            self.print_value(v, 'v', depth);
        }
        self.buf.push(')');
    }

    fn print_arg(&mut self, v: &Value, verb: char) {
        // A value built to explode (a map doubled into itself 40 times) stops printing here;
        // the executor then rejects the oversized result.
        if self.buf.len() > PRINT_LIMIT {
            return;
        }
        if v.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(v, verb, 0),
            }
            return;
        }
        if verb == 'T' {
            self.fmt_s(&v.type_name());
            return;
        }
        self.print_value(v, verb, 0);
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if self.buf.len() > PRINT_LIMIT {
            return;
        }
        if depth > MAX_DEPTH {
            self.buf.push_str("<...>");
            return;
        }
        match v {
            Value::Nil => {
                if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.pad("<nil>");
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { "true" } else { "false" }),
                _ => self.bad_verb(v, verb, depth + 1),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i as u64, true, verb, v, depth),
            Value::Uint(u) => self.fmt_integer(*u, false, verb, v, depth),
            Value::Float(x) => match verb {
                'v' => self.fmt_float(*x, 'g', self.f.prec),
                'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(*x, verb, self.f.prec),
                'f' | 'e' | 'E' => self.fmt_float(*x, verb, Some(self.f.prec.unwrap_or(6))),
                'F' => self.fmt_float(*x, 'f', Some(self.f.prec.unwrap_or(6))),
                _ => self.bad_verb(v, verb, depth + 1),
            },
            Value::Str(s) => self.fmt_string(s, verb, v, depth),
            Value::Bytes(b) => self.fmt_bytes(b, verb, depth),
            Value::List(l) => {
                if self.f.sharp_v && l.nil {
                    self.buf.push_str(l.elem.go_name());
                    self.buf.push_str("(nil)");
                    return;
                }
                if self.f.sharp_v {
                    self.buf.push_str(l.elem.go_name());
                    self.buf.push('{');
                    for (k, e) in l.items.iter().enumerate() {
                        if k > 0 {
                            self.buf.push_str(", ");
                        }
                        if l.elem == ElemType::Any && !e.is_nil() {
                            // Elements of []interface{} print as their dynamic value.
                            self.print_value(e, verb, depth + 1);
                        } else {
                            self.print_value(e, verb, depth + 1);
                        }
                    }
                    self.buf.push('}');
                    return;
                }
                self.buf.push('[');
                for (k, e) in l.items.iter().enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    self.print_value(e, verb, depth + 1);
                }
                self.buf.push(']');
            }
            Value::Map(m) => {
                let entries: Vec<(String, Value)> = m
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if self.f.sharp_v {
                    self.buf.push_str("map[string]interface {}{");
                } else {
                    self.buf.push_str("map[");
                }
                for (k, (key, val)) in entries.iter().enumerate() {
                    if k > 0 {
                        self.buf.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    self.fmt_string(key, verb, &Value::str(key), depth + 1);
                    self.buf.push(':');
                    self.print_value(val, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            // fmt calls a Stringer's String() for the verbs a string takes.
            Value::Object(o)
                if o.stringer()
                    && (matches!(verb, 's' | 'q' | 'x' | 'X')
                        || verb == 'v' && !self.f.sharp_v) =>
            {
                let s = o.print();
                self.fmt_string(&s, verb, &Value::str(&s), depth);
            }
            Value::Object(o) => {
                let s = o.print();
                self.pad(&s);
            }
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, v: &Value, depth: usize) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sx(&go_bytes(s), b"0123456789abcdefx"),
            'X' => self.fmt_sx(&go_bytes(s), b"0123456789ABCDEFX"),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(v, verb, depth + 1),
        }
    }

    fn fmt_bytes(&mut self, b: &[u8], verb: char, depth: usize) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.buf.push_str("[]byte{");
                    for (k, c) in b.iter().enumerate() {
                        if k > 0 {
                            self.buf.push_str(", ");
                        }
                        self.buf.push_str(&format!("0x{c:x}"));
                    }
                    self.buf.push('}');
                    return;
                }
                self.buf.push('[');
                for (k, c) in b.iter().enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    self.fmt_integer(
                        u64::from(*c),
                        false,
                        verb,
                        &Value::Uint(u64::from(*c)),
                        depth,
                    );
                }
                self.buf.push(']');
            }
            's' => {
                let s = go_string(b);
                self.fmt_s(&s);
            }
            'x' => self.fmt_sx(b, b"0123456789abcdefx"),
            'X' => self.fmt_sx(b, b"0123456789ABCDEFX"),
            'q' => {
                let s = go_string(b);
                self.fmt_q(&s);
            }
            _ => {
                self.buf.push('[');
                for (k, c) in b.iter().enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    self.fmt_integer(
                        u64::from(*c),
                        false,
                        verb,
                        &Value::Uint(u64::from(*c)),
                        depth,
                    );
                }
                self.buf.push(']');
            }
        }
    }

    fn fmt_sx(&mut self, b: &[u8], digits: &[u8; 17]) {
        let mut length = b.len();
        if let Some(p) = self.f.prec {
            length = length.min(p);
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if let Some(w) = self.f.wid {
                self.write_padding(w);
            }
            return;
        }
        let wid = self.f.wid.unwrap_or(0);
        if wid > width && !self.f.minus {
            self.write_padding(wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xF) as usize] as char);
        }
        if wid > width && self.f.minus {
            self.write_padding(wid - width);
        }
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        if self.f.sharp && can_backquote(s) {
            let q = format!("`{s}`");
            self.pad(&q);
            return;
        }
        let q = quote_with(s, '"', self.f.plus);
        self.pad(&q);
    }

    // ---- integers --------------------------------------------------------------------------

    fn fmt_integer(&mut self, u: u64, signed: bool, verb: char, v: &Value, depth: usize) {
        match verb {
            'v' if self.f.sharp_v && !signed => {
                let s = format!("0x{u:x}");
                self.pad(&s);
            }
            'v' | 'd' => self.fmt_int_base(u, 10, signed, verb, false),
            'b' => self.fmt_int_base(u, 2, signed, verb, false),
            'o' | 'O' => self.fmt_int_base(u, 8, signed, verb, false),
            'x' => self.fmt_int_base(u, 16, signed, verb, false),
            'X' => self.fmt_int_base(u, 16, signed, verb, true),
            'c' => {
                let c = rune_of(u);
                // A real escape character is stored as its UTF-8 bytes (see value.rs).
                let s = go_string(c.encode_utf8(&mut [0u8; 4]).as_bytes()).into_owned();
                self.pad(&s);
            }
            'q' => {
                let c = rune_of(u);
                let s = quote_with(&c.to_string(), '\'', self.f.plus);
                self.pad(&s);
            }
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(v, verb, depth + 1),
        }
    }

    fn fmt_int_base(&mut self, u: u64, base: u64, signed: bool, verb: char, upper: bool) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if p == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid.unwrap_or(0);
                self.write_padding(w);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus {
            if let Some(w) = self.f.wid {
                prec = w;
                if negative || self.f.plus || self.f.space {
                    prec = prec.saturating_sub(1);
                }
            }
        }
        let digits: &[u8] = if upper {
            b"0123456789ABCDEFX"
        } else {
            b"0123456789abcdefx"
        };
        // Digits right to left.
        let mut rev: Vec<u8> = Vec::with_capacity(24);
        loop {
            rev.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(digits[16]);
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let s = String::from_utf8_lossy(&rev).into_owned();
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old;
    }

    fn fmt_unicode(&mut self, u: u64) {
        let mut hex = format!("{u:X}");
        let prec = self.f.prec.filter(|p| *p > 4).unwrap_or(4);
        while hex.len() < prec {
            hex.insert(0, '0');
        }
        let mut s = format!("U+{hex}");
        if self.f.sharp {
            if let Some(c) = u32::try_from(u).ok().and_then(char::from_u32) {
                if is_print(c) {
                    s.push_str(&format!(" '{c}'"));
                }
            }
        }
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old;
    }

    // ---- floats ----------------------------------------------------------------------------

    /// Go's `fmt.fmtFloat`: strconv formatting plus sign, `#` and padding rules.
    fn fmt_float(&mut self, x: f64, verb: char, prec: Option<usize>) {
        let mut num = format_float_verb(x, verb, prec);
        if !num.starts_with('-') && !num.starts_with('+') {
            num.insert(0, '+');
        }
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        let body = &num[1..];
        if body.starts_with('I') || body.starts_with('N') {
            let old = self.f.zero;
            self.f.zero = false;
            let s = if body.starts_with('N') && !self.f.space && !self.f.plus {
                body.to_string()
            } else {
                num.clone()
            };
            self.pad(&s);
            self.f.zero = old;
            return;
        }
        if self.f.sharp && verb != 'b' {
            let mut digits: i64 = match verb {
                'v' | 'g' | 'G' | 'x' => prec.map_or(6, |p| p as i64),
                _ => 0,
            };
            let bytes: Vec<char> = num.chars().collect();
            let mut head = String::new();
            let mut tail = String::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            head.push(bytes[0]);
            let mut i = 1;
            while i < bytes.len() {
                let c = bytes[i];
                match c {
                    '.' => {
                        has_point = true;
                        head.push(c);
                    }
                    'p' | 'P' => {
                        tail = bytes[i..].iter().collect();
                        break;
                    }
                    'e' | 'E' if verb != 'x' && verb != 'X' => {
                        tail = bytes[i..].iter().collect();
                        break;
                    }
                    _ => {
                        if c != '0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                        head.push(c);
                    }
                }
                i += 1;
            }
            if !has_point {
                if head.len() == 2 && head.ends_with('0') {
                    digits -= 1;
                }
                head.push('.');
            }
            while digits > 0 {
                head.push('0');
                digits -= 1;
            }
            head.push_str(&tail);
            num = head;
        }
        if self.f.plus || !num.starts_with('+') {
            let len = num.chars().count();
            if self.f.zero && !self.f.minus && self.f.wid.is_some_and(|w| w > len) {
                let w = self.f.wid.unwrap_or(0);
                let (sign, rest) = num.split_at(1);
                self.buf.push_str(sign);
                self.write_padding(w - len);
                self.buf.push_str(rest);
                return;
            }
            self.pad(&num);
            return;
        }
        let rest = num[1..].to_string();
        self.pad(&rest);
    }
}

/// `%v`'s rune conversion: out-of-range values and surrogates become U+FFFD.
fn rune_of(u: u64) -> char {
    u32::try_from(u)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{FFFD}')
}

fn parse_num(b: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    let mut n = 0usize;
    let mut present = false;
    let mut i = start;
    while i < end && b[i].is_ascii_digit() {
        if n > MAX_NUM {
            return (0, false, end);
        }
        n = n * 10 + usize::from(b[i] - b'0');
        present = true;
        i += 1;
    }
    (n, present, i)
}

/// Parses `[n]` at `i`; returns (new arg index, new position, found).
fn arg_number(
    arg_num: usize,
    format: &str,
    i: usize,
    num_args: usize,
    good: &mut bool,
    reordered: &mut bool,
) -> (usize, usize, bool) {
    let b = format.as_bytes();
    if i >= b.len() || b[i] != b'[' {
        return (arg_num, i, false);
    }
    *reordered = true;
    let rest = &b[i..];
    let (index, wid, ok) = parse_arg_number(rest);
    if ok && index >= 1 && index - 1 < num_args {
        return (index - 1, i + wid, true);
    }
    *good = false;
    (arg_num, i + wid, ok)
}

/// Returns (one-based index, bytes consumed, ok).
fn parse_arg_number(b: &[u8]) -> (usize, usize, bool) {
    if b.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..b.len() {
        if b[i] == b']' {
            let (n, ok, ni) = parse_num(b, 1, i);
            if !ok || ni != i {
                return (0, i + 1, false);
            }
            return (n, i + 1, true);
        }
    }
    (0, 1, false)
}

fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= args.len() {
        return (0, false, arg_num);
    }
    let (n, ok) = match &args[arg_num] {
        Value::Int(i) | Value::Int64(i) => (*i, true),
        Value::Uint(u) => match i64::try_from(*u) {
            Ok(i) => (i, true),
            Err(_) => (0, false),
        },
        _ => (0, false),
    };
    if ok && n.unsigned_abs() > MAX_NUM as u64 {
        return (0, false, arg_num + 1);
    }
    (n, ok, arg_num + 1)
}

// ---- strconv-like float formatting ---------------------------------------------------------

/// Decimal digits of |x| (no leading/trailing zeros) and the decimal point position:
/// |x| = 0.d1d2d3… × 10^dp. `sig` = None means the shortest representation that round-trips.
fn decimal_digits(x: f64, sig: Option<usize>) -> (Vec<u8>, i32) {
    if x == 0.0 {
        return (Vec::new(), 0);
    }
    let s = match sig {
        None => format!("{:e}", x.abs()),
        Some(n) => format!("{:.*e}", n.max(1) - 1, x.abs()),
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, exp + 1)
}

fn fmt_e(out: &mut String, digs: &[u8], dp: i32, prec: usize, upper: bool) {
    out.push(digs.first().map_or('0', |d| *d as char));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(digs.get(i).map_or('0', |d| *d as char));
        }
    }
    out.push(if upper { 'E' } else { 'e' });
    let exp = if digs.is_empty() { 0 } else { dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
}

fn fmt_f(out: &mut String, digs: &[u8], dp: i32, prec: usize) {
    if dp > 0 {
        for i in 0..dp as usize {
            out.push(digs.get(i).map_or('0', |d| *d as char));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec as i64 {
            let j = i64::from(dp) + i - 1;
            let c = if j >= 0 {
                digs.get(j as usize).map_or('0', |d| *d as char)
            } else {
                '0'
            };
            out.push(c);
        }
    }
}

/// `strconv.FormatFloat(x, verb, prec, 64)` (prec None = -1, shortest).
fn format_float_verb(x: f64, verb: char, prec: Option<usize>) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    match verb {
        'b' => {
            let (mant, exp) = float_parts(x);
            out.push_str(&format!(
                "{mant}p{}{}",
                if exp >= 0 { "+" } else { "" },
                exp
            ));
        }
        'x' | 'X' => out.push_str(&hex_float(x.abs(), prec, verb == 'X')),
        'e' | 'E' => {
            let p = prec.unwrap_or(6);
            match prec {
                None => {
                    let (d, dp) = decimal_digits(x, None);
                    fmt_e(&mut out, &d, dp, d.len().saturating_sub(1), verb == 'E');
                }
                Some(_) => {
                    let (d, dp) = decimal_digits(x, Some(p + 1));
                    fmt_e(&mut out, &d, dp, p, verb == 'E');
                }
            }
        }
        'f' => match prec {
            None => {
                let (d, dp) = decimal_digits(x, None);
                let p = (d.len() as i32 - dp).max(0) as usize;
                fmt_f(&mut out, &d, dp, p);
            }
            Some(p) => out.push_str(&format!("{:.*}", p, x.abs())),
        },
        _ => {
            // 'g' / 'G'
            let upper = verb == 'G';
            let shortest = prec.is_none();
            let (d, dp) = match prec {
                None => decimal_digits(x, None),
                Some(p) => decimal_digits(x, Some(p.max(1))),
            };
            let nd = d.len() as i32;
            let mut p: i32 = match prec {
                None => nd,
                Some(p) => p.clamp(1, 1 << 20) as i32,
            };
            let mut eprec = p;
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = dp - 1;
            if exp < -4 || exp >= eprec {
                if p > nd {
                    p = nd;
                }
                fmt_e(&mut out, &d, dp, (p - 1).max(0) as usize, upper);
            } else {
                if p > dp {
                    p = nd;
                }
                fmt_f(&mut out, &d, dp, (p - dp).max(0) as usize);
            }
        }
    }
    out
}

/// x = mant × 2^exp with mant < 2^53 (strconv's `%b`).
fn float_parts(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    if e == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), e - 1075)
    }
}

/// strconv's `%x` for a non-negative finite float: `0x1.8p+01`.
fn hex_float(x: f64, prec: Option<usize>, upper: bool) -> String {
    let (mant, exp2) = float_parts(x);
    let (mut m, mut exp) = if mant == 0 {
        (0u64, 0i32)
    } else {
        let mut m = mant << 8; // leading bit of a normal at bit 60
        let mut e = exp2 + 52;
        while m & (1u64 << 60) == 0 {
            m <<= 1;
            e -= 1;
        }
        (m, e)
    };
    if let Some(p) = prec.filter(|p| *p < 15) {
        let shift = 60 - 4 * p as u32;
        let extra = m & ((1u64 << shift) - 1);
        m >>= shift;
        let half = 1u64 << (shift - 1);
        if extra > half || (extra == half && m & 1 == 1) {
            m += 1;
        }
        m <<= shift;
        if m & (1u64 << 61) != 0 {
            m >>= 1;
            exp += 1;
        }
    }
    let hex = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = String::from(if upper { "0X" } else { "0x" });
    out.push((b'0' + ((m >> 60) & 1) as u8) as char);
    let mask = (1u64 << 60) - 1;
    let mut frac = m & mask;
    match prec {
        None => {
            if frac != 0 {
                out.push('.');
                while frac != 0 {
                    frac <<= 4;
                    out.push(hex[((frac >> 60) & 0xF) as usize] as char);
                    frac &= mask;
                }
            }
        }
        Some(p) if p > 0 => {
            out.push('.');
            for _ in 0..p.min(MAX_NUM) {
                frac <<= 4;
                out.push(hex[((frac >> 60) & 0xF) as usize] as char);
                frac &= mask;
            }
        }
        Some(_) => {}
    }
    out.push(if upper { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
    out
}

// ---- quoting -------------------------------------------------------------------------------

/// Go's `unicode.IsPrint`, approximated: graphic characters and the ASCII space; other spaces,
/// controls, format characters, private use and noncharacters are escaped.
pub fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    !matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x206F | 0xD800..=0xF8FF | 0xFDD0..=0xFDEF
        | 0xFEFF | 0xFFF0..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xFFFE | 0xFFFF | 0xE0000..=0xE0FFF
        | 0xF0000..=0x10FFFF)
        && (u & 0xFFFE) != 0xFFFE
}

fn can_backquote(s: &str) -> bool {
    // Go's strconv.CanBackquote refuses bytes that are not UTF-8.
    !has_raw_bytes(s)
        && s.chars()
            .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !(c < ' ' || c == '\u{7f}')))
}

/// Go's `strconv.Quote` (`quote` = '"') / `QuoteRune` (`quote` = '\''), `ascii` for `%+q`.
fn quote_with(s: &str, quote: char, ascii: bool) -> String {
    // A string is quoted from its Go bytes; a rune literal (`'`) holds one real character.
    let bytes = if quote == '"' && has_raw_bytes(s) {
        go_bytes(s)
    } else {
        std::borrow::Cow::Borrowed(s.as_bytes())
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for r in go_runes(&bytes) {
        let c = match r {
            Ok(c) => c,
            // A byte that is not UTF-8: Go writes `\xNN`.
            Err(b) => {
                out.push_str(&format!("\\x{b:02x}"));
                continue;
            }
        };
        if c == quote || c == '\\' {
            out.push('\\');
            out.push(c);
            continue;
        }
        if ascii {
            if c.is_ascii() && is_print(c) {
                out.push(c);
                continue;
            }
        } else if is_print(c) {
            out.push(c);
            continue;
        }
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            _ => {
                let u = c as u32;
                if u < 0x20 || u == 0x7f {
                    out.push_str(&format!("\\x{u:02x}"));
                } else if u < 0x10000 {
                    out.push_str(&format!("\\u{u:04x}"));
                } else {
                    out.push_str(&format!("\\U{u:08x}"));
                }
            }
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn f(x: f64) -> Value {
        Value::Float(x)
    }
    /// 3.14159 (spelled as a parse so clippy does not take it for an approximate π).
    fn pi5() -> f64 {
        "3.14159".parse().unwrap_or_default()
    }
    fn i(x: i64) -> Value {
        Value::Int(x)
    }
    fn s(x: &str) -> Value {
        Value::str(x)
    }
    fn fl(xs: &[f64]) -> Value {
        Value::list(xs.iter().map(|x| Value::Float(*x)).collect())
    }
    fn m() -> Value {
        let mut b = BTreeMap::new();
        b.insert("a".to_string(), f(1.0));
        b.insert("b".to_string(), s("x"));
        Value::map(b)
    }

    // Every expectation below was printed by helm v4.1.4 (`printf` in a template).
    #[test]
    fn float_v() {
        let cases = [
            (1e6, "1e+06"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (1e-5, "1e-05"),
            (-2.5, "-2.5"),
            (123456789.0, "1.23456789e+08"),
            (0.000123, "0.000123"),
            (1.5e300, "1.5e+300"),
            (-0.0, "-0"),
            (0.0, "0"),
            (1e20, "1e+20"),
            (1e21, "1e+21"),
            (0.000001, "1e-06"),
            (0.0001, "0.0001"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (3.25, "3.25"),
        ];
        for (x, want) in cases {
            assert_eq!(format_value(&f(x)), want, "{x}");
        }
    }

    #[test]
    fn strings_with_bytes_that_are_not_utf8() {
        // Expectations printed by helm v4.1.4 (tests/conformance/cases/gobytes.txt).
        let x = Value::from_go_bytes(b"h\xc3");
        let out = sprintf("%q %+q %#q %x %X % x %#x", &vec![x.clone(); 7]);
        assert_eq!(out, r#""h\xc3" "h\xc3" "h\xc3" 68c3 68C3 68 c3 0x68c3"#);
        let out = sprintf("|%5s|%-4s|%.1s|", &vec![x.clone(); 3]);
        assert_eq!(quote(&out), r#""|   h\xc3|h\xc3  |h|""#);
        // Bytes from two operands that join into "é" print as text again.
        let tail = Value::from_go_bytes(b"\xa9");
        assert_eq!(sprintf("%s%s", &[x.clone(), tail]), "h\u{e9}");
        assert_eq!(sprintf("%c%c", &[i(104), i(195)]), "h\u{c3}");
        assert_eq!(quote(&sprint(&[Value::list(vec![x])])), r#""[h\xc3]""#);
    }

    #[test]
    fn printf_basic() {
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("%05.2f|%q", vec![f(pi5()), s("a")], "03.14|\"a\""),
            ("%d", vec![f(80.0)], "%!d(float64=80)"),
            ("%s", vec![fl(&[1.0, 2.0])], "[%!s(float64=1) %!s(float64=2)]"),
            ("%v|%+v", vec![m(), m()], "map[a:1 b:x]|map[a:1 b:x]"),
            ("%d %d", vec![i(1)], "1 %!d(MISSING)"),
            ("%d", vec![i(1), i(2)], "1%!(EXTRA int=2)"),
            ("%z", vec![i(1)], "%!z(int=1)"),
            ("%", vec![], "%!(NOVERB)"),
            ("%!", vec![], "%!!(MISSING)"),
            ("%[2]d %[1]d", vec![i(1), i(2)], "2 1"),
            ("%[3]d", vec![i(1)], "%!d(BADINDEX)"),
            ("%*d", vec![i(5), i(3)], "    3"),
            ("%-*d|", vec![i(5), i(3)], "3    |"),
            (
                "%x %X %o %b %O",
                vec![i(255), i(255), i(8), i(5), i(8)],
                "ff FF 10 101 0o10",
            ),
            ("%x|% x|%#x", vec![s("hi"), s("hi"), i(255)], "6869|68 69|0xff"),
            (
                "%q|%c|%U|%#U",
                vec![i(65), i(65), i(65), i(65)],
                "'A'|A|U+0041|U+0041 'A'",
            ),
            (
                "%e %E %f %F %g %G",
                vec![f(1234.5678); 6],
                "1.234568e+03 1.234568E+03 1234.567800 1234.567800 1234.5678 1234.5678",
            ),
            ("%.3e|%g|%g", vec![f(1.0), f(1e21), f(1e20)], "1.000e+00|1e+21|1e+20"),
            (
                "%t|%t|%T|%T|%v|%d|%s|%%",
                vec![
                    Value::Bool(true),
                    i(1),
                    fl(&[]),
                    Value::Nil,
                    Value::Nil,
                    Value::Nil,
                    Value::Nil,
                ],
                "true|%!t(int=1)|[]interface {}|<nil>|<nil>|%!d(<nil>)|%!s(<nil>)|%",
            ),
            (
                "%+d % d %+.2f %08.3f %-8.3f| %8s|%-8s|%.2s|%5.1s|",
                vec![
                    i(5),
                    i(5),
                    f(pi5()),
                    f(-pi5()),
                    f(pi5()),
                    s("ab"),
                    s("ab"),
                    s("abc"),
                    s("abc"),
                ],
                "+5  5 +3.14 -003.142 3.142   |       ab|ab      |ab|    a|",
            ),
            (
                "%q|%x|%5d|",
                vec![fl(&[1.0]), fl(&[1.0, 2.0, 3.0]), fl(&[1.0])],
                "[%!q(float64=1)]|[0x1p+00 0x1p+01 0x1.8p+01]|[%!d(float64=    1)]|",
            ),
            (
                "%s|%d",
                vec![m(), m()],
                "map[a:%!s(float64=1) b:x]|map[%!d(string=a):%!d(float64=1) %!d(string=b):%!d(string=x)]",
            ),
            (
                "%s|%d|%f|%d|%s|%d|%x",
                vec![
                    i(5),
                    s("x"),
                    i(5),
                    Value::Bool(true),
                    Value::Bool(true),
                    f(3.0),
                    f(3.5),
                ],
                "%!s(int=5)|%!d(string=x)|%!f(int=5)|%!d(bool=true)|%!s(bool=true)|%!d(float64=3)|0x1.cp+01",
            ),
            (
                "%q|%+q|%#q",
                vec![s("a\"b\n\u{e9}\u{1}"), s("é"), s("ab")],
                "\"a\\\"b\\né\\x01\"|\"\\u00e9\"|`ab`",
            ),
            ("%6.2v|%.3v", vec![f(pi5()), s("abcdef")], "   3.1|abc"),
            (
                "%v|%#v|%#v|%#v",
                vec![
                    Value::list(vec![i(1), s("a"), Value::Nil, Value::list(vec![i(2)])]),
                    i(1),
                    s("a"),
                    Value::list(vec![f(1.0), f(2.0)]),
                ],
                "[1 a <nil> [2]]|1|\"a\"|[]interface {}{1, 2}",
            ),
            (
                "%.0f %.0f %.0f %.1f|%e|%g|%g|%.3g|%#g|%10.4g|",
                vec![
                    f(0.5),
                    f(1.5),
                    f(2.5),
                    f(0.05),
                    f(0.0),
                    f(100000.0),
                    f(1e-5),
                    f(1234.5),
                    f(1.0),
                    f(pi5()),
                ],
                "0 2 2 0.1|0.000000e+00|100000|1e-05|1.23e+03|1.00000|     3.142|",
            ),
            (
                "%b|%x|%08b|%-08d|%+08d|% 08d|%.5d|%8.5d|%.0d|",
                vec![f(5.0), i(-255), i(5), i(5), i(5), i(-5), i(42), i(-42), i(0)],
                "5629499534213120p-50|-ff|00000101|5       |+0000005|-0000005|00042|  -00042||",
            ),
            (
                "%c|%c|%U|%q|%x|%X|%o|%#o|%#b|%O",
                vec![
                    i(0x1F600),
                    i(-1),
                    i(-1),
                    i(0x1F600),
                    f(1.5),
                    s("é"),
                    i(-8),
                    i(8),
                    i(5),
                    i(-8),
                ],
                "😀|\u{FFFD}|U+FFFFFFFFFFFFFFFF|'😀'|0x1.8p+00|C3A9|-10|010|0b101|-0o10",
            ),
            ("%*d", vec![s("a"), i(1)], "%!(BADWIDTH)1"),
            ("%d %d %[1]d %d", vec![i(1), i(2)], "1 2 1 2"),
            ("%[2]*[1]d|", vec![i(12), i(5)], "   12|"),
            ("%.*f", vec![i(2), f(pi5())], "3.14"),
            (
                "%.2f|%f|%d|%5t|",
                vec![
                    f(1e100),
                    f(12345678901234567890.0),
                    f(12345678901234567890.0),
                    Value::Bool(true),
                ],
                "10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104.00|12345678901234567168.000000|%!d(float64=1.2345678901234567e+19)| true|",
            ),
            (
                "%05s|%-05s|%05q|%05t|%05v|%05x",
                vec![s("ab"), s("ab"), s("ab"), Value::Bool(true), s("ab"), s("ab")],
                "000ab|ab   |0\"ab\"|0true|000ab|06162",
            ),
            (
                "%05d|%05.1f|%.1q|%.2x|%5T|%.2T",
                vec![i(-3), f(-2.5), s("héllo"), s("hello"), i(1), i(1)],
                "-0003|-02.5|\"h\"|6865|  int|in",
            ),
            (
                "%#v|%#v|%#v|%#v",
                vec![
                    m(),
                    Value::Nil,
                    Value::list(vec![Value::Nil]),
                    Value::str_list(["a"]),
                ],
                "map[string]interface {}{\"a\":1, \"b\":\"x\"}|<nil>|[]interface {}{interface {}(nil)}|[]string{\"a\"}",
            ),
            (
                "%+v|%+d|%+q|% v|%#s",
                vec![i(5), i(5), s("é"), i(5), s("x")],
                "5|+5|\"\\u00e9\"| 5|x",
            ),
            (
                "%q|%q|%#q|%q|%+q",
                vec![s("\u{a0}\u{200b}\t"), s("\u{7f}"), s("a`b"), i(0xD800), i(0x1F600)],
                "\"\\u00a0\\u200b\\t\"|\"\\x7f\"|\"a`b\"|'\u{FFFD}'|'\\U0001f600'",
            ),
            (
                "%e|%G|%E",
                vec![f(1e-300), f(1e-10), f(0.0)],
                "1.000000e-300|1E-10|0.000000E+00",
            ),
            (
                "%x|%x|%X|%b|%.2x|%#.3g|%#g|%#.0f|%#.0e|%#v",
                vec![
                    f(0.0),
                    f(-1.0),
                    f(1e300),
                    f(0.0),
                    f(1.0),
                    f(1.0),
                    f(123456789.0),
                    f(1.0),
                    f(1.0),
                    f(1.0),
                ],
                "0x0p+00|-0x1p+00|0X1.7E43C8800759CP+996|0p-1074|0x1.00p+00|1.00|1.23456789e+08|1.|1.e+00|1",
            ),
            (
                "%.0f %.0f %.0f %.1f %.2f|%6.3v|%-6v|%08.3e|%+.3g|% .3g",
                vec![
                    f(0.5),
                    f(1.5),
                    f(2.5),
                    f(0.25),
                    f(1.005),
                    s("abcdef"),
                    Value::Bool(true),
                    f(-1.5),
                    f(1.0),
                    f(1.0),
                ],
                "0 2 2 0.2 1.00|   abc|true  |-1.500e+00|+1| 1",
            ),
            ("%g|%.3f", vec![f(1e-320), f(1e-320)], "1e-320|0.000"),
            (
                "%d|%x|%08.3d|%-+#8x|%#X|%#08x|% x|%+x",
                vec![
                    i(i64::MAX),
                    i(i64::MIN),
                    i(5),
                    i(255),
                    i(255),
                    i(255),
                    i(255),
                    i(255),
                ],
                "9223372036854775807|-8000000000000000|     005|+0xff   |0XFF|0x000000ff| ff|+ff",
            ),
            ("%d", vec![Value::list(vec![f(1.5), i(2)])], "[%!d(float64=1.5) 2]"),
            ("%6.2f%%", vec![f(12.3456)], " 12.35%"),
            ("%v|%v", vec![Value::empty_map(), Value::list(vec![])], "map[]|[]"),
        ];
        for (fmt, args, want) in cases {
            assert_eq!(sprintf(fmt, &args), want, "format {fmt:?}");
        }
    }

    #[test]
    fn print_spacing() {
        let args = vec![i(1), i(2), s("a"), i(3), s("b"), s("c"), Value::Nil, i(4)];
        assert_eq!(sprint(&args), "1 2a3bc<nil> 4");
        assert_eq!(sprintln(&[i(1), s("a"), Value::Nil]), "1 a <nil>\n");
        assert_eq!(sprint(&[Value::Nil, Value::Nil]), "<nil> <nil>");
        assert_eq!(sprint(&[fl(&[1.0, 2.0, 3.0]), m()]), "[1 2 3] map[a:1 b:x]");
    }

    #[test]
    fn cyclic_map_does_not_overflow() {
        let mm = crate::value::Map::new();
        mm.insert("self", Value::Map(mm.clone()));
        let out = format_value(&Value::Map(mm.clone()));
        assert!(out.contains("<...>"));
        mm.remove("self");
    }
}
