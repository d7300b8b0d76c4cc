//! The Rust aggregate crate: one module per bounded context, one per aggregate, each with its
//! state, `Command`, `Event` and `Error` enums, an `Aggregate` implementation whose match arms
//! are ready to fill, and given/when/then test skeletons. It compiles as it comes out, with no
//! dependencies, whatever was written on the stickies.

use super::derive::{self, Aggregate, Context};
use super::ident::{pascal, snake, Namespace};
use super::File;
use crate::{Board, Field, Sticky};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The generated crate's files, and what the generator noticed.
pub struct RustCrate {
    pub name: String,
    pub files: Vec<File>,
    pub warnings: Vec<String>,
}

/// Names the generator itself uses inside an aggregate module.
const RESERVED_TYPES: &[&str] = &[
    "Command",
    "Event",
    "Error",
    "Aggregate",
    "Self",
    "Default",
    "Ok",
    "Err",
    "Some",
    "None",
    "Vec",
    "String",
    "Option",
    "Box",
    "Result",
];
const RESERVED_MODULES: &[&str] = &[
    "types", "tests", "std", "core", "alloc", "crate", "self", "super",
];

/// A doc comment holding people's text verbatim (a `text` block: no Markdown surprises).
fn doc(out: &mut String, indent: &str, title: &str, texts: &[&str]) {
    let _ = writeln!(out, "{indent}/// {title}");
    let lines: Vec<String> = texts
        .iter()
        .filter(|t| !t.trim().is_empty())
        .flat_map(|t| t.lines().map(clean).collect::<Vec<_>>())
        .collect();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "{indent}///");
    let _ = writeln!(out, "{indent}/// ```text");
    for l in lines {
        let _ = writeln!(out, "{indent}/// {l}").map(|_| ());
    }
    let _ = writeln!(out, "{indent}/// ```");
}

/// A line of people's text, safe inside a doc comment's text block.
fn clean(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .replace("```", "'''")
        .trim_end()
        .to_owned()
}

/// A field type as written on a sticky, parsed far enough to render it as a Rust type that
/// compiles without dependencies.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Named(String, Vec<Ty>),
    Tuple(Vec<Ty>),
    Array(Box<Ty>, usize),
}

fn parse_ty(s: &str) -> Option<Ty> {
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

const SCALARS: &[&str] = &[
    "String", "bool", "char", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
    "i64", "i128", "isize", "f32", "f64",
];

fn has_float(t: &Ty) -> bool {
    match t {
        Ty::Named(n, args) => n == "f32" || n == "f64" || args.iter().any(has_float),
        Ty::Tuple(items) => items.iter().any(has_float),
        Ty::Array(inner, _) => has_float(inner),
    }
}

/// Renders a type; unknown plain names become aliases in `crate::types` (collected in
/// `aliases`); anything else that would not compile on its own becomes `String`.
fn render(t: &Ty, aliases: &mut BTreeSet<String>) -> Option<String> {
    Some(match t {
        Ty::Named(n, args) if args.is_empty() && SCALARS.contains(&n.as_str()) => n.clone(),
        Ty::Named(n, args) if args.is_empty() && !n.contains(':') => {
            let alias = pascal(n, "Type");
            aliases.insert(alias.clone());
            format!("crate::types::{alias}")
        }
        Ty::Named(n, args) => match (n.as_str(), args.as_slice()) {
            ("Vec" | "Option" | "Box", [a]) => format!("{n}<{}>", render(a, aliases)?),
            ("BTreeSet" | "HashSet", [a]) if !has_float(a) => {
                format!("std::collections::{n}<{}>", render(a, aliases)?)
            }
            ("BTreeMap" | "HashMap", [k, v]) if !has_float(k) => format!(
                "std::collections::{n}<{}, {}>",
                render(k, aliases)?,
                render(v, aliases)?
            ),
            _ => return None,
        },
        Ty::Tuple(items) if items.len() <= 12 => {
            let parts: Option<Vec<String>> = items.iter().map(|i| render(i, aliases)).collect();
            let parts = parts?;
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        // Default is implemented for arrays up to 32 long.
        Ty::Array(inner, n) if *n <= 32 => format!("[{}; {n}]", render(inner, aliases)?),
        _ => return None,
    })
}

struct RenderedField {
    name: String,
    ty: String,
    /// The type as written, when it had to be replaced.
    replaced: Option<String>,
}

fn fields(fs: &[Field], aliases: &mut BTreeSet<String>) -> Vec<RenderedField> {
    let mut names = Namespace::default();
    fs.iter()
        .map(|f| {
            let name = names.unique(snake(&f.name, "field"));
            match parse_ty(&f.ty).and_then(|t| render(&t, aliases)) {
                Some(ty) => RenderedField {
                    name,
                    ty,
                    replaced: None,
                },
                None => RenderedField {
                    name,
                    ty: "String".into(),
                    replaced: Some(f.ty.clone()),
                },
            }
        })
        .collect()
}

/// `vis` is `"pub "` for struct fields; enum variant fields take the enum's visibility.
fn write_fields(out: &mut String, indent: &str, vis: &str, fs: &[RenderedField]) {
    for f in fs {
        if let Some(was) = &f.replaced {
            let _ = writeln!(
                out,
                "{indent}/// Written on the board as `{}`; a `String` until that type exists here.",
                clean(was).replace('`', "'")
            );
        }
        let _ = writeln!(out, "{indent}{vis}{}: {},", f.name, f.ty);
    }
}

/// Generates the crate for a board.
pub fn generate(board: &Board) -> RustCrate {
    let model = derive::model(board);
    let name = format!("{}_domain", snake(&board.title, "board"));
    let mut aliases = BTreeSet::new();
    let mut files = Vec::new();
    let mut modules = Namespace::with_reserved(RESERVED_MODULES);
    let mut context_mods = Vec::new();
    for ctx in &model.contexts {
        let title = ctx.frame.map(|f| f.name.as_str()).unwrap_or("no context");
        let module = modules.unique(snake(title, "context"));
        files.extend(context_files(&module, ctx, &mut aliases));
        context_mods.push((module, ctx.frame.map(|f| f.name.clone())));
    }
    files.insert(
        0,
        lib_rs(board, &context_mods, &model.warnings, !aliases.is_empty()),
    );
    if !aliases.is_empty() {
        files.push(types_rs(&aliases));
    }
    files.insert(0, cargo_toml(&name));
    files.push(readme(board, &model.warnings));
    RustCrate {
        name,
        files,
        warnings: model.warnings,
    }
}

fn cargo_toml(name: &str) -> File {
    File {
        path: "Cargo.toml".into(),
        contents: format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             # Generated by Stormwall. No dependencies: add them as the model grows.\n[dependencies]\n\n\
             # A crate of its own, wherever it is unpacked.\n[workspace]\n"
        ),
    }
}

fn lib_rs(
    board: &Board,
    contexts: &[(String, Option<String>)],
    warnings: &[String],
    has_types: bool,
) -> File {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! The domain model of the EventStorming board below, generated by Stormwall."
    );
    let _ = writeln!(out, "//!");
    let _ = writeln!(out, "//! ```text");
    let _ = writeln!(out, "//! {}", clean(&board.title));
    let _ = writeln!(out, "//! ```");
    let _ = writeln!(out, "//!");
    let _ = writeln!(
        out,
        "//! One module per bounded context, one per aggregate in it. Each aggregate decides with"
    );
    let _ = writeln!(
        out,
        "//! `execute` and evolves with `apply`; both are pure, so they are tested in"
    );
    let _ = writeln!(out, "//! given/when/then form without any infrastructure.");
    if !warnings.is_empty() {
        let _ = writeln!(out, "//!");
        let _ = writeln!(out, "//! What the generator noticed on the board:");
        let _ = writeln!(out, "//!");
        let _ = writeln!(out, "//! ```text");
        for w in warnings {
            let _ = writeln!(out, "//! - {}", clean(w));
        }
        let _ = writeln!(out, "//! ```");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "// Names come from sticky notes: variants may share a prefix, and a context may hold an"
    );
    let _ = writeln!(
        out,
        "// aggregate of its own name. Both are fine in a domain model."
    );
    let _ = writeln!(out, "#![allow(clippy::enum_variant_names, clippy::module_inception, clippy::large_enum_variant)]");
    let _ = writeln!(out);
    out.push_str(
        "/// The shape of every aggregate: decide with `execute`, evolve with `apply`.\n\
         pub trait Aggregate: Sized {\n    type Command;\n    type Event;\n    type Error;\n\n    \
         /// The state before any event.\n    fn initial() -> Self;\n\n    \
         /// Decides what a command means: the events it causes, or why it is refused.\n    \
         fn execute(&self, command: Self::Command) -> Result<Vec<Self::Event>, Self::Error>;\n\n    \
         /// Folds one event into the state.\n    fn apply(self, event: &Self::Event) -> Self;\n}\n",
    );
    if has_types {
        let _ = writeln!(out, "\npub mod types;");
    }
    if !contexts.is_empty() {
        let _ = writeln!(out);
    }
    for (module, name) in contexts {
        match name {
            Some(n) => doc(&mut out, "", "Bounded context:", &[n]),
            None => {
                let _ = writeln!(
                    out,
                    "/// Aggregates outside any bounded context on the board."
                );
            }
        }
        let _ = writeln!(out, "pub mod {module};");
    }
    File {
        path: "src/lib.rs".into(),
        contents: out,
    }
}

fn types_rs(aliases: &BTreeSet<String>) -> File {
    let mut out = String::from(
        "//! Types named on the board that this crate does not know yet. Each is a `String` until\n\
         //! you replace it with the real thing (for example `uuid::Uuid`).\n\n",
    );
    for a in aliases {
        let _ = writeln!(out, "pub type {a} = String;");
    }
    File {
        path: "src/types.rs".into(),
        contents: out,
    }
}

fn context_files(module: &str, ctx: &Context<'_>, aliases: &mut BTreeSet<String>) -> Vec<File> {
    let mut files = Vec::new();
    let mut out = String::new();
    match ctx.frame {
        Some(f) => {
            let _ = writeln!(out, "//! Bounded context:");
            let _ = writeln!(out, "//!");
            let _ = writeln!(out, "//! ```text");
            let _ = writeln!(out, "//! {}", clean(&f.name));
            let _ = writeln!(out, "//! ```");
        }
        None => {
            let _ = writeln!(
                out,
                "//! Aggregates outside any bounded context on the board."
            );
        }
    }
    let mut names = Namespace::with_reserved(RESERVED_MODULES);
    for agg in &ctx.aggregates {
        let name = names.unique(snake(&agg.sticky.text, "aggregate"));
        let _ = writeln!(out, "\npub mod {name};");
        files.push(File {
            path: format!("src/{module}/{name}.rs"),
            contents: aggregate_rs(agg, aliases),
        });
    }
    files.insert(
        0,
        File {
            path: format!("src/{module}/mod.rs"),
            contents: out,
        },
    );
    files
}

struct Variant {
    name: String,
    sticky: Sticky,
    fields: Vec<RenderedField>,
}

fn variants(stickies: &[&Sticky], fallback: &str, aliases: &mut BTreeSet<String>) -> Vec<Variant> {
    let mut names = Namespace::default();
    stickies
        .iter()
        .map(|s| Variant {
            name: names.unique(pascal(&s.text, fallback)),
            sticky: (*s).clone(),
            fields: fields(&s.fields, aliases),
        })
        .collect()
}

fn write_enum(out: &mut String, name: &str, what: &str, derives: &str, vs: &[Variant]) {
    let _ = writeln!(out, "\n/// {what}");
    let _ = writeln!(out, "#[derive({derives})]");
    let _ = writeln!(out, "pub enum {name} {{");
    for v in vs {
        doc(
            out,
            "    ",
            &format!("`{}`:", v.name),
            &[&v.sticky.text, &v.sticky.description],
        );
        if v.fields.is_empty() {
            let _ = writeln!(out, "    {} {{}},", v.name);
        } else {
            let _ = writeln!(out, "    {} {{", v.name);
            write_fields(out, "        ", "", &v.fields);
            let _ = writeln!(out, "    }},");
        }
    }
    let _ = writeln!(out, "}}");
}

fn aggregate_rs(agg: &Aggregate<'_>, aliases: &mut BTreeSet<String>) -> String {
    let mut types = Namespace::with_reserved(RESERVED_TYPES);
    let state = types.unique(pascal(&agg.sticky.text, "Aggregate"));
    let commands = variants(&agg.commands, "Command", aliases);
    let events = variants(&agg.events, "Event", aliases);
    // Errors: the hotspots connected to this aggregate's commands, once each.
    let mut seen = BTreeSet::new();
    let hotspots: Vec<(&Sticky, &Sticky)> = agg
        .commands
        .iter()
        .flat_map(|c| {
            agg.errors
                .get(&c.id)
                .into_iter()
                .flatten()
                .map(move |h| (*c, *h))
        })
        .filter(|(_, h)| seen.insert(h.id))
        .collect();
    let mut error_names = Namespace::default();
    let errors: Vec<(String, &Sticky, &Sticky)> = hotspots
        .iter()
        .map(|(c, h)| (error_names.unique(pascal(&h.text, "Error")), *c, *h))
        .collect();
    let state_fields = fields(&agg.sticky.fields, aliases);

    let mut out = String::new();
    let _ = writeln!(out, "//! The `{state}` aggregate.");
    let _ = writeln!(out, "\nuse crate::Aggregate;\n");
    doc(
        &mut out,
        "",
        &format!("The state of `{state}`:"),
        &[&agg.sticky.text, &agg.sticky.description],
    );
    let _ = writeln!(out, "#[derive(Debug, Clone, Default, PartialEq)]");
    if state_fields.is_empty() {
        let _ = writeln!(out, "pub struct {state} {{}}");
    } else {
        let _ = writeln!(out, "pub struct {state} {{");
        write_fields(&mut out, "    ", "pub ", &state_fields);
        let _ = writeln!(out, "}}");
    }
    write_enum(
        &mut out,
        "Command",
        &format!("What `{state}` can be asked to do."),
        "Debug, Clone, PartialEq",
        &commands,
    );
    write_enum(
        &mut out,
        "Event",
        &format!("What can happen to `{state}`."),
        "Debug, Clone, PartialEq",
        &events,
    );

    let _ = writeln!(out, "\n/// Why `{state}` refuses a command.");
    let _ = writeln!(out, "#[derive(Debug, Clone, PartialEq, Eq)]");
    let _ = writeln!(out, "pub enum Error {{");
    for (name, command, hotspot) in &errors {
        doc(
            &mut out,
            "    ",
            &format!(
                "`{name}`, a hotspot on `{}`:",
                pascal(&command.text, "Command")
            ),
            &[&hotspot.text],
        );
        let _ = writeln!(out, "    {name},");
    }
    let _ = writeln!(out, "}}");
    let _ = writeln!(out, "\nimpl std::fmt::Display for Error {{");
    // With no variants the formatter is never used.
    let f = if errors.is_empty() { "_f" } else { "f" };
    let _ = writeln!(
        out,
        "    fn fmt(&self, {f}: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{"
    );
    if errors.is_empty() {
        let _ = writeln!(out, "        match *self {{}}");
    } else {
        let _ = writeln!(out, "        match self {{");
        for (name, _, hotspot) in &errors {
            let message: String = hotspot
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(
                out,
                "            Error::{name} => f.write_str({message:?}),"
            );
        }
        let _ = writeln!(out, "        }}");
    }
    let _ = writeln!(out, "    }}\n}}");
    let _ = writeln!(out, "\nimpl std::error::Error for Error {{}}");

    let _ = writeln!(out, "\nimpl Aggregate for {state} {{");
    let _ = writeln!(
        out,
        "    type Command = Command;\n    type Event = Event;\n    type Error = Error;\n"
    );
    let _ = writeln!(
        out,
        "    fn initial() -> Self {{\n        Self::default()\n    }}\n"
    );
    let _ = writeln!(
        out,
        "    fn execute(&self, command: Command) -> Result<Vec<Event>, Error> {{"
    );
    if commands.is_empty() {
        let _ = writeln!(out, "        match command {{}}");
    } else {
        let _ = writeln!(out, "        match command {{");
        let event_list: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        if !event_list.is_empty() {
            let _ = writeln!(
                out,
                "            // Each command decides which of these happen: {}.",
                event_list.join(", ")
            );
        }
        for c in &commands {
            let _ = writeln!(
                out,
                "            Command::{} {{ .. }} => Ok(vec![]),",
                c.name
            );
        }
        let _ = writeln!(out, "        }}");
    }
    let _ = writeln!(out, "    }}\n");
    let _ = writeln!(out, "    fn apply(self, event: &Event) -> Self {{");
    if events.is_empty() {
        let _ = writeln!(out, "        match *event {{}}");
    } else {
        let _ = writeln!(out, "        match event {{");
        let _ = writeln!(
            out,
            "            // Fold each event's fields into the state here."
        );
        for e in &events {
            let _ = writeln!(out, "            Event::{} {{ .. }} => self,", e.name);
        }
        let _ = writeln!(out, "        }}");
    }
    let _ = writeln!(out, "    }}\n}}");

    if !commands.is_empty() {
        let _ = writeln!(out, "\n#[cfg(test)]\nmod tests {{\n    use super::*;");
        let mut test_names = Namespace::default();
        for c in &commands {
            let test = test_names.unique(snake(&c.sticky.text, "command"));
            let args = if c.fields.is_empty() {
                "{}".to_owned()
            } else {
                let inner: Vec<String> = c
                    .fields
                    .iter()
                    .map(|f| format!("{}: Default::default()", f.name))
                    .collect();
                format!("{{ {} }}", inner.join(", "))
            };
            let _ = writeln!(out, "\n    #[test]\n    fn {test}() {{");
            let _ = writeln!(
                out,
                "        // given\n        let state = {state}::initial();"
            );
            let _ = writeln!(
                out,
                "        // when\n        let outcome = state.execute(Command::{} {args});",
                c.name
            );
            let _ = writeln!(out, "        // then: write the events this command should cause\n        assert_eq!(outcome, Ok(vec![]));");
            let _ = writeln!(out, "    }}");
        }
        let _ = writeln!(out, "}}");
    }
    out
}

fn readme(board: &Board, warnings: &[String]) -> File {
    let mut out = format!(
        "# Domain model: {}\n\nGenerated by Stormwall from the EventStorming board. `cargo test` runs \
         the given/when/then skeletons.\n\n## How the board became code\n\n",
        board.title.replace(['\n', '\r'], " ")
    );
    out.push_str(
        "- One module per bounded context (frame), one per aggregate in it.\n\
         - A command belongs to the aggregate its arrow points to; an event to the aggregate whose \
         arrow points to it. Without arrows: same row, same context, command left of the aggregate, \
         event right of it.\n\
         - A hotspot connected to a command becomes one of the aggregate's `Error` variants.\n\
         - Payload fields become variant fields; an aggregate's fields become its state. Types the \
         crate does not know become `String` aliases in `src/types.rs`.\n",
    );
    if !warnings.is_empty() {
        out.push_str("\n## Warnings\n\n");
        for w in warnings {
            let _ = writeln!(out, "- {}", w.replace(['\n', '\r'], " "));
        }
    }
    File {
        path: "README.md".into(),
        contents: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Option<String> {
        parse_ty(s).and_then(|t| render(&t, &mut BTreeSet::new()))
    }

    #[test]
    fn types_render_to_something_that_compiles() {
        assert_eq!(r("u32").as_deref(), Some("u32"));
        assert_eq!(
            r("Option<Uuid>").as_deref(),
            Some("Option<crate::types::Uuid>")
        );
        assert_eq!(
            r("Vec<(String, u64)>").as_deref(),
            Some("Vec<(String, u64)>")
        );
        assert_eq!(r("[u8; 32]").as_deref(), Some("[u8; 32]"));
        assert_eq!(r("[u8; 64]"), None);
        assert_eq!(r("HashMap<f64, u8>"), None);
        assert_eq!(r("chrono::DateTime<Utc>"), None);
        assert_eq!(r("&'static str"), None);
        assert_eq!(
            r("BTreeMap<String, Vec<u8>>").as_deref(),
            Some("std::collections::BTreeMap<String, Vec<u8>>")
        );
    }
}
