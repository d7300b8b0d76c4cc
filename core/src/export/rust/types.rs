//! Field types as people write them on stickies, turned into Rust types that compile without
//! dependencies: known scalars and collections as they are, common spellings of scalars
//! (`string`, `int`) as the scalar, anything else as a newtype in `crate::types`.

use super::super::ident::{pascal, Namespace};
use super::MAX_IDENT;
use std::collections::BTreeMap;

/// A type as written, parsed far enough to be rendered.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Named(String, Vec<Ty>),
    Tuple(Vec<Ty>),
    Array(Box<Ty>, usize),
}

fn parse(s: &str) -> Option<Ty> {
    let mut p = Parser {
        s: s.as_bytes(),
        i: 0,
    };
    let ty = p.ty()?;
    p.ws();
    (p.i == p.s.len()).then_some(ty)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b':')
        {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn list(&mut self, close: u8) -> Option<Vec<Ty>> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Some(items);
        }
        loop {
            items.push(self.ty()?);
            if self.eat(close) {
                return Some(items);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn ty(&mut self) -> Option<Ty> {
        if self.eat(b'(') {
            return Some(Ty::Tuple(self.list(b')')?));
        }
        if self.eat(b'[') {
            let inner = self.ty()?;
            if !self.eat(b';') {
                return None;
            }
            let n = self.word()?.parse().ok()?;
            return self.eat(b']').then(|| Ty::Array(Box::new(inner), n));
        }
        let name = self.word()?;
        let args = if self.eat(b'<') {
            self.list(b'>')?
        } else {
            Vec::new()
        };
        Some(Ty::Named(name, args))
    }
}

/// A type as the crate writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum RType {
    Scalar(&'static str),
    /// A newtype in `crate::types`, by its name there.
    New(String),
    Vec(Box<RType>),
    Option(Box<RType>),
    Box(Box<RType>),
    /// `BTreeSet` or `HashSet`.
    Set(&'static str, Box<RType>),
    /// `BTreeMap` or `HashMap`.
    Map(&'static str, Box<RType>, Box<RType>),
    Tuple(Vec<RType>),
    Array(Box<RType>, usize),
}

const SCALARS: &[&str] = &[
    "String", "bool", "char", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
    "i64", "i128", "isize", "f32", "f64",
];

/// A scalar by its Rust name, or by a spelling people use for it on stickies.
fn scalar(name: &str) -> Option<&'static str> {
    if let Some(s) = SCALARS.iter().find(|s| **s == name) {
        return Some(s);
    }
    Some(match name.to_ascii_lowercase().as_str() {
        "string" | "str" => "String",
        "int" | "integer" | "long" => "i64",
        "float" | "double" => "f64",
        "boolean" | "bool" => "bool",
        _ => return None,
    })
}

/// Names a newtype must not take: the prelude and `std` names the generated code uses, and
/// the scalars (`pub struct String(pub String)` would not compile).
const RESERVED: &[&str] = &[
    "Self",
    "Aggregate",
    "Command",
    "Event",
    "Error",
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "Ok",
    "Err",
    "Some",
    "None",
    "Default",
    "Debug",
    "Clone",
    "Copy",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "ToString",
    "ToOwned",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Display",
    "Formatter",
    "Unpin",
    "BTreeMap",
    "BTreeSet",
    "HashMap",
    "HashSet",
];

/// The newtypes of a crate: one per name written on the board, named once.
pub struct Newtypes {
    names: Namespace,
    by_written: BTreeMap<String, String>,
}

impl Default for Newtypes {
    fn default() -> Self {
        Self {
            names: Namespace::with_reserved(RESERVED),
            by_written: BTreeMap::new(),
        }
    }
}

impl Newtypes {
    fn name(&mut self, written: &str) -> String {
        if let Some(name) = self.by_written.get(written) {
            return name.clone();
        }
        let mut name: String = pascal(written, "Type").chars().take(MAX_IDENT).collect();
        if RESERVED.contains(&name.as_str()) {
            name.push_str("Type");
        }
        let name = self.names.unique(name);
        self.by_written.insert(written.to_owned(), name.clone());
        name
    }

    /// Each newtype with the name it was written as, ordered by newtype.
    pub fn all(&self) -> Vec<(&str, &str)> {
        let mut all: Vec<(&str, &str)> = self
            .by_written
            .iter()
            .map(|(written, name)| (name.as_str(), written.as_str()))
            .collect();
        all.sort();
        all
    }

    pub fn is_empty(&self) -> bool {
        self.by_written.is_empty()
    }

    /// The type written as `written`, or why it cannot be (then the field is a `String`).
    pub fn resolve(&mut self, written: &str) -> Result<RType, &'static str> {
        let ty = parse(written).ok_or("it does not read as a type")?;
        self.normalize(&ty)
    }

    fn normalize(&mut self, t: &Ty) -> Result<RType, &'static str> {
        Ok(match t {
            Ty::Named(n, args) if args.is_empty() => match scalar(n) {
                Some(s) => RType::Scalar(s),
                None if n.contains(':') => return Err("paths to other crates need a dependency"),
                None => RType::New(self.name(n)),
            },
            Ty::Named(n, args) => match (n.as_str(), args.as_slice()) {
                ("Vec", [a]) => RType::Vec(Box::new(self.normalize(a)?)),
                ("Option", [a]) => RType::Option(Box::new(self.normalize(a)?)),
                ("Box", [a]) => RType::Box(Box::new(self.normalize(a)?)),
                (s @ ("BTreeSet" | "HashSet"), [a]) => {
                    let a = self.normalize(a)?;
                    if a.has_float() {
                        return Err("floating point numbers cannot be set members");
                    }
                    RType::Set(
                        if s == "BTreeSet" {
                            "BTreeSet"
                        } else {
                            "HashSet"
                        },
                        Box::new(a),
                    )
                }
                (m @ ("BTreeMap" | "HashMap"), [k, v]) => {
                    let k = self.normalize(k)?;
                    if k.has_float() {
                        return Err("floating point numbers cannot be map keys");
                    }
                    let v = self.normalize(v)?;
                    let m = if m == "BTreeMap" {
                        "BTreeMap"
                    } else {
                        "HashMap"
                    };
                    RType::Map(m, Box::new(k), Box::new(v))
                }
                _ => return Err("only Vec, Option, Box, sets and maps take type arguments here"),
            },
            Ty::Tuple(items) if items.len() <= 12 => RType::Tuple(
                items
                    .iter()
                    .map(|i| self.normalize(i))
                    .collect::<Result<_, _>>()?,
            ),
            Ty::Tuple(_) => return Err("tuples of more than 12 have no Default"),
            // Default is implemented for arrays up to 32 long.
            Ty::Array(inner, n) if *n <= 32 => RType::Array(Box::new(self.normalize(inner)?), *n),
            Ty::Array(..) => return Err("arrays longer than 32 have no Default"),
        })
    }
}

impl RType {
    /// The type as the crate writes it (in rustfmt's spelling).
    pub fn render(&self) -> String {
        match self {
            RType::Scalar(s) => (*s).to_owned(),
            RType::New(n) => format!("crate::types::{n}"),
            RType::Vec(t) => format!("Vec<{}>", t.render()),
            RType::Option(t) => format!("Option<{}>", t.render()),
            RType::Box(t) => format!("Box<{}>", t.render()),
            RType::Set(s, t) => format!("std::collections::{s}<{}>", t.render()),
            RType::Map(m, k, v) => {
                format!("std::collections::{m}<{}, {}>", k.render(), v.render())
            }
            RType::Tuple(items) if items.len() == 1 => format!("({},)", items[0].render()),
            RType::Tuple(items) => format!(
                "({})",
                items
                    .iter()
                    .map(RType::render)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RType::Array(t, n) => format!("[{}; {n}]", t.render()),
        }
    }

    fn has_float(&self) -> bool {
        match self {
            RType::Scalar(s) => *s == "f32" || *s == "f64",
            RType::New(_) => false,
            RType::Vec(t) | RType::Option(t) | RType::Box(t) | RType::Set(_, t) => t.has_float(),
            RType::Array(t, _) => t.has_float(),
            RType::Map(_, k, v) => k.has_float() || v.has_float(),
            RType::Tuple(items) => items.iter().any(RType::has_float),
        }
    }

    /// Whether values are `Copy` (read through a reference with `*`, not `.clone()`).
    pub fn is_copy(&self) -> bool {
        match self {
            RType::Scalar(s) => *s != "String",
            RType::Option(t) | RType::Array(t, _) => t.is_copy(),
            RType::Tuple(items) => items.iter().all(RType::is_copy),
            _ => false,
        }
    }

    /// Roughly the bytes a value takes, to tell when one enum variant dwarfs the others.
    pub fn size(&self) -> usize {
        match self {
            RType::Scalar(s) => match *s {
                "bool" | "u8" | "i8" => 1,
                "u16" | "i16" => 2,
                "char" | "u32" | "i32" | "f32" => 4,
                "u128" | "i128" => 16,
                "String" => 24,
                _ => 8,
            },
            RType::New(_) | RType::Vec(_) | RType::Set(..) | RType::Map(..) => 48,
            RType::Box(_) => 8,
            RType::Option(t) => t.size() + 8,
            RType::Tuple(items) => items.iter().map(RType::size).sum(),
            RType::Array(t, n) => t.size() * n,
        }
    }

    /// A value of this type for a test: distinct per `n` where that is cheap to write (so a
    /// field that ends up in the wrong place shows), `Default::default()` otherwise.
    pub fn sample(&self, n: usize) -> String {
        let sample = match self {
            RType::Scalar("String") => format!("\"s{n}\".into()"),
            RType::Scalar("bool") => "true".into(),
            RType::Scalar("char") => format!("'{}'", char::from(b'a' + (n % 26) as u8)),
            // Small enough for every integer type (an i8 holds up to 127).
            RType::Scalar("f32" | "f64") => format!("{}.5", n % 100),
            RType::Scalar(_) => (n % 100).to_string(),
            RType::New(name) => format!("crate::types::{name}(\"s{n}\".into())"),
            RType::Vec(t) => format!("vec![{}]", t.sample(n)),
            RType::Option(t) => format!("Some({})", t.sample(n)),
            RType::Box(t) => format!("Box::new({})", t.sample(n)),
            RType::Tuple(items) if items.is_empty() => "()".into(),
            RType::Tuple(items) if items.len() == 1 => format!("({},)", items[0].sample(n)),
            RType::Tuple(items) => format!(
                "({})",
                items
                    .iter()
                    .enumerate()
                    .map(|(i, t)| t.sample(n + i))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RType::Array(t, len) if t.is_copy() => format!("[{}; {len}]", t.sample(n)),
            _ => DEFAULT.into(),
        };
        if sample.len() > super::MAX_SAMPLE || sample.contains(DEFAULT) {
            DEFAULT.into()
        } else {
            sample
        }
    }
}

const DEFAULT: &str = "Default::default()";

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Result<String, &'static str> {
        Newtypes::default().resolve(s).map(|t| t.render())
    }

    #[test]
    fn types_render_to_something_that_compiles() {
        assert_eq!(r("u32").as_deref(), Ok("u32"));
        assert_eq!(r("string").as_deref(), Ok("String"));
        assert_eq!(r("Integer").as_deref(), Ok("i64"));
        assert_eq!(
            r("Option<Uuid>").as_deref(),
            Ok("Option<crate::types::Uuid>")
        );
        assert_eq!(r("Vec<(String, u64)>").as_deref(), Ok("Vec<(String, u64)>"));
        assert_eq!(r("(u8)").as_deref(), Ok("(u8,)"));
        assert_eq!(r("[u8; 32]").as_deref(), Ok("[u8; 32]"));
        assert!(r("[u8; 64]").is_err());
        assert!(r("HashMap<f64, u8>").is_err());
        assert!(r("chrono::DateTime<Utc>").is_err());
        assert!(r("&'static str").is_err());
        assert_eq!(
            r("BTreeMap<String, Vec<u8>>").as_deref(),
            Ok("std::collections::BTreeMap<String, Vec<u8>>")
        );
    }

    #[test]
    fn newtypes_never_take_a_name_the_crate_uses() {
        let mut n = Newtypes::default();
        assert_eq!(
            n.resolve("Result").unwrap().render(),
            "crate::types::ResultType"
        );
        assert_eq!(n.resolve("money").unwrap().render(), "crate::types::Money");
        assert_eq!(n.resolve("Money").unwrap().render(), "crate::types::Money2");
        assert_eq!(n.resolve("money").unwrap().render(), "crate::types::Money");
    }

    #[test]
    fn samples_are_distinct_and_short() {
        let mut n = Newtypes::default();
        let s = n.resolve("String").unwrap();
        assert_eq!(s.sample(1), "\"s1\".into()");
        assert_eq!(s.sample(2), "\"s2\".into()");
        assert_eq!(n.resolve("Option<u8>").unwrap().sample(3), "Some(3)");
        assert_eq!(n.resolve("[String; 2]").unwrap().sample(1), DEFAULT);
        assert_eq!(n.resolve("HashSet<u8>").unwrap().sample(1), DEFAULT);
        assert!(n.resolve("Option<u8>").unwrap().is_copy());
        assert!(!n.resolve("Option<String>").unwrap().is_copy());
    }
}
