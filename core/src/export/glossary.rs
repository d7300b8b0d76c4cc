//! The ubiquitous language: every term on the board, by bounded context, with its kind, its
//! definition and where it is used; flags for terms shared between contexts, near duplicates
//! within one, terms without a definition; open hotspots as questions.

use super::ident;
use crate::{Board, Sticky, StickyId, StickyKind};
use indexmap::{IndexMap, IndexSet};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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
    /// Terms of this context that differ only in spelling, case or plural, each group once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub near_duplicate_groups: Vec<Vec<String>>,
}

/// How many names a term's `also_in` and `near_duplicates` list; the rest are counted. A
/// term may have thousands of near duplicates on a big board, and listing all of them at
/// every one of them made the glossary grow with the square of the board.
pub const LISTED: usize = 5;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub term: String,
    pub kind: StickyKind,
    /// The sticky's description; `None` when nobody wrote one.
    pub definition: Option<String>,
    /// "handled by aggregate “Order”", "emits domain event “Order Placed”"...
    pub used: Vec<String>,
    /// Other bounded contexts with the same term (it may mean something else there), at most
    /// `LISTED` of them.
    pub also_in: Vec<String>,
    /// How many more contexts have the term than `also_in` lists.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub also_in_more: usize,
    /// Terms in this context that differ only in spelling, case or plural, at most `LISTED`
    /// of them (the whole group is in `ContextTerms::near_duplicate_groups`).
    pub near_duplicates: Vec<String>,
    /// How many more near duplicates there are than `near_duplicates` lists.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub near_duplicates_more: usize,
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
    // Computed once, so that boards of thousands of stickies stay fast (the glossary panel
    // recomputes this in the browser as the board changes).
    // Frames of the same name are told apart as the crate tells them apart.
    let names = super::derive::context_names(board);
    let frame_order: HashMap<&str, usize> = board
        .frames
        .values()
        .enumerate()
        .map(|(i, f)| (names[&f.id].as_str(), i))
        .collect();
    let mut arrows_at: HashMap<StickyId, Vec<&crate::Connector>> = HashMap::new();
    for c in board.connectors.values() {
        arrows_at.entry(c.from).or_default().push(c);
        if c.to != c.from {
            arrows_at.entry(c.to).or_default().push(c);
        }
    }
    let others = |sid: StickyId| -> Vec<(bool, &Sticky)> {
        arrows_at
            .get(&sid)
            .into_iter()
            .flatten()
            .filter_map(|c| {
                let outgoing = c.from == sid;
                board
                    .sticky(if outgoing { c.to } else { c.from })
                    .map(|o| (outgoing, o))
            })
            .collect()
    };
    // Terms: one per (context, kind, exact text), in board order.
    let mut groups: BTreeMap<(usize, Option<String>), Vec<Term>> = BTreeMap::new();
    let mut index: HashMap<(Option<String>, StickyKind, String), usize> = HashMap::new();
    let mut questions = Vec::new();
    for s in board.stickies.values() {
        let context = board.frame_of(s.id).map(|f| names[&f.id].clone());
        if s.kind == StickyKind::Hotspot {
            let about = others(s.id)
                .into_iter()
                .map(|(_, o)| format!("{} “{}”", o.kind.label().to_lowercase(), one_line(&o.text)))
                .collect();
            questions.push(Question {
                context,
                question: one_line(&s.text),
                about,
            });
            continue;
        }
        let used: Vec<String> = others(s.id)
            .into_iter()
            .map(|(outgoing, other)| {
                let (out_verb, in_verb) = if outgoing {
                    verbs(s.kind, other.kind)
                } else {
                    verbs(other.kind, s.kind)
                };
                let verb = if outgoing { out_verb } else { in_verb };
                format!(
                    "{verb} {} “{}”",
                    other.kind.label().to_lowercase(),
                    one_line(&other.text)
                )
            })
            .collect();
        let term = one_line(&s.text);
        let definition = Some(s.description.trim().to_owned()).filter(|d| !d.is_empty());
        let order = match &context {
            Some(name) => frame_order
                .get(name.as_str())
                .copied()
                .unwrap_or(usize::MAX - 1),
            None => usize::MAX,
        };
        let terms = groups.entry((order, context.clone())).or_default();
        match index.get(&(context.clone(), s.kind, term.clone())) {
            Some(&i) => {
                // The same term written twice: one entry, everything it is used for.
                let t = &mut terms[i];
                t.stickies.push(s.id);
                // Duplicates are dropped once the term is complete (below).
                t.used.extend(used);
                if t.definition.is_none() {
                    t.definition = definition;
                }
            }
            None => {
                index.insert((context, s.kind, term.clone()), terms.len());
                terms.push(Term {
                    term,
                    kind: s.kind,
                    definition,
                    used,
                    also_in: Vec::new(),
                    also_in_more: 0,
                    near_duplicates: Vec::new(),
                    near_duplicates_more: 0,
                    stickies: vec![s.id],
                });
            }
        }
    }
    // Cross-references: the same term in other contexts; near duplicates within one. Each
    // relation is gathered once in a set and each term lists at most `LISTED` names, so the
    // glossary stays linear in the board.
    let mut contexts_of_term: HashMap<String, IndexSet<Option<String>>> = HashMap::new();
    for ((_, c), terms) in &groups {
        for t in terms {
            contexts_of_term
                .entry(t.term.to_lowercase())
                .or_default()
                .insert(c.clone());
        }
    }
    let mut contexts = Vec::with_capacity(groups.len());
    for ((_, context), mut terms) in groups {
        let mut by_key: IndexMap<String, IndexSet<String>> = IndexMap::new();
        for t in &terms {
            let key = near_key(&t.term);
            if !key.is_empty() {
                by_key.entry(key).or_default().insert(t.term.clone());
            }
        }
        for t in terms.iter_mut() {
            if t.stickies.len() > 1 {
                let used: IndexSet<String> = std::mem::take(&mut t.used).into_iter().collect();
                t.used = used.into_iter().collect();
            }
            let shared = &contexts_of_term[&t.term.to_lowercase()];
            let mut others = shared.iter().filter(|c| **c != context);
            t.also_in = others
                .by_ref()
                .take(LISTED)
                .map(|c| c.clone().unwrap_or_else(|| OUTSIDE.into()))
                .collect();
            t.also_in_more = others.count();
            if let Some(group) = by_key.get(&near_key(&t.term)) {
                let mut near = group.iter().filter(|n| **n != t.term);
                t.near_duplicates = near.by_ref().take(LISTED).cloned().collect();
                t.near_duplicates_more = group.len() - 1 - t.near_duplicates.len();
            }
        }
        let near_duplicate_groups = by_key
            .into_values()
            .filter(|g| g.len() > 1)
            .map(|g| g.into_iter().collect())
            .collect();
        contexts.push(ContextTerms {
            context,
            terms,
            near_duplicate_groups,
        });
    }
    Glossary {
        board: board.title.clone(),
        contexts,
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
                "also used in {}{} (may mean something else there)",
                self.also_in.join(", "),
                and_more(self.also_in_more)
            ));
        }
        if !self.near_duplicates.is_empty() {
            notes.push(format!(
                "near duplicate of {}{}",
                self.near_duplicates.join(", "),
                and_more(self.near_duplicates_more)
            ));
        }
        notes
    }
}

fn and_more(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!(" and {n} more"),
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
        // Hotspots are the open questions: in the spreadsheet too, not only in Markdown.
        for q in &self.questions {
            let row = [
                q.context.clone().unwrap_or_else(|| OUTSIDE.into()),
                q.question.clone(),
                StickyKind::Hotspot.label().to_owned(),
                String::new(),
                q.about.join("; "),
                "open question".to_owned(),
            ];
            out.push_str(&row.iter().map(|c| csv(c)).collect::<Vec<_>>().join(","));
            out.push('\n');
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
