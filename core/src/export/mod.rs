//! Exports: the ubiquitous-language glossary, a Rust aggregate crate, the board as JSON, and
//! the board as a picture (SVG).
//! Pure functions of a board; the server serves them over HTTP and the command line.
//!
//! - [`ident`]: sticky text to valid, unique Rust identifiers;
//! - [`derive`]: which commands, events and errors belong to which aggregate (the rules);
//! - [`glossary`]: terms by bounded context, as Markdown, CSV or JSON;
//! - [`rust`]: the generated Cargo crate;
//! - [`json`]: lossless board export and import;
//! - [`svg`]: the board, a bounded context or a selection as a standalone SVG.

pub mod derive;
pub mod glossary;
pub mod ident;
pub mod json;
pub mod rust;
pub mod svg;

/// One generated file: a path relative to the crate root, and its text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct File {
    pub path: String,
    pub contents: String,
}
