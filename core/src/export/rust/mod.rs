//! The Rust aggregate crate: one module per bounded context, one per aggregate, each with its
//! state, `Command`, `Event` and `Error` enums, pure `execute` and `apply`, and
//! given/when/then tests. It compiles as it comes out, with no dependencies, whatever was
//! written on the stickies, and it is what `rustfmt` would write.
//!
//! - [`types`]: field types as written, turned into Rust types (unknown ones: newtypes);
//! - [`layout`]: rustfmt's layout for the shapes written here, and escaping people's text;
//! - [`aggregate`]: one aggregate's module, its decisions and tests.

mod aggregate;
mod layout;
mod types;

use super::derive::{self, Context};
use super::ident::{pascal, snake, Namespace};
use super::File;
use crate::{Board, Sticky, StickyId};
use layout::{doc, doc_lines};
use std::collections::HashMap;
use std::fmt::Write;
use types::Newtypes;

/// The generated crate's files, and what the generator noticed.
pub struct RustCrate {
    pub name: String,
    pub files: Vec<File>,
    pub warnings: Vec<String>,
}

/// Longest identifier made from a sticky (longer ones are cut, then made unique): short enough
/// that rustfmt's one-line forms always fit in 100 columns.
pub(crate) const MAX_IDENT: usize = 24;
/// Longest field type written out; a longer one becomes a `String` (with a warning).
const MAX_TYPE: usize = 48;
/// Longest sample value in a test; a longer one is `Default::default()`.
const MAX_SAMPLE: usize = 50;
/// Longest `Display` message of an error (the hotspot's whole text is its doc comment).
const MAX_MESSAGE: usize = 40;
/// Most events one command is generated to cause.
const MAX_EVENTS: usize = 7;

/// Module names that mean something to cargo or rustc where they would land (`src/bin/` holds
/// binaries, `lib.rs` and `main.rs` are crate roots, `build.rs` a build script), the crate's
/// own modules, and names Windows cannot give a file.
const RESERVED_MODULES: &[&str] = &[
    "types",
    "tests",
    "test",
    "lib",
    "main",
    "bin",
    "build",
    "examples",
    "benches",
    "std",
    "core",
    "alloc",
    "proc_macro",
    "crate",
    "self",
    "super",
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "com5",
    "com6",
    "com7",
    "com8",
    "com9",
    "lpt1",
    "lpt2",
    "lpt3",
    "lpt4",
    "lpt5",
    "lpt6",
    "lpt7",
    "lpt8",
    "lpt9",
];

/// Whole words of `name` (split at `sep`, or before capitals when `sep` is `None`) while they
/// fit in `MAX_IDENT`; the first word cut if even it does not.
fn shorten(name: String, sep: Option<char>) -> String {
    if name.len() <= MAX_IDENT {
        return name;
    }
    let mut parts: Vec<String> = Vec::new();
    for c in name.chars() {
        let starts = match sep {
            Some(s) => c == s,
            None => c.is_ascii_uppercase(),
        };
        if starts || parts.is_empty() {
            parts.push(String::new());
        }
        parts.last_mut().expect("pushed").push(c);
    }
    let mut out = String::new();
    for p in parts {
        if out.len() + p.len() > MAX_IDENT {
            break;
        }
        out.push_str(&p);
    }
    if out.is_empty() {
        name[..MAX_IDENT].to_owned()
    } else {
        out
    }
}

/// A type or variant name from people's text: `OrderPlaced`, at most `MAX_IDENT` long.
fn type_ident(text: &str, fallback: &str) -> String {
    match shorten(pascal(text, fallback), None) {
        // Cutting `SelfServiceRequested...` can leave the keyword itself.
        name if name == "Self" => "SelfValue".into(),
        name => name,
    }
}

/// A module, field, or function name from people's text: `order_placed`.
fn value_ident(text: &str, fallback: &str) -> String {
    let mut name = shorten(snake(text, fallback), Some('_'));
    if super::ident::is_keyword(&name) {
        name.push('_');
    }
    name
}

/// A sticky's text as warnings quote it, on one line.
fn quote(s: &Sticky) -> String {
    let line: String = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("“{}”", line.chars().take(60).collect::<String>())
}

/// Generates the crate for a board.
pub fn generate(board: &Board) -> RustCrate {
    let model = derive::model(board);
    let mut warnings = model.warnings.clone();
    let mut arrows: HashMap<StickyId, Vec<StickyId>> = HashMap::new();
    for c in board.connectors.values() {
        arrows.entry(c.from).or_default().push(c.to);
    }
    let mut newtypes = Newtypes::default();
    let mut files = Vec::new();
    let mut modules = Namespace::with_reserved(RESERVED_MODULES);
    let mut context_mods = Vec::new();
    for ctx in &model.contexts {
        let title = ctx.name.as_deref().unwrap_or("no context");
        let module = modules.unique(value_ident(title, "context"));
        files.extend(context_files(
            &module,
            ctx,
            &arrows,
            &mut newtypes,
            &mut warnings,
        ));
        context_mods.push((module, ctx.name.clone()));
    }
    let name = format!("{}_domain", value_ident(&board.title, "board"));
    let mut all = vec![
        cargo_toml(&name),
        lib_rs(board, &context_mods, &warnings, !newtypes.is_empty()),
    ];
    all.extend(files);
    if !newtypes.is_empty() {
        all.push(types_rs(&newtypes));
    }
    all.push(readme(board, &warnings));
    RustCrate {
        name,
        files: all,
        warnings,
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

const AGGREGATE_TRAIT: &str = "\
/// The shape of every aggregate: decide with `execute`, evolve with `apply`.
pub trait Aggregate: Sized {
    type Command;
    type Event;
    type Error;

    /// The state before any event.
    fn initial() -> Self;

    /// Decides what a command means: the events it causes, or why it is refused.
    fn execute(&self, command: Self::Command) -> Result<Vec<Self::Event>, Self::Error>;

    /// Folds one event into the state.
    fn apply(self, event: &Self::Event) -> Self;
}
";

fn lib_rs(
    board: &Board,
    contexts: &[(String, Option<String>)],
    warnings: &[String],
    has_types: bool,
) -> File {
    let mut out = String::from(
        "//! The domain model of an EventStorming board, generated by Stormwall. The board:\n//!\n",
    );
    doc(&mut out, 0, "//!", &[&board.title], "(untitled)");
    out.push_str(
        "//!\n//! One module per bounded context, one per aggregate in it. Each aggregate decides with\n\
         //! `execute` and evolves with `apply`; both are pure, so they are tested in given/when/then\n\
         //! form without any infrastructure. Decisions the board leaves open are `todo!()`s, and\n\
         //! their tests are ignored until they are written: `cargo test` lists them.\n",
    );
    if !warnings.is_empty() {
        out.push_str("//!\n//! What the generator noticed on the board:\n//!\n//! ```text\n");
        for w in warnings {
            let _ = writeln!(out, "//! - {}", text_block_line(w));
        }
        out.push_str("//! ```\n");
    }
    out.push('\n');
    out.push_str(AGGREGATE_TRAIT);
    if has_types {
        out.push_str("\npub mod types;\n");
    }
    // A blank line before each: rustfmt sorts adjacent `mod` lines, and these keep board order.
    for (module, name) in contexts {
        out.push('\n');
        match name {
            Some(n) => {
                out.push_str("/// Bounded context:\n///\n");
                doc(&mut out, 0, "///", &[n], "(unnamed)");
            }
            None => out.push_str("/// Aggregates outside any bounded context on the board.\n"),
        }
        let _ = writeln!(out, "pub mod {module};");
    }
    File {
        path: "src/lib.rs".into(),
        contents: out,
    }
}

fn types_rs(newtypes: &Newtypes) -> File {
    let mut out = String::from(
        "//! Types named on the board that this crate does not know yet. Each wraps a `String`\n\
         //! until it is replaced with the real type (say `uuid::Uuid` for `Uuid`).\n",
    );
    for (name, written) in newtypes.all() {
        out.push('\n');
        doc(&mut out, 0, "///", &[written], "(unnamed)");
        out.push_str("#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]\n");
        let _ = writeln!(out, "pub struct {name}(pub String);");
    }
    File {
        path: "src/types.rs".into(),
        contents: out,
    }
}

fn context_files(
    module: &str,
    ctx: &Context<'_>,
    arrows: &HashMap<StickyId, Vec<StickyId>>,
    newtypes: &mut Newtypes,
    warnings: &mut Vec<String>,
) -> Vec<File> {
    let mut out = String::new();
    match &ctx.name {
        Some(name) => {
            out.push_str("//! Bounded context:\n//!\n");
            doc(&mut out, 0, "//!", &[name], "(unnamed)");
        }
        None => out.push_str("//! Aggregates outside any bounded context on the board.\n"),
    }
    let mut names = Namespace::with_reserved(RESERVED_MODULES);
    let mut files = Vec::new();
    for agg in &ctx.aggregates {
        let name = names.unique(value_ident(&agg.sticky.text, "aggregate"));
        out.push('\n');
        if name == module {
            // Clippy's `module_inception`: an aggregate named like its context.
            out.push_str("#[allow(clippy::module_inception)]\n");
        }
        let _ = writeln!(out, "pub mod {name};");
        files.push(File {
            path: format!("src/{module}/{name}.rs"),
            contents: aggregate::aggregate_rs(agg, arrows, newtypes, warnings),
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

/// A warning (with people's text quoted in it) as one line of a `text` code block: no line
/// breaks, nothing invisible, no fence that would end the block.
fn text_block_line(warning: &str) -> String {
    layout::visible_line(warning).replace("```", "'''")
}

/// People's text for a Markdown file: one line, Markdown's special characters escaped.
fn markdown(text: &str) -> String {
    doc_lines(&text.replace(['\n', '\r'], " ")).join(" ")
}

fn readme(board: &Board, warnings: &[String]) -> File {
    let mut out = format!(
        "# Domain model: {}\n\nGenerated by Stormwall from the EventStorming board. `cargo test` runs \
         the given/when/then tests; the ignored ones are decisions the board leaves open.\n\n\
         ## How the board became code\n\n",
        markdown(&board.title)
    );
    out.push_str(
        "- One module per bounded context (frame), one per aggregate in it.\n\
         - A command belongs to the aggregate its arrow points to; an event to the aggregate whose \
         arrow points to it. Without arrows: same row, same context, command left of the aggregate, \
         event right of it.\n\
         - A command causes the events its arrows point to, or else the events of its aggregate \
         named like it in the past tense (`Change Name` causes `Name Changed`); when each of \
         those events' fields is one of the command's (same name, same type), `execute` returns \
         them and a test checks it. Otherwise its arm is a `todo!()` and its test is ignored.\n\
         - An event sets the aggregate's state fields of the same name and type in `apply`.\n\
         - A hotspot connected to a command becomes one of the aggregate's `Error` variants.\n\
         - Payload fields become variant fields; an aggregate's fields become its state. Types the \
         crate does not know become newtypes around a `String` in `src/types.rs`.\n",
    );
    if !warnings.is_empty() {
        out.push_str("\n## Warnings\n\n```text\n");
        for w in warnings {
            let _ = writeln!(out, "- {}", text_block_line(w));
        }
        out.push_str("```\n");
    }
    File {
        path: "README.md".into(),
        contents: out,
    }
}

#[cfg(test)]
mod tests {
    use super::{type_ident, value_ident};

    #[test]
    fn long_names_are_cut_at_words_and_never_to_a_keyword() {
        assert_eq!(
            type_ident("What if two people reserve the last seat", "Error"),
            "WhatIfTwoPeopleReserve"
        );
        let long = "Self Averyveryverylongwordwithoutanyspaces";
        assert_eq!(type_ident(long, "Event"), "SelfValue");
        assert_eq!(
            value_ident("type averyveryverylongwordwithoutanyspaces", "x"),
            "type_"
        );
        assert_eq!(
            value_ident("order placed by the customer at noon", "x"),
            "order_placed_by_the"
        );
    }
}
