//! SCIM filter expressions (RFC 7644 section 3.4.2.2): parsing text into a [`Filter`], printing it back,
//! and matching resources once the filter is compiled against a resource type's schema.
//!
//! Compiling checks every attribute against the schema and every literal against the attribute's type, so
//! a filter that names an unknown attribute or compares a boolean with `gt` fails with `invalidFilter`
//! before any resource is looked at, and matching itself cannot fail.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use serde_json::{Number, Value};

use super::error::ScimError;
use super::schema::{AttrDef, AttrType, COMMON_ATTRIBUTES, ResourceType, SchemaDef, get_ci};

/// Longest filter accepted, in characters; real provisioning clients send filters of a few dozen.
pub const MAX_FILTER_LEN: usize = 4096;
/// Deepest nesting of `(`, `not (` and `[` accepted, which keeps recursion bounded.
pub const MAX_DEPTH: usize = 32;
/// Most attribute expressions accepted in one filter.
pub const MAX_TERMS: usize = 256;

/// An attribute path: an optional schema URN, an attribute name and an optional sub-attribute, as in
/// `urn:ietf:params:scim:schemas:core:2.0:User:name.givenName`. Names keep the spelling they were given;
/// comparisons with the schema ignore case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub urn: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

impl AttrPath {
    /// A path without URN, e.g. `AttrPath::new("emails", Some("value"))`.
    pub fn new(name: &str, sub: Option<&str>) -> Self {
        AttrPath {
            urn: None,
            name: name.to_string(),
            sub: sub.map(str::to_string),
        }
    }

    /// Parses a bare attribute path (no filter), answering `invalidPath` when it is malformed.
    pub fn parse(text: &str) -> Result<AttrPath, ScimError> {
        parse_attr_path(text.trim()).map_err(ScimError::invalid_path)
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    pub const ALL: [CompareOp; 9] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Co,
        CompareOp::Sw,
        CompareOp::Ew,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Lt,
        CompareOp::Le,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }

    fn from_word(word: &str) -> Option<CompareOp> {
        CompareOp::ALL
            .into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(word))
    }

    fn is_substring(self) -> bool {
        matches!(self, CompareOp::Co | CompareOp::Sw | CompareOp::Ew)
    }

    fn is_ordering(self) -> bool {
        matches!(
            self,
            CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
        )
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A literal on the right of a comparison. Dates are strings; they compare as instants when the
/// attribute is a `dateTime`.
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompValue::Null => f.write_str("null"),
            CompValue::Bool(b) => write!(f, "{b}"),
            CompValue::Number(n) => write!(f, "{n}"),
            // JSON string syntax is SCIM's string syntax, escapes included.
            CompValue::String(s) => write!(f, "{}", Value::String(s.clone())),
        }
    }
}

/// A parsed filter. `and` binds tighter than `or`; both associate to the left.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attr pr`
    Present(AttrPath),
    /// `attr op value`
    Compare(AttrPath, CompareOp, CompValue),
    /// `attr[filter]`: some value of the multi-valued `attr` matches `filter`, whose paths are relative.
    ValuePath(AttrPath, Box<Filter>),
    Not(Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

impl Filter {
    /// Parses filter text, answering `invalidFilter` with the reason and position when it is malformed.
    pub fn parse(text: &str) -> Result<Filter, ScimError> {
        parse_filter(text).map_err(|e| ScimError::invalid_filter(format!("filter: {e}")))
    }

    /// Checks the filter against a resource type and prepares it for matching.
    pub fn compile(&self, resource_type: &'static ResourceType) -> Result<Matcher, ScimError> {
        compile(self, Scope::Resource(resource_type))
            .map(|node| Matcher { node })
            .map_err(|e| ScimError::invalid_filter(format!("filter: {e}")))
    }

    /// Writes the filter with the fewest parentheses that keep its structure.
    fn write(&self, f: &mut fmt::Formatter<'_>, min_prec: u8) -> fmt::Result {
        match self {
            Filter::Or(l, r) => {
                let paren = min_prec > 1;
                if paren {
                    f.write_str("(")?;
                }
                l.write(f, 1)?;
                f.write_str(" or ")?;
                r.write(f, 2)?;
                if paren {
                    f.write_str(")")?;
                }
                Ok(())
            }
            Filter::And(l, r) => {
                let paren = min_prec > 2;
                if paren {
                    f.write_str("(")?;
                }
                l.write(f, 2)?;
                f.write_str(" and ")?;
                r.write(f, 3)?;
                if paren {
                    f.write_str(")")?;
                }
                Ok(())
            }
            Filter::Not(inner) => {
                f.write_str("not (")?;
                inner.write(f, 0)?;
                f.write_str(")")
            }
            Filter::ValuePath(path, inner) => {
                write!(f, "{path}[")?;
                inner.write(f, 0)?;
                f.write_str("]")
            }
            Filter::Present(path) => write!(f, "{path} pr"),
            Filter::Compare(path, op, value) => write!(f, "{path} {op} {value}"),
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

impl FromStr for Filter {
    type Err = ScimError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Filter::parse(s)
    }
}

/// Parses and compiles in one step.
pub fn compile_filter(
    text: &str,
    resource_type: &'static ResourceType,
) -> Result<Matcher, ScimError> {
    Filter::parse(text)?.compile(resource_type)
}

// ---------------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Str(String),
    Num(Number),
    Word(String),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::LParen => f.write_str("'('"),
            Tok::RParen => f.write_str("')'"),
            Tok::LBracket => f.write_str("'['"),
            Tok::RBracket => f.write_str("']'"),
            Tok::Str(s) => write!(f, "the string {}", Value::String(s.clone())),
            Tok::Num(n) => write!(f, "the number {n}"),
            Tok::Word(w) => write!(f, "'{w}'"),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    /// 1-based character position, for messages.
    pub(crate) pos: usize,
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '$' | '_' | '.')
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '_' | '-' | '$')
}

pub(crate) fn lex(input: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&(offset, c)) = chars.get(i) {
        let pos = i + 1;
        let single = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            _ => None,
        };
        if let Some(tok) = single {
            tokens.push(Token { tok, pos });
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut j = i + 1;
            let mut escaped = false;
            let end = loop {
                let Some(&(at, ch)) = chars.get(j) else {
                    return Err(format!(
                        "the string starting at character {pos} is not closed with '\"'"
                    ));
                };
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    break at + 1;
                }
                j += 1;
            };
            let literal = input.get(offset..end).unwrap_or_default();
            let text: String = serde_json::from_str(literal).map_err(|_| {
                format!("the string starting at character {pos} is not a valid JSON string (check its escapes)")
            })?;
            tokens.push(Token {
                tok: Tok::Str(text),
                pos,
            });
            i = j + 1;
        } else if c == '-' || c.is_ascii_digit() {
            let mut j = i;
            while chars.get(j).is_some_and(|&(_, ch)| {
                ch.is_ascii_digit() || matches!(ch, '+' | '-' | '.' | 'e' | 'E')
            }) {
                j += 1;
            }
            let end = chars.get(j).map_or(input.len(), |&(at, _)| at);
            let text = input.get(offset..end).unwrap_or_default();
            let n = parse_number(text)
                .ok_or_else(|| format!("'{text}' at character {pos} is not a number"))?;
            tokens.push(Token {
                tok: Tok::Num(n),
                pos,
            });
            i = j;
        } else if is_word_start(c) {
            let mut j = i;
            while chars.get(j).is_some_and(|&(_, ch)| is_word_char(ch)) {
                j += 1;
            }
            let end = chars.get(j).map_or(input.len(), |&(at, _)| at);
            let word = input.get(offset..end).unwrap_or_default().to_string();
            tokens.push(Token {
                tok: Tok::Word(word),
                pos,
            });
            i = j;
        } else {
            return Err(format!("unexpected character '{c}' at character {pos}"));
        }
    }
    Ok(tokens)
}

/// A JSON number. serde_json checks the syntax; the value of a fraction comes from the standard library's
/// correctly rounded parser, so that printing and parsing again gives the same number.
fn parse_number(text: &str) -> Option<Number> {
    let checked = Number::from_str(text).ok()?;
    if !text.contains(['.', 'e', 'E']) {
        return Some(checked);
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

// ---------------------------------------------------------------------------------------------------
// Parser

pub(crate) fn valid_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(crate) fn parse_attr_path(word: &str) -> Result<AttrPath, String> {
    if word.is_empty() {
        return Err("the attribute path is empty".into());
    }
    let (urn, rest) = match word.rfind(':') {
        Some(idx) => {
            let urn = word.get(..idx).unwrap_or_default();
            let rest = word.get(idx + 1..).unwrap_or_default();
            let is_urn =
                urn.len() > 4 && urn.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
            if !is_urn {
                return Err(format!(
                    "'{word}' is not an attribute path: only a schema URN (urn:...) may contain ':'"
                ));
            }
            if rest.is_empty() {
                return Err(format!(
                    "'{word}' ends with ':'; name an attribute after the schema URN"
                ));
            }
            (Some(urn.to_string()), rest)
        }
        None => (None, word),
    };
    let mut parts = rest.split('.');
    let name = parts.next().unwrap_or_default();
    let sub = parts.next();
    if parts.next().is_some() {
        return Err(format!(
            "'{word}' has more than one '.'; a path names an attribute and at most one sub-attribute, as in name.givenName"
        ));
    }
    for part in std::iter::once(name).chain(sub) {
        if !valid_attr_name(part) {
            return Err(format!(
                "'{word}' is not an attribute path: '{part}' is not an attribute name (a letter, then letters, digits, '-' or '_')"
            ));
        }
    }
    Ok(AttrPath {
        urn,
        name: name.to_string(),
        sub: sub.map(str::to_string),
    })
}

fn parse_filter(text: &str) -> Result<Filter, String> {
    let len = text.chars().count();
    if len > MAX_FILTER_LEN {
        return Err(format!(
            "the filter is {len} characters long; the limit is {MAX_FILTER_LEN}"
        ));
    }
    let tokens = lex(text)?;
    if tokens.is_empty() {
        return Err(
            "the filter is empty; an expression reads like userName eq \"bjensen@example.com\""
                .into(),
        );
    }
    let mut parser = Parser::new(&tokens);
    let filter = parser.parse_or(false)?;
    if let Some(t) = parser.tokens.get(parser.i) {
        return Err(format!(
            "unexpected {} at character {}; join expressions with 'and' or 'or'",
            t.tok, t.pos
        ));
    }
    Ok(filter)
}

pub(crate) struct Parser<'a> {
    pub(crate) tokens: &'a [Token],
    pub(crate) i: usize,
    depth: usize,
    terms: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(tokens: &'a [Token]) -> Self {
        Parser {
            tokens,
            i: 0,
            depth: 0,
            terms: 0,
        }
    }

    pub(crate) fn peek(&self) -> Option<&'a Tok> {
        self.tokens.get(self.i).map(|t| &t.tok)
    }

    fn peek_at(&self, offset: usize) -> Option<&'a Tok> {
        self.tokens.get(self.i + offset).map(|t| &t.tok)
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    /// Where the parser stands, for messages.
    fn here(&self) -> String {
        match self.tokens.get(self.i) {
            Some(t) => format!("{} at character {}", t.tok, t.pos),
            None => "the end of the filter".into(),
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "the filter nests '(', 'not (' and '[' more than {MAX_DEPTH} deep"
            ));
        }
        Ok(())
    }

    fn expect(&mut self, tok: Tok, opened_at: usize) -> Result<(), String> {
        if self.peek() == Some(&tok) {
            self.i += 1;
            self.depth = self.depth.saturating_sub(1);
            Ok(())
        } else {
            Err(format!(
                "expected {tok} to close the one at character {opened_at}, found {}",
                self.here()
            ))
        }
    }

    pub(crate) fn parse_or(&mut self, in_value_path: bool) -> Result<Filter, String> {
        let mut left = self.parse_and(in_value_path)?;
        while self.peek_keyword("or") {
            self.i += 1;
            let right = self.parse_and(in_value_path)?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parse_and(&mut self, in_value_path: bool) -> Result<Filter, String> {
        let mut left = self.parse_unary(in_value_path)?;
        while self.peek_keyword("and") {
            self.i += 1;
            let right = self.parse_unary(in_value_path)?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parse_unary(&mut self, in_value_path: bool) -> Result<Filter, String> {
        let pos = self.tokens.get(self.i).map_or(0, |t| t.pos);
        match self.peek() {
            Some(Tok::Word(w))
                if w.eq_ignore_ascii_case("not") && self.peek_at(1) == Some(&Tok::LParen) =>
            {
                let open = self.tokens.get(self.i + 1).map_or(pos, |t| t.pos);
                self.i += 2;
                self.enter()?;
                let inner = self.parse_or(in_value_path)?;
                self.expect(Tok::RParen, open)?;
                Ok(Filter::Not(Box::new(inner)))
            }
            Some(Tok::LParen) => {
                self.i += 1;
                self.enter()?;
                let inner = self.parse_or(in_value_path)?;
                self.expect(Tok::RParen, pos)?;
                Ok(inner)
            }
            Some(Tok::Word(w)) => {
                if w.eq_ignore_ascii_case("not") {
                    return Err(format!(
                        "'not' at character {pos} must be followed by a parenthesised expression, as in not (title pr)"
                    ));
                }
                let path = parse_attr_path(w).map_err(|e| format!("{e} (at character {pos})"))?;
                self.i += 1;
                self.terms += 1;
                if self.terms > MAX_TERMS {
                    return Err(format!("the filter has more than {MAX_TERMS} expressions"));
                }
                self.parse_after_path(path, pos, in_value_path)
            }
            Some(_) => Err(format!(
                "expected an attribute name, 'not (' or '(' but found {}",
                self.here()
            )),
            None => {
                Err("the filter ends too early; expected an attribute name, 'not (' or '('".into())
            }
        }
    }

    fn parse_after_path(
        &mut self,
        path: AttrPath,
        pos: usize,
        in_value_path: bool,
    ) -> Result<Filter, String> {
        match self.peek() {
            Some(Tok::LBracket) => {
                if in_value_path {
                    return Err(format!(
                        "'{path}[' at character {pos}: a [...] filter cannot be nested inside another"
                    ));
                }
                if path.sub.is_some() {
                    return Err(format!(
                        "'{path}[' at character {pos}: [...] selects values of a multi-valued attribute, not of a sub-attribute"
                    ));
                }
                let open = self.tokens.get(self.i).map_or(pos, |t| t.pos);
                self.i += 1;
                self.enter()?;
                let inner = self.parse_or(true)?;
                self.expect(Tok::RBracket, open)?;
                if let Some(Tok::Word(w)) = self.peek()
                    && w.starts_with('.')
                {
                    return Err(format!(
                        "'{path}[...]{w}': a filter cannot name a sub-attribute after [...]; put the test inside, as in emails[type eq \"work\" and value co \"@example.com\"]"
                    ));
                }
                Ok(Filter::ValuePath(path, Box::new(inner)))
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("pr") => {
                self.i += 1;
                Ok(Filter::Present(path))
            }
            Some(Tok::Word(w)) => {
                let Some(op) = CompareOp::from_word(w) else {
                    return Err(format!(
                        "unknown operator {} after {path}; use eq, ne, co, sw, ew, gt, ge, lt, le or pr",
                        self.here()
                    ));
                };
                self.i += 1;
                let value = self.parse_value(&path, op)?;
                Ok(Filter::Compare(path, op, value))
            }
            _ => Err(format!(
                "expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after {path}, found {}",
                self.here()
            )),
        }
    }

    fn parse_value(&mut self, path: &AttrPath, op: CompareOp) -> Result<CompValue, String> {
        let value = match self.peek() {
            Some(Tok::Str(s)) => CompValue::String(s.clone()),
            Some(Tok::Num(n)) => CompValue::Number(n.clone()),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => CompValue::Bool(true),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => CompValue::Bool(false),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("null") => CompValue::Null,
            _ => {
                return Err(format!(
                    "expected a value after '{path} {op}' (a \"quoted string\", a number, true, false or null), found {}",
                    self.here()
                ));
            }
        };
        self.i += 1;
        Ok(value)
    }
}

// ---------------------------------------------------------------------------------------------------
// Schema resolution

/// An attribute path resolved against a resource type: where the attribute lives and its definitions.
#[derive(Debug, Clone, Copy)]
pub struct Resolved {
    /// The extension URN whose object holds the attribute, `None` for core and common attributes.
    pub extension: Option<&'static SchemaDef>,
    pub attr: &'static AttrDef,
    pub sub: Option<&'static AttrDef>,
}

impl Resolved {
    /// The innermost definition the path names.
    pub fn leaf(&self) -> &'static AttrDef {
        self.sub.unwrap_or(self.attr)
    }

    /// The canonical spelling of the path, e.g. `name.givenName`.
    pub fn display(&self) -> String {
        let mut s = String::new();
        if let Some(ext) = self.extension {
            s.push_str(ext.id);
            s.push(':');
        }
        s.push_str(self.attr.name);
        if let Some(sub) = self.sub {
            s.push('.');
            s.push_str(sub.name);
        }
        s
    }
}

/// The schema a URN-only path names (such as `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`),
/// which the parser reads as a URN plus the attribute name `User`.
pub(crate) fn schema_ref(rt: &'static ResourceType, path: &AttrPath) -> Option<&'static SchemaDef> {
    let urn = path.urn.as_ref()?;
    if path.sub.is_some() {
        return None;
    }
    let full = format!("{urn}:{}", path.name);
    if rt.schema.id.eq_ignore_ascii_case(&full) {
        return Some(rt.schema);
    }
    rt.extension(&full)
}

/// Resolves a top-level path; the error is a detail sentence naming the unknown part.
pub(crate) fn resolve(rt: &'static ResourceType, path: &AttrPath) -> Result<Resolved, String> {
    let (extension, attr) = match &path.urn {
        None => {
            let attr = COMMON_ATTRIBUTES
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(&path.name))
                .or_else(|| rt.schema.attr(&path.name));
            match attr {
                Some(a) => (None, a),
                None => {
                    let hint = rt
                        .extensions
                        .iter()
                        .find(|e| e.schema.attr(&path.name).is_some())
                        .map(|e| {
                            format!(
                                "; extension attributes need their schema URN, as in {}:{}",
                                e.schema.id, path.name
                            )
                        })
                        .unwrap_or_default();
                    return Err(format!(
                        "'{}' is not an attribute of {}{hint}",
                        path.name, rt.name
                    ));
                }
            }
        }
        Some(urn) => {
            if schema_ref(rt, path).is_some() {
                return Err(format!("'{path}' names a schema, not an attribute"));
            }
            if urn.eq_ignore_ascii_case(rt.schema.id) {
                let attr = COMMON_ATTRIBUTES
                    .iter()
                    .find(|a| a.name.eq_ignore_ascii_case(&path.name))
                    .or_else(|| rt.schema.attr(&path.name))
                    .ok_or_else(|| format!("'{}' is not an attribute of {urn}", path.name))?;
                (None, attr)
            } else if let Some(ext) = rt.extension(urn) {
                let attr = ext
                    .attr(&path.name)
                    .ok_or_else(|| format!("'{}' is not an attribute of {}", path.name, ext.id))?;
                (Some(ext), attr)
            } else {
                let known: Vec<&str> = std::iter::once(rt.schema.id)
                    .chain(rt.extensions.iter().map(|e| e.schema.id))
                    .collect();
                return Err(format!(
                    "unknown schema URN '{urn}'; {} uses {}",
                    rt.name,
                    known.join(" and ")
                ));
            }
        }
    };
    let sub = match &path.sub {
        None => None,
        Some(sub) => Some(attr.sub(sub).ok_or_else(|| {
            if attr.ty == AttrType::Complex {
                let names: Vec<&str> = attr.sub_attributes.iter().map(|s| s.name).collect();
                format!(
                    "'{}' has no sub-attribute '{sub}'; it has {}",
                    attr.name,
                    names.join(", ")
                )
            } else {
                format!("'{}' has no sub-attributes", attr.name)
            }
        })?),
    };
    Ok(Resolved {
        extension,
        attr,
        sub,
    })
}

/// Resolves a path inside `parent[...]`: a bare sub-attribute name of `parent`.
pub(crate) fn resolve_in(
    parent: &'static AttrDef,
    path: &AttrPath,
) -> Result<&'static AttrDef, String> {
    if path.urn.is_some() || path.sub.is_some() {
        return Err(format!(
            "inside {}[...] name a sub-attribute of {} alone, e.g. {}",
            parent.name,
            parent.name,
            parent.sub_attributes.first().map_or("value", |s| s.name)
        ));
    }
    parent.sub(&path.name).ok_or_else(|| {
        let names: Vec<&str> = parent.sub_attributes.iter().map(|s| s.name).collect();
        format!(
            "'{}' is not a sub-attribute of {}; it has {}",
            path.name,
            parent.name,
            names.join(", ")
        )
    })
}

// ---------------------------------------------------------------------------------------------------
// Compilation and matching

/// A filter checked against a schema, ready to test resources.
#[derive(Debug, Clone)]
pub struct Matcher {
    node: Node,
}

impl Matcher {
    /// Whether the resource (a JSON object in SCIM shape) matches.
    pub fn matches(&self, resource: &Value) -> bool {
        self.node.matches(resource)
    }

    /// Compiles a filter whose paths are relative to values of the complex attribute `parent`, as the
    /// filter inside `emails[...]` is.
    pub(crate) fn for_values_of(
        parent: &'static AttrDef,
        filter: &Filter,
    ) -> Result<Matcher, String> {
        compile(filter, Scope::Element(parent)).map(|node| Matcher { node })
    }
}

#[derive(Debug, Clone, Copy)]
enum Scope {
    Resource(&'static ResourceType),
    Element(&'static AttrDef),
}

/// Reads the values a path names from a resource or from one value of a multi-valued attribute.
#[derive(Debug, Clone)]
struct Accessor {
    extension: Option<&'static str>,
    attr: &'static str,
    sub: Option<&'static str>,
}

/// Arrays stand for their elements: a multi-valued attribute matches when one of its values does.
fn any_flat(v: &Value, f: &mut dyn FnMut(&Value) -> bool) -> bool {
    match v {
        Value::Array(items) => items.iter().any(f),
        other => f(other),
    }
}

impl Accessor {
    /// Whether `f` holds for one of the values the path names; stops at the first, allocates nothing.
    fn any(&self, root: &Value, f: &mut dyn FnMut(&Value) -> bool) -> bool {
        let Some(mut obj) = root.as_object() else {
            return false;
        };
        if let Some(urn) = self.extension {
            match get_ci(obj, urn).and_then(Value::as_object) {
                Some(ext) => obj = ext,
                None => return false,
            }
        }
        let Some(value) = get_ci(obj, self.attr) else {
            return false;
        };
        match self.sub {
            None => any_flat(value, f),
            Some(sub) => any_flat(value, &mut |parent| {
                parent
                    .as_object()
                    .and_then(|o| get_ci(o, sub))
                    .is_some_and(|v| any_flat(v, f))
            }),
        }
    }
}

/// Whether a value counts as unassigned (RFC 7643 section 2.5): null, empty, or made only of such.
pub(crate) fn is_unassigned(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.iter().all(is_unassigned),
        Value::Object(map) => map.values().all(is_unassigned),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

#[derive(Debug, Clone)]
enum Operand {
    Null,
    Bool(bool),
    Number(f64),
    /// Already folded to lower case when the attribute is not case-exact.
    Str {
        text: String,
        case_exact: bool,
    },
    Date(DateTime<FixedOffset>),
}

#[derive(Debug, Clone)]
enum Node {
    Present(Accessor),
    Compare(Accessor, CompareOp, Operand),
    Any(Accessor, Box<Node>),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
}

/// Lower-cases only when needed, so that the common all-lower-case value costs no allocation.
fn fold(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn ordering_holds(op: CompareOp, ord: Ordering) -> bool {
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

/// Tests one value; `ne` is handled by the caller as "no value is equal".
fn test_value(value: &Value, op: CompareOp, operand: &Operand) -> bool {
    match (operand, value) {
        (Operand::Bool(b), Value::Bool(v)) => op == CompareOp::Eq && v == b,
        (Operand::Number(n), Value::Number(v)) => v
            .as_f64()
            .and_then(|v| v.partial_cmp(n))
            .is_some_and(|ord| ordering_holds(op, ord)),
        (Operand::Str { text, case_exact }, Value::String(v)) => {
            let v = if *case_exact {
                Cow::Borrowed(v.as_str())
            } else {
                fold(v)
            };
            match op {
                CompareOp::Co => v.contains(text.as_str()),
                CompareOp::Sw => v.starts_with(text.as_str()),
                CompareOp::Ew => v.ends_with(text.as_str()),
                _ => ordering_holds(op, v.as_ref().cmp(text.as_str())),
            }
        }
        (Operand::Date(at), Value::String(v)) => {
            DateTime::parse_from_rfc3339(v).is_ok_and(|v| ordering_holds(op, v.cmp(at)))
        }
        _ => false,
    }
}

impl Node {
    fn matches(&self, root: &Value) -> bool {
        match self {
            Node::Present(acc) => acc.any(root, &mut |v| !is_unassigned(v)),
            Node::Compare(acc, op, operand) => match (operand, op) {
                (Operand::Null, CompareOp::Eq) => !acc.any(root, &mut |v| !is_unassigned(v)),
                (Operand::Null, _) => acc.any(root, &mut |v| !is_unassigned(v)),
                (_, CompareOp::Ne) => {
                    !acc.any(root, &mut |v| test_value(v, CompareOp::Eq, operand))
                }
                _ => acc.any(root, &mut |v| test_value(v, *op, operand)),
            },
            Node::Any(acc, inner) => acc.any(root, &mut |v| inner.matches(v)),
            Node::Not(inner) => !inner.matches(root),
            Node::And(l, r) => l.matches(root) && r.matches(root),
            Node::Or(l, r) => l.matches(root) || r.matches(root),
        }
    }
}

/// Resolves a path in a scope into an accessor plus the definitions it reaches.
fn access(
    scope: Scope,
    path: &AttrPath,
) -> Result<(Accessor, &'static AttrDef, Option<&'static AttrDef>), String> {
    match scope {
        Scope::Resource(rt) => {
            let r = resolve(rt, path)?;
            Ok((
                Accessor {
                    extension: r.extension.map(|e| e.id),
                    attr: r.attr.name,
                    sub: r.sub.map(|s| s.name),
                },
                r.attr,
                r.sub,
            ))
        }
        Scope::Element(parent) => {
            let def = resolve_in(parent, path)?;
            Ok((
                Accessor {
                    extension: None,
                    attr: def.name,
                    sub: None,
                },
                def,
                None,
            ))
        }
    }
}

fn compile(filter: &Filter, scope: Scope) -> Result<Node, String> {
    Ok(match filter {
        Filter::And(l, r) => Node::And(Box::new(compile(l, scope)?), Box::new(compile(r, scope)?)),
        Filter::Or(l, r) => Node::Or(Box::new(compile(l, scope)?), Box::new(compile(r, scope)?)),
        Filter::Not(inner) => Node::Not(Box::new(compile(inner, scope)?)),
        Filter::Present(path) => Node::Present(access(scope, path)?.0),
        Filter::ValuePath(path, inner) => {
            let Scope::Resource(_) = scope else {
                return Err(format!(
                    "'{path}[': a [...] filter cannot be nested inside another"
                ));
            };
            let (acc, attr, _) = access(scope, path)?;
            if attr.ty != AttrType::Complex {
                return Err(format!(
                    "'{path}[...]': [...] selects values of a complex attribute, and {} is a {}",
                    attr.name,
                    attr.ty.as_str()
                ));
            }
            Node::Any(acc, Box::new(compile(inner, Scope::Element(attr))?))
        }
        Filter::Compare(path, op, value) => {
            let (mut acc, attr, sub) = access(scope, path)?;
            let mut leaf = sub.unwrap_or(attr);
            if leaf.ty == AttrType::Complex && leaf.multi_valued {
                // `emails eq "x"` compares the `value` of each email (RFC 7644 section 3.4.2.2).
                if let Some(value_def) = leaf.sub("value") {
                    acc.sub = Some(value_def.name);
                    leaf = value_def;
                }
            }
            let operand = compile_operand(path, leaf, *op, value)?;
            Node::Compare(acc, *op, operand)
        }
    })
}

fn compile_operand(
    path: &AttrPath,
    def: &AttrDef,
    op: CompareOp,
    value: &CompValue,
) -> Result<Operand, String> {
    // Any attribute, complex ones included, can be tested for being unassigned.
    if *value == CompValue::Null && matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(Operand::Null);
    }
    if def.ty == AttrType::Complex {
        let example = def.sub_attributes.first().map_or("value", |s| s.name);
        return Err(format!(
            "{path} is complex; compare one of its sub-attributes, as in {path}.{example}"
        ));
    }
    match value {
        CompValue::Null => match op {
            CompareOp::Eq | CompareOp::Ne => Ok(Operand::Null),
            _ => Err(format!("'{path} {op} null': null can be compared only with eq or ne")),
        },
        CompValue::Bool(b) => match def.ty {
            AttrType::Boolean if matches!(op, CompareOp::Eq | CompareOp::Ne) => Ok(Operand::Bool(*b)),
            AttrType::Boolean => Err(format!("{path} is a boolean; compare it with eq or ne")),
            other => Err(format!(
                "{path} is a {}; {b} is a boolean",
                other.as_str()
            )),
        },
        CompValue::Number(n) => match def.ty {
            AttrType::Integer | AttrType::Decimal if op.is_substring() => Err(format!(
                "{path} is a number; {op} applies to strings"
            )),
            AttrType::Integer | AttrType::Decimal => n
                .as_f64()
                .map(Operand::Number)
                .ok_or_else(|| format!("{n} is not a usable number")),
            AttrType::Boolean => Err(format!(
                "{path} is a boolean; compare it with true or false"
            )),
            other => Err(format!(
                "{path} is a {}; put the value in double quotes, as in {path} {op} \"{n}\"",
                other.as_str()
            )),
        },
        CompValue::String(s) => match def.ty {
            AttrType::String | AttrType::Reference => Ok(Operand::Str {
                text: if def.case_exact {
                    s.clone()
                } else {
                    fold(s).into_owned()
                },
                case_exact: def.case_exact,
            }),
            AttrType::DateTime if op.is_substring() => Ok(Operand::Str {
                text: s.clone(),
                case_exact: true,
            }),
            AttrType::DateTime => DateTime::parse_from_rfc3339(s).map(Operand::Date).map_err(|_| {
                format!(
                    "{path} is a dateTime; \"{s}\" is not one (write it as \"2024-01-31T09:30:00Z\")"
                )
            }),
            AttrType::Boolean => Err(format!(
                "{path} is a boolean; compare it with true or false, without quotes"
            )),
            AttrType::Integer | AttrType::Decimal => Err(format!(
                "{path} is a number; write the value without quotes"
            )),
            AttrType::Complex => Err(format!("{path} is complex")),
        },
    }
    .and_then(|operand| {
        if op.is_ordering() && def.ty == AttrType::Boolean {
            Err(format!("{path} is a boolean; {op} does not apply"))
        } else {
            Ok(operand)
        }
    })
}

#[cfg(test)]
mod tests;
