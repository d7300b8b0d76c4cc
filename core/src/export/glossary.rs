//! The ubiquitous language: every term on the board, by bounded context, with its kind, its
//! definition and where it is used; flags for terms shared between contexts, near duplicates
//! within one, terms without a definition; open hotspots as questions.

use super::ident;
use crate::{Board, Sticky, StickyKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Glossary {
    pub board: String,
    pub contexts: Vec<ContextTerms>,
    pub questions: Vec<Question>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextTerms {
    /// The bounded context's name; `None` for terms outside every frame.
    pub context: Option<String>,
    pub terms: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub term: String,
    pub kind: StickyKind,
    /// The sticky's description; `None` when nobody wrote one.
    pub definition: Option<String>,
    /// "handled by aggregate “Order”", "emits domain event “Order Placed”"...
    pub used: Vec<String>,
    /// Other bounded contexts with the same term (it may mean something else there).
    pub also_in: Vec<String>,
    /// Terms in this context that differ only in spelling, case or plural.
    pub near_duplicates: Vec<String>,
    /// The stickies that carry this term (for editing its definition in place; not exported).
    #[serde(skip)]
    pub stickies: Vec<crate::StickyId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub context: Option<String>,
    pub question: String,
    /// The stickies the hotspot is connected to.
    pub about: Vec<String>,
}

const OUTSIDE: &str = "Outside any bounded context";

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What an arrow from a `from` sticky to a `to` sticky means, read from each end.
fn verbs(from: StickyKind, to: StickyKind) -> (&'static str, &'static str) {
    use StickyKind::*;
    match (from, to) {
        (Command, Aggregate) | (Command, ExternalSystem) => ("handled by", "handles"),
        (Aggregate, DomainEvent) | (ExternalSystem, DomainEvent) => ("emits", "emitted by"),
        (DomainEvent, Policy) => ("triggers", "reacts to"),
        (Policy, Command) | (Actor, Command) => ("issues", "issued by"),
        (DomainEvent, ReadModel) => ("updates", "updated by"),
        (ReadModel, Actor) => ("informs", "looks at"),
        (Hotspot, _) => ("questions", "questioned by"),
        (_, Hotspot) => ("raises", "raised by"),
        _ => ("leads to", "follows from"),
    }
}

/// The key near duplicates share: words, lower case, without a plural "s".
fn near_key(text: &str) -> String {
    ident::words(text)
        .iter()
        .map(|w| {
            let w = w.to_ascii_lowercase();
            match w.strip_suffix('s') {
                Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_owned(),
                _ => w,
            }
        })
        .collect::<Vec<_>>()
        .join("")
}

pub fn glossary(board: &Board) -> Glossary {
    let context_of = |s: &Sticky| board.frame_of(s.id).map(|f| f.name.clone());
    let order = |c: &Option<String>| match c {
        Some(name) => board
            .frames
            .values()
            .position(|f| &f.name == name)
            .unwrap_or(usize::MAX - 1),
        None => usize::MAX,
    };
    // Terms: one per (context, kind, exact text), in board order.
    let mut groups: BTreeMap<(usize, Option<String>), Vec<Term>> = BTreeMap::new();
    let mut questions = Vec::new();
    for s in board.stickies.values() {
        let context = context_of(s);
        if s.kind == StickyKind::Hotspot {
            let about = board
                .connectors_of(s.id)
                .filter_map(|c| board.sticky(if c.from == s.id { c.to } else { c.from }))
                .map(|o| format!("{} “{}”", o.kind.label().to_lowercase(), one_line(&o.text)))
                .collect();
            questions.push(Question {
                context,
                question: one_line(&s.text),
                about,
            });
            continue;
        }
        let used: Vec<String> = board
            .connectors_of(s.id)
            .filter_map(|c| {
                let outgoing = c.from == s.id;
                let other = board.sticky(if outgoing { c.to } else { c.from })?;
                let (out_verb, in_verb) = if outgoing {
                    verbs(s.kind, other.kind)
                } else {
                    verbs(other.kind, s.kind)
                };
                let verb = if outgoing { out_verb } else { in_verb };
                Some(format!(
                    "{verb} {} “{}”",
                    other.kind.label().to_lowercase(),
                    one_line(&other.text)
                ))
            })
            .collect();
        let term = one_line(&s.text);
        let definition = Some(s.description.trim().to_owned()).filter(|d| !d.is_empty());
        let terms = groups.entry((order(&context), context)).or_default();
        match terms
            .iter_mut()
            .find(|t| t.term == term && t.kind == s.kind)
        {
            Some(t) => {
                t.stickies.push(s.id);
                // The same term written twice: one entry, everything it is used for.
                for u in used {
                    if !t.used.contains(&u) {
                        t.used.push(u);
                    }
                }
                if t.definition.is_none() {
                    t.definition = definition;
                }
            }
            None => terms.push(Term {
                term,
                kind: s.kind,
                definition,
                used,
                also_in: Vec::new(),
                near_duplicates: Vec::new(),
                stickies: vec![s.id],
            }),
        }
    }
    // Cross-references: the same term in other contexts; near duplicates within one.
    let all: Vec<(Option<String>, String)> = groups
        .iter()
        .flat_map(|((_, c), terms)| terms.iter().map(move |t| (c.clone(), t.term.clone())))
        .collect();
    for ((_, context), terms) in groups.iter_mut() {
        let keys: Vec<(String, String)> = terms
            .iter()
            .map(|t| (t.term.clone(), near_key(&t.term)))
            .collect();
        for t in terms.iter_mut() {
            let mut also: Vec<String> = all
                .iter()
                .filter(|(c, term)| c != context && term.eq_ignore_ascii_case(&t.term))
                .map(|(c, _)| c.clone().unwrap_or_else(|| OUTSIDE.into()))
                .collect();
            also.dedup();
            t.also_in = also;
            let key = near_key(&t.term);
            let mut near: Vec<String> = keys
                .iter()
                .filter(|(term, k)| *k == key && *term != t.term && !key.is_empty())
                .map(|(term, _)| term.clone())
                .collect();
            near.dedup();
            t.near_duplicates = near;
        }
    }
    Glossary {
        board: board.title.clone(),
        contexts: groups
            .into_iter()
            .map(|((_, context), terms)| ContextTerms { context, terms })
            .collect(),
        questions,
    }
}

impl Term {
    /// The flags, in words.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.definition.is_none() {
            notes.push("no definition yet".to_owned());
        }
        if !self.also_in.is_empty() {
            notes.push(format!(
                "also used in {} (may mean something else there)",
                self.also_in.join(", ")
            ));
        }
        if !self.near_duplicates.is_empty() {
            notes.push(format!(
                "near duplicate of {}",
                self.near_duplicates.join(", ")
            ));
        }
        notes
    }
}

/// Escapes text for a Markdown table cell: no pipes, no line breaks, no raw HTML.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

impl Glossary {
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# Ubiquitous language: {}\n", md(&self.board));
        for ctx in &self.contexts {
            let name = ctx.context.as_deref().unwrap_or(OUTSIDE);
            out.push_str(&format!("\n## {}\n\n", md(name)));
            out.push_str("| Term | Kind | Definition | Used | Notes |\n|---|---|---|---|---|\n");
            for t in &ctx.terms {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    md(&t.term),
                    t.kind.label(),
                    t.definition.as_deref().map(md).unwrap_or_default(),
                    t.used
                        .iter()
                        .map(|u| md(u))
                        .collect::<Vec<_>>()
                        .join("<br>"),
                    t.notes()
                        .iter()
                        .map(|n| md(n))
                        .collect::<Vec<_>>()
                        .join("<br>"),
                ));
            }
        }
        if !self.questions.is_empty() {
            out.push_str("\n## Open questions\n\n");
            for q in &self.questions {
                let about = if q.about.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (about {})",
                        q.about.iter().map(|a| md(a)).collect::<Vec<_>>().join(", ")
                    )
                };
                out.push_str(&format!(
                    "- **{}**: {}{}\n",
                    md(q.context.as_deref().unwrap_or(OUTSIDE)),
                    md(&q.question),
                    about
                ));
            }
        }
        out
    }

    pub fn to_csv(&self) -> String {
        let mut out = String::from("context,term,kind,definition,used,notes\n");
        for ctx in &self.contexts {
            for t in &ctx.terms {
                let row = [
                    ctx.context.clone().unwrap_or_else(|| OUTSIDE.into()),
                    t.term.clone(),
                    t.kind.label().to_owned(),
                    t.definition.clone().unwrap_or_default(),
                    t.used.join("; "),
                    t.notes().join("; "),
                ];
                out.push_str(&row.iter().map(|c| csv(c)).collect::<Vec<_>>().join(","));
                out.push('\n');
            }
        }
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a glossary always serialises")
    }
}

/// RFC 4180 quoting; a cell that a spreadsheet would run as a formula is defused with a quote.
fn csv(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates_share_a_key() {
        assert_eq!(near_key("Order placed"), near_key("OrderPlaced"));
        assert_eq!(near_key("Orders Placed"), near_key("Order placed"));
        assert_ne!(near_key("Order placed"), near_key("Order paid"));
        assert_eq!(near_key("Address"), "address");
    }

    #[test]
    fn cells_are_escaped_for_their_format() {
        assert_eq!(md("a|b\n<script>"), "a\\|b<br>&lt;script&gt;");
        assert_eq!(csv("plain"), "plain");
        assert_eq!(csv("a,\"b\"\nc"), "\"a,\"\"b\"\"\nc\"");
        assert_eq!(csv("=SUM(A1)"), "'=SUM(A1)");
    }
}
