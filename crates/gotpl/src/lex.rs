//! The lexer: splits template source into items the way Go's text/template/parse lexer does
//! (same item kinds, trim markers, comment rules and error texts). It runs eagerly and stops at
//! the first error, which the parser reports when it reaches that item, so errors surface in the
//! same order as Go's lazy lexer.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Error,
    Bool,
    Char,
    CharConstant,
    Comment,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Complex,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl Tok {
    pub fn is_keyword(self) -> bool {
        matches!(
            self,
            Tok::Block
                | Tok::Break
                | Tok::Continue
                | Tok::Dot
                | Tok::Define
                | Tok::Else
                | Tok::End
                | Tok::If
                | Tok::Nil
                | Tok::Range
                | Tok::Template
                | Tok::With
        )
    }
}

/// One lexed item: its kind and byte span in the source. Its line is counted only when an
/// error needs it ([`line_at`]): most items never do, and counting per item was a tenth of
/// the parse time.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub tok: Tok,
    pub pos: u32,
    pub end: u32,
}

/// The 1-based line of byte `pos` of `src`.
pub fn line_at(src: &str, pos: u32) -> u32 {
    let end = (pos as usize).min(src.len());
    1 + src.as_bytes()[..end]
        .iter()
        .filter(|&&c| c == b'\n')
        .count() as u32
}

pub struct Lexed {
    pub items: Vec<Item>,
    /// The message of the final `Tok::Error` item, if lexing failed.
    pub error: Option<String>,
}

const RIGHT: &str = "}}";

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    // ASCII fast path: identifiers are almost always ASCII.
    if c.is_ascii() {
        return c == '_' || c.is_ascii_alphanumeric();
    }
    c.is_alphabetic() || c.is_numeric()
}

/// ASCII letters, digits and `_`, by byte (identifiers are most of an action's bytes).
const ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// Offset of the next `{{` in `s`. Scans with the (memchr-backed) single-char search, which
/// is several times faster on template text than a substring search.
fn find_left(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(x) = s[from..].find('{') {
        let at = from + x;
        if b.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn has_left_trim(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(s[1])
}

fn has_right_trim(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(s[0]) && s[1] == b'-'
}

/// Go's `%#U` of a rune: `U+0025 '%'`.
pub fn go_sharp_u(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{}'", c as u32, c)
    }
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    start: usize,
    items: Vec<Item>,
    error: Option<String>,
    paren_depth: i32,
}

pub fn lex(src: &str) -> Lexed {
    let mut l = Lexer {
        src,
        b: src.as_bytes(),
        pos: 0,
        start: 0,
        items: Vec::with_capacity(src.len() / 6 + 4),
        error: None,
        paren_depth: 0,
    };
    l.run();
    Lexed {
        items: l.items,
        error: l.error,
    }
}

impl<'a> Lexer<'a> {
    fn push(&mut self, tok: Tok, pos: usize, end: usize) {
        self.items.push(Item {
            tok,
            pos: pos as u32,
            end: end as u32,
        });
    }

    fn emit(&mut self, tok: Tok) {
        self.push(tok, self.start, self.pos);
        self.start = self.pos;
    }

    fn fail(&mut self, msg: String) {
        self.push(Tok::Error, self.start, self.start);
        self.error = Some(msg);
    }

    fn peek_char(&self) -> Option<char> {
        match self.b.get(self.pos) {
            Some(&c) if c.is_ascii() => Some(c as char),
            None => None,
            Some(_) => self.src[self.pos..].chars().next(),
        }
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = &self.b[self.pos..];
        if has_right_trim(rest) && rest[2..].starts_with(RIGHT.as_bytes()) {
            return (true, true);
        }
        (rest.starts_with(RIGHT.as_bytes()), false)
    }

    fn at_terminator(&self) -> bool {
        match self.b.get(self.pos) {
            None => true,
            Some(&c) => {
                is_space(c)
                    || matches!(c, b'.' | b',' | b'|' | b':' | b')' | b'(')
                    || self.b[self.pos..].starts_with(RIGHT.as_bytes())
            }
        }
    }

    fn run(&mut self) {
        loop {
            // Text state.
            match find_left(&self.src[self.pos..]) {
                Some(x) => {
                    let delim = self.pos + x;
                    let mut text_end = delim;
                    if has_left_trim(&self.b[delim + 2..]) {
                        while text_end > self.start && is_space(self.b[text_end - 1]) {
                            text_end -= 1;
                        }
                    }
                    if text_end > self.start {
                        self.push(Tok::Text, self.start, text_end);
                    }
                    self.pos = delim;
                    self.start = delim;
                    if !self.left_delim() {
                        return;
                    }
                }
                None => {
                    self.pos = self.b.len();
                    if self.pos > self.start {
                        self.push(Tok::Text, self.start, self.pos);
                    }
                    self.start = self.pos;
                    self.emit(Tok::Eof);
                    return;
                }
            }
        }
    }

    /// At `{{`: a comment or an action. Returns false when lexing stopped on an error.
    fn left_delim(&mut self) -> bool {
        self.pos += 2;
        let trim = has_left_trim(&self.b[self.pos..]);
        let after = if trim { 2 } else { 0 };
        if self.b[self.pos + after..].starts_with(b"/*") {
            self.pos += after;
            self.start = self.pos;
            return self.comment();
        }
        self.push(Tok::LeftDelim, self.start, self.pos);
        self.pos += after;
        self.start = self.pos;
        self.paren_depth = 0;
        self.inside_action()
    }

    fn comment(&mut self) -> bool {
        self.pos += 2;
        let Some(x) = self.src[self.pos..].find("*/") else {
            self.fail("unclosed comment".into());
            return false;
        };
        self.pos += x + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            self.fail("comment ends before closing delimiter".into());
            return false;
        }
        if trim {
            self.pos += 2;
        }
        self.pos += 2;
        if trim {
            self.skip_leading_space();
        }
        self.start = self.pos;
        true
    }

    fn skip_leading_space(&mut self) {
        while self.pos < self.b.len() && is_space(self.b[self.pos]) {
            self.pos += 1;
        }
    }

    fn right_delim(&mut self) {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += 2;
            self.start = self.pos;
        }
        self.pos += 2;
        self.emit(Tok::RightDelim);
        if trim {
            self.skip_leading_space();
            self.start = self.pos;
        }
    }

    fn inside_action(&mut self) -> bool {
        loop {
            let (delim, _) = self.at_right_delim();
            if delim {
                if self.paren_depth == 0 {
                    self.right_delim();
                    return true;
                }
                self.fail("unclosed left paren".into());
                return false;
            }
            let Some(c) = self.next_char() else {
                self.fail("unclosed action".into());
                return false;
            };
            match c {
                ' ' | '\t' | '\r' | '\n' => {
                    self.pos -= 1;
                    if self.space() {
                        self.right_delim();
                        return true;
                    }
                }
                '=' => self.emit(Tok::Assign),
                ':' => {
                    if self.next_char() != Some('=') {
                        self.fail("expected :=".into());
                        return false;
                    }
                    self.emit(Tok::Declare);
                }
                '|' => self.emit(Tok::Pipe),
                '"' => {
                    if !self.quote(b'"', "unterminated quoted string", Tok::String) {
                        return false;
                    }
                }
                '\'' => {
                    if !self.quote(b'\'', "unterminated character constant", Tok::CharConstant) {
                        return false;
                    }
                }
                '`' => match self.src[self.pos..].find('`') {
                    Some(x) => {
                        self.pos += x + 1;
                        self.emit(Tok::RawString);
                    }
                    None => {
                        self.fail("unterminated raw quoted string".into());
                        return false;
                    }
                },
                '$' => {
                    if !self.field_or_variable(Tok::Variable) {
                        return false;
                    }
                }
                '.' if self.b.get(self.pos).is_none_or(|c| !c.is_ascii_digit()) => {
                    if !self.field_or_variable(Tok::Field) {
                        return false;
                    }
                }
                '.' | '+' | '-' | '0'..='9' => {
                    self.pos -= 1;
                    if !self.number() {
                        return false;
                    }
                }
                c if is_alnum(c) => {
                    self.pos -= c.len_utf8();
                    if !self.identifier() {
                        return false;
                    }
                }
                '(' => {
                    self.emit(Tok::LeftParen);
                    self.paren_depth += 1;
                }
                ')' => {
                    self.paren_depth -= 1;
                    if self.paren_depth < 0 {
                        self.fail("unexpected right paren".into());
                        return false;
                    }
                    self.emit(Tok::RightParen);
                }
                c if c.is_ascii() && !c.is_ascii_control() => self.emit(Tok::Char),
                c => {
                    self.fail(format!(
                        "unrecognized character in action: {}",
                        go_sharp_u(c)
                    ));
                    return false;
                }
            }
        }
    }

    /// A run of spaces. Returns true when it ends at a trim-marked right delimiter reached
    /// with a single space (the caller then lexes the delimiter).
    fn space(&mut self) -> bool {
        let mut n = 0;
        while self.pos < self.b.len() && is_space(self.b[self.pos]) {
            self.pos += 1;
            n += 1;
        }
        let back = &self.b[self.pos - 1..];
        if has_right_trim(back) && back[2..].starts_with(RIGHT.as_bytes()) {
            self.pos -= 1;
            if n == 1 {
                return true;
            }
        }
        self.emit(Tok::Space);
        false
    }

    fn quote(&mut self, q: u8, unterminated: &str, tok: Tok) -> bool {
        loop {
            match self.b.get(self.pos) {
                None | Some(b'\n') => {
                    self.fail(unterminated.into());
                    return false;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.b.get(self.pos) {
                        None | Some(b'\n') => {
                            self.fail(unterminated.into());
                            return false;
                        }
                        Some(_) => self.pos += 1,
                    }
                }
                Some(&c) if c == q => {
                    self.pos += 1;
                    self.emit(tok);
                    return true;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn field_or_variable(&mut self, tok: Tok) -> bool {
        if self.at_terminator() {
            self.emit(if tok == Tok::Variable {
                Tok::Variable
            } else {
                Tok::Dot
            });
            return true;
        }
        let last = self.alnum_run();
        if !self.at_terminator() {
            let c = last.unwrap_or('\u{fffd}');
            self.fail(format!("bad character {}", go_sharp_u(c)));
            return false;
        }
        self.emit(tok);
        true
    }

    /// Skips letters, digits and `_` (any script, as Go's `isAlphaNumeric`); returns the
    /// character after them (`None` at the end). ASCII runs are skipped bytewise.
    fn alnum_run(&mut self) -> Option<char> {
        loop {
            while let Some(&b) = self.b.get(self.pos) {
                if ASCII_WORD[b as usize] {
                    self.pos += 1;
                } else {
                    break;
                }
            }
            let c = self.peek_char()?;
            if !is_alnum(c) {
                return Some(c);
            }
            self.pos += c.len_utf8();
        }
    }

    fn identifier(&mut self) -> bool {
        let last = self.alnum_run();
        if !self.at_terminator() {
            let c = last.unwrap_or('\u{fffd}');
            self.fail(format!("bad character {}", go_sharp_u(c)));
            return false;
        }
        let tok = match &self.src[self.start..self.pos] {
            "block" => Tok::Block,
            "break" => Tok::Break,
            "continue" => Tok::Continue,
            "define" => Tok::Define,
            "else" => Tok::Else,
            "end" => Tok::End,
            "if" => Tok::If,
            "range" => Tok::Range,
            "nil" => Tok::Nil,
            "template" => Tok::Template,
            "with" => Tok::With,
            "true" | "false" => Tok::Bool,
            _ => Tok::Identifier,
        };
        self.emit(tok);
        true
    }

    fn accept(&mut self, set: &[u8]) -> bool {
        if let Some(&c) = self.b.get(self.pos) {
            if set.contains(&c) {
                self.pos += 1;
                return true;
            }
        }
        false
    }

    fn accept_run(&mut self, set: &[u8]) {
        while self.accept(set) {}
    }

    fn scan_number(&mut self) -> bool {
        self.accept(b"+-");
        let mut digits: &[u8] = b"0123456789_";
        if self.accept(b"0") {
            if self.accept(b"xX") {
                digits = b"0123456789abcdefABCDEF_";
            } else if self.accept(b"oO") {
                digits = b"01234567_";
            } else if self.accept(b"bB") {
                digits = b"01_";
            }
        }
        self.accept_run(digits);
        if self.accept(b".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept(b"eE") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        if digits.len() == 23 && self.accept(b"pP") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        self.accept(b"i");
        if let Some(c) = self.peek_char() {
            if is_alnum(c) {
                self.pos += c.len_utf8();
                return false;
            }
        }
        true
    }

    fn number(&mut self) -> bool {
        if !self.scan_number() {
            let s = crate::template::go_quote(&self.src[self.start..self.pos]);
            self.fail(format!("bad number syntax: {s}"));
            return false;
        }
        if matches!(self.b.get(self.pos), Some(b'+' | b'-')) {
            if !self.scan_number() || self.b[self.pos - 1] != b'i' {
                let s = crate::template::go_quote(&self.src[self.start..self.pos]);
                self.fail(format!("bad number syntax: {s}"));
                return false;
            }
            self.emit(Tok::Complex);
        } else {
            self.emit(Tok::Number);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_left_skips_single_braces() {
        assert_eq!(find_left("a { b {{x}}"), Some(6));
        assert_eq!(find_left("{{{"), Some(0));
        assert_eq!(find_left("é{ {"), None);
        assert_eq!(find_left("{"), None);
        assert!(is_alnum('_') && is_alnum('Z') && is_alnum('é') && !is_alnum('-'));
    }

    fn toks(s: &str) -> Vec<(Tok, String)> {
        let l = lex(s);
        l.items
            .iter()
            .map(|i| (i.tok, s[i.pos as usize..i.end as usize].to_string()))
            .collect()
    }

    #[test]
    fn trims_and_comments() {
        let t = toks("a  {{- .x -}}  b{{/* c */}}d");
        let kinds: Vec<Tok> = t.iter().map(|x| x.0).collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Text,
                Tok::LeftDelim,
                Tok::Field,
                Tok::RightDelim,
                Tok::Text,
                Tok::Text,
                Tok::Eof
            ]
        );
        assert_eq!(t[0].1, "a");
        assert_eq!(t[4].1, "b");
        assert_eq!(t[5].1, "d");
    }

    #[test]
    fn numbers_and_errors() {
        let t = toks("{{ 0x1F 1_000 -3 1e3 'a' }}");
        assert!(t.iter().filter(|x| x.0 == Tok::Number).count() == 4);
        assert!(t.iter().any(|x| x.0 == Tok::CharConstant));
        assert_eq!(lex("{{ .x").error.as_deref(), Some("unclosed action"));
        assert_eq!(
            lex("{{ \"abc }}").error.as_deref(),
            Some("unterminated quoted string")
        );
        assert_eq!(
            lex("{{ 3x }}").error.as_deref(),
            Some("bad number syntax: \"3x\"")
        );
        assert_eq!(lex("{{/* x }}").error.as_deref(), Some("unclosed comment"));
    }
}
