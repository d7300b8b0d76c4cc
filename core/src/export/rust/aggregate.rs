//! One aggregate's module: its state, `Command`, `Event` and `Error` enums, `execute` and
//! `apply`, and given/when/then tests.
//!
//! A command is decided for real when the board says which events it causes: arrows from the
//! command to events of its aggregate, or else events of its aggregate whose name is the
//! command's in the past tense (`Change Name` causes `Name Changed`), provided each of those
//! events' fields is carried by the command (same name, same type). An event sets every state
//! field of the same name and type. Whatever the board leaves open is a `todo!()` with the
//! candidates, and its test is ignored with what to write: never a test of a placeholder.

use super::layout::{arm_call, braces, doc, string_literal, variant, vec_of};
use super::types::{Newtypes, RType};
use super::{quote, type_ident, value_ident, MAX_EVENTS, MAX_MESSAGE, MAX_TYPE};
use crate::export::derive::Aggregate;
use crate::export::ident::{words, Namespace};
use crate::{Sticky, StickyId};
use std::collections::HashMap;
use std::fmt::Write;

/// Names the state struct must not take inside the module.
const RESERVED: &[&str] = &[
    "Command",
    "Event",
    "Error",
    "Aggregate",
    "Self",
    "Default",
    "Debug",
    "Clone",
    "PartialEq",
    "Eq",
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

/// A payload field as the crate writes it.
struct Field {
    ident: String,
    ty: RType,
    rendered: String,
}

struct Variant<'a> {
    ident: String,
    sticky: &'a Sticky,
    fields: Vec<Field>,
}

impl Variant<'_> {
    fn field(&self, ident: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.ident == ident)
    }
}

/// What `execute` does with a command.
enum Decision {
    /// The events it causes (indexes into the events), all fields carried by the command.
    Causes(Vec<usize>),
    /// Not said on the board: why, and the events it might cause.
    Open { why: String, candidates: Vec<usize> },
}

/// Irregular past tenses of verbs that name commands.
const IRREGULAR: &[(&str, &str)] = &[
    ("pay", "paid"),
    ("send", "sent"),
    ("make", "made"),
    ("buy", "bought"),
    ("sell", "sold"),
    ("hold", "held"),
    ("take", "taken"),
    ("give", "given"),
    ("write", "written"),
    ("begin", "begun"),
    ("choose", "chosen"),
    ("do", "done"),
    ("get", "got"),
    ("lay", "laid"),
    ("leave", "left"),
    ("lose", "lost"),
    ("meet", "met"),
    ("put", "put"),
    ("set", "set"),
    ("shut", "shut"),
    ("spend", "spent"),
    ("build", "built"),
    ("bring", "brought"),
    ("find", "found"),
    ("keep", "kept"),
    ("tell", "told"),
    ("win", "won"),
    ("withdraw", "withdrawn"),
];

fn past_of(verb: &str, word: &str) -> bool {
    if IRREGULAR.contains(&(verb, word)) {
        return true;
    }
    if let Some(stem) = verb.strip_suffix('y') {
        if word == format!("{stem}ied") {
            return true;
        }
    }
    let stem = verb.trim_end_matches('e');
    stem.len() >= 2
        && word.starts_with(stem)
        && word.ends_with("ed")
        && word.len() <= verb.len() + 3
}

/// Whether an event's name is a command's in the past tense: `Change Name` and `Name
/// Changed`, `Place Order` and `Order Placed`.
fn names_match(command: &str, event: &str) -> bool {
    let lower =
        |t: &str| -> Vec<String> { words(t).iter().map(|w| w.to_ascii_lowercase()).collect() };
    let (c, mut e) = (lower(command), lower(event));
    let Some((verb, object)) = c.split_first() else {
        return false;
    };
    if e.len() != c.len() {
        return false;
    }
    for w in object {
        match e.iter().position(|x| x == w) {
            Some(i) => {
                e.remove(i);
            }
            None => return false,
        }
    }
    e.len() == 1 && past_of(verb, &e[0])
}

fn fields(sticky: &Sticky, newtypes: &mut Newtypes, warnings: &mut Vec<String>) -> Vec<Field> {
    let mut names = Namespace::default();
    sticky
        .fields
        .iter()
        .map(|f| {
            let ident = names.unique(value_ident(&f.name, "field"));
            let ty = match newtypes.resolve(&f.ty) {
                Ok(t) if t.render().len() <= MAX_TYPE => t,
                outcome => {
                    let why = outcome.err().unwrap_or("it is too long to write out here");
                    warnings.push(format!(
                        "Field `{}` of {} {} is typed `{}`, generated as `String`: {why}",
                        f.name,
                        sticky.kind.label().to_lowercase(),
                        quote(sticky),
                        f.ty.chars().filter(|c| !c.is_control()).collect::<String>()
                    ));
                    RType::Scalar("String")
                }
            };
            Field {
                rendered: ty.render(),
                ident,
                ty,
            }
        })
        .collect()
}

fn variants<'a>(
    stickies: &[&'a Sticky],
    fallback: &str,
    newtypes: &mut Newtypes,
    warnings: &mut Vec<String>,
) -> Vec<Variant<'a>> {
    let mut names = Namespace::default();
    stickies
        .iter()
        .map(|s| Variant {
            ident: names.unique(type_ident(&s.text, fallback)),
            sticky: s,
            fields: fields(s, newtypes, warnings),
        })
        .collect()
}

fn decide(
    command: &Variant,
    events: &[Variant],
    arrows: &HashMap<StickyId, Vec<StickyId>>,
) -> Decision {
    let all: Vec<usize> = (0..events.len()).collect();
    let targets = arrows.get(&command.sticky.id);
    let drawn: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| targets.is_some_and(|t| t.contains(&e.sticky.id)))
        .map(|(i, _)| i)
        .collect();
    let chosen = if drawn.is_empty() {
        events
            .iter()
            .enumerate()
            .filter(|(_, e)| names_match(&command.sticky.text, &e.sticky.text))
            .map(|(i, _)| i)
            .collect()
    } else {
        drawn
    };
    if chosen.is_empty() {
        return Decision::Open {
            why: "the board shows no event it causes".into(),
            candidates: all,
        };
    }
    if chosen.len() > MAX_EVENTS {
        return Decision::Open {
            why: format!("it causes {} events; write them out", chosen.len()),
            candidates: chosen,
        };
    }
    for &i in &chosen {
        for f in &events[i].fields {
            if command
                .field(&f.ident)
                .is_none_or(|c| c.rendered != f.rendered)
            {
                return Decision::Open {
                    why: format!(
                        "{} needs `{}: {}`, which the command does not carry",
                        events[i].ident, f.ident, f.rendered
                    ),
                    candidates: chosen,
                };
            }
        }
    }
    Decision::Causes(chosen)
}

/// The items of a pattern binding `used` fields of a variant (the others as `_`).
fn pattern_items(v: &Variant, used: &[&str]) -> Vec<String> {
    if used.is_empty() {
        return if v.fields.is_empty() {
            vec![]
        } else {
            vec!["..".into()]
        };
    }
    v.fields
        .iter()
        .map(|f| {
            if used.contains(&f.ident.as_str()) {
                f.ident.clone()
            } else {
                format!("{}: _", f.ident)
            }
        })
        .collect()
}

/// Binding names for the events a command causes: `event`, or `event1`, `event2`...
fn event_bindings(n: usize) -> Vec<String> {
    if n == 1 {
        vec!["event".into()]
    } else {
        (1..=n).map(|i| format!("event{i}")).collect()
    }
}

/// A value for each field name, the same for a command's field and the event field it fills.
#[derive(Default)]
struct Samples(HashMap<String, usize>);

impl Samples {
    fn of(&mut self, f: &Field) -> String {
        let next = self.0.len() + 1;
        let n = *self.0.entry(f.ident.clone()).or_insert(next);
        f.ty.sample(n)
    }

    fn items(&mut self, v: &Variant) -> Vec<String> {
        v.fields
            .iter()
            .map(|f| format!("{}: {}", f.ident, self.of(f)))
            .collect()
    }
}

/// What a generated module needs to know about lint allowances.
fn shares_a_word(enum_name: &str, variants: &[Variant]) -> bool {
    // Clippy's `enum_variant_names`: three or more variants that all start or end with the
    // same word, or that start or end with the enum's name.
    if variants.len() < 3 {
        return false;
    }
    let split = |s: &str| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in s.chars() {
            if c.is_ascii_uppercase() || parts.is_empty() {
                parts.push(String::new());
            }
            parts.last_mut().expect("pushed").push(c);
        }
        parts
    };
    if variants
        .iter()
        .any(|v| v.ident.starts_with(enum_name) || v.ident.ends_with(enum_name))
    {
        return true;
    }
    let first = split(&variants[0].ident);
    let (mut pre, mut post) = (first.clone(), first);
    post.reverse();
    for v in variants {
        let parts = split(&v.ident);
        if parts.len() == 1 {
            return false;
        }
        let common = |a: &[String], b: &mut dyn Iterator<Item = String>| -> Vec<String> {
            a.iter()
                .zip(b)
                .take_while(|(x, y)| *x == y)
                .map(|(x, _)| x.clone())
                .collect()
        };
        pre = common(&pre, &mut parts.clone().into_iter());
        post = common(&post, &mut parts.into_iter().rev());
    }
    !pre.is_empty() || !post.is_empty()
}

/// Clippy's `large_enum_variant`: the largest variant 200 bytes bigger than the next.
fn lopsided(variants: &[Variant]) -> bool {
    let mut sizes: Vec<usize> = variants
        .iter()
        .map(|v| v.fields.iter().map(|f| f.ty.size()).sum())
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    // A margin below clippy's 200: the sizes here are estimates.
    sizes.len() >= 2 && sizes[0] - sizes[1] >= 150
}

fn write_enum(out: &mut String, name: &str, about: &str, derives: &str, vs: &[Variant]) {
    let _ = writeln!(out, "\n/// {about}");
    let _ = writeln!(out, "#[derive({derives})]");
    if shares_a_word(name, vs) {
        out.push_str("#[allow(clippy::enum_variant_names)] // names come from sticky notes\n");
    }
    if lopsided(vs) {
        out.push_str("#[allow(clippy::large_enum_variant)] // field types come from the board\n");
    }
    if vs.is_empty() {
        let _ = writeln!(out, "pub enum {name} {{}}");
        return;
    }
    let _ = writeln!(out, "pub enum {name} {{");
    for v in vs {
        doc(
            out,
            4,
            "///",
            &[&v.sticky.text, &v.sticky.description],
            "(a sticky with no readable text)",
        );
        let fields: Vec<String> = v
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.ident, f.rendered))
            .collect();
        variant(out, 4, &v.ident, &fields);
    }
    let _ = writeln!(out, "}}");
}

/// The module of one aggregate. `arrows` maps each sticky to the stickies its arrows point to.
pub fn aggregate_rs(
    agg: &Aggregate<'_>,
    arrows: &HashMap<StickyId, Vec<StickyId>>,
    newtypes: &mut Newtypes,
    warnings: &mut Vec<String>,
) -> String {
    let mut types = Namespace::with_reserved(RESERVED);
    let state = types.unique(type_ident(&agg.sticky.text, "Aggregate"));
    let state_fields = fields(agg.sticky, newtypes, warnings);
    let commands = variants(&agg.commands, "Command", newtypes, warnings);
    let events = variants(&agg.events, "Event", newtypes, warnings);
    let errors = error_variants(agg);
    let decisions: Vec<Decision> = commands
        .iter()
        .map(|c| decide(c, &events, arrows))
        .collect();
    for (c, d) in commands.iter().zip(&decisions) {
        if let Decision::Open { why, .. } = d {
            warnings.push(format!(
                "Command {} of {} is not decided ({why}): its arm in `execute` is a todo!()",
                quote(c.sticky),
                quote(agg.sticky)
            ));
        }
    }
    // Which state fields each event sets.
    let sets: Vec<Vec<&Field>> = events
        .iter()
        .map(|e| {
            e.fields
                .iter()
                .filter(|f| {
                    state_fields
                        .iter()
                        .any(|s| s.ident == f.ident && s.rendered == f.rendered)
                })
                .collect()
        })
        .collect();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! The `{state}` aggregate.\n\nuse crate::Aggregate;\n"
    );
    doc(
        &mut out,
        0,
        "///",
        &[&agg.sticky.text, &agg.sticky.description],
        "(a sticky with no readable text)",
    );
    out.push_str("#[derive(Debug, Clone, Default, PartialEq)]\n");
    if state_fields.is_empty() {
        let _ = writeln!(out, "pub struct {state};");
    } else {
        let _ = writeln!(out, "pub struct {state} {{");
        for f in &state_fields {
            let _ = writeln!(out, "    pub {}: {},", f.ident, f.rendered);
        }
        out.push_str("}\n");
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
    write_errors(&mut out, &state, &errors);
    write_impl(
        &mut out,
        &state,
        &state_fields,
        &commands,
        &events,
        &decisions,
        &sets,
    );
    write_tests(&mut out, &state, &commands, &events, &decisions, &sets);
    out
}

struct ErrorVariant<'a> {
    ident: String,
    hotspot: &'a Sticky,
    command: &'a Sticky,
}

/// The hotspots connected to the aggregate's commands, once each.
fn error_variants<'a>(agg: &Aggregate<'a>) -> Vec<ErrorVariant<'a>> {
    let mut seen = std::collections::HashSet::new();
    let mut names = Namespace::default();
    let mut out = Vec::new();
    for c in &agg.commands {
        for h in agg.errors.get(&c.id).into_iter().flatten() {
            if seen.insert(h.id) {
                out.push(ErrorVariant {
                    ident: names.unique(type_ident(&h.text, "Error")),
                    hotspot: h,
                    command: c,
                });
            }
        }
    }
    out
}

fn write_errors(out: &mut String, state: &str, errors: &[ErrorVariant]) {
    let _ = writeln!(out, "\n/// Why `{state}` refuses a command.");
    out.push_str("#[derive(Debug, Clone, PartialEq, Eq)]\n");
    if errors.is_empty() {
        out.push_str("pub enum Error {}\n");
    } else {
        let as_variants: Vec<Variant> = errors
            .iter()
            .map(|e| Variant {
                ident: e.ident.clone(),
                sticky: e.hotspot,
                fields: vec![],
            })
            .collect();
        if shares_a_word("Error", &as_variants) {
            let at = out.rfind("#[derive").expect("just written");
            let end = out[at..].find('\n').expect("a line") + at + 1;
            out.insert_str(
                end,
                "#[allow(clippy::enum_variant_names)] // names come from sticky notes\n",
            );
        }
        out.push_str("pub enum Error {\n");
        for e in errors {
            let question = format!("A hotspot on {}.", quote(e.command));
            doc(
                out,
                4,
                "///",
                &[&e.hotspot.text, &question],
                "(a hotspot with no readable text)",
            );
            let _ = writeln!(out, "    {},", e.ident);
        }
        out.push_str("}\n");
    }
    out.push_str("\nimpl std::fmt::Display for Error {\n");
    if errors.is_empty() {
        out.push_str(
            "    fn fmt(&self, _f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n        match *self {}\n    }\n}\n",
        );
    } else {
        out.push_str("    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n");
        out.push_str("        let message = match self {\n");
        for e in errors {
            let message = string_literal(&e.hotspot.text, MAX_MESSAGE);
            let _ = writeln!(out, "            Error::{} => {message},", e.ident);
        }
        out.push_str("        };\n        f.write_str(message)\n    }\n}\n");
    }
    out.push_str("\nimpl std::error::Error for Error {}\n");
}

#[allow(clippy::too_many_arguments)]
fn write_impl(
    out: &mut String,
    state: &str,
    state_fields: &[Field],
    commands: &[Variant],
    events: &[Variant],
    decisions: &[Decision],
    sets: &[Vec<&Field>],
) {
    let _ = writeln!(out, "\nimpl Aggregate for {state} {{");
    out.push_str(
        "    type Command = Command;\n    type Event = Event;\n    type Error = Error;\n\n",
    );
    let initial = if state_fields.is_empty() {
        "Self"
    } else {
        "Self::default()"
    };
    let _ = writeln!(
        out,
        "    fn initial() -> Self {{\n        {initial}\n    }}\n"
    );
    out.push_str("    fn execute(&self, command: Command) -> Result<Vec<Event>, Error> {\n");
    if commands.is_empty() {
        out.push_str("        match command {}\n");
    } else {
        out.push_str("        match command {\n");
        for (c, d) in commands.iter().zip(decisions) {
            write_decision(out, c, events, d);
        }
        out.push_str("        }\n");
    }
    out.push_str("    }\n\n");
    write_apply(out, events, sets);
    out.push_str("}\n");
}

fn write_decision(out: &mut String, c: &Variant, events: &[Variant], d: &Decision) {
    let head = format!("Command::{}", c.ident);
    match d {
        Decision::Causes(caused) => {
            // How often each command field is used, to clone all but its last use.
            let mut uses: HashMap<&str, usize> = HashMap::new();
            for &i in caused {
                for f in &events[i].fields {
                    *uses.entry(f.ident.as_str()).or_default() += 1;
                }
            }
            let used: Vec<&str> = c
                .fields
                .iter()
                .map(|f| f.ident.as_str())
                .filter(|f| uses.contains_key(f))
                .collect();
            braces(out, 12, &head, &pattern_items(c, &used), " => {");
            let bindings = event_bindings(caused.len());
            for (&i, binding) in caused.iter().zip(&bindings) {
                let items: Vec<String> = events[i]
                    .fields
                    .iter()
                    .map(|f| {
                        let left = uses.get_mut(f.ident.as_str()).expect("counted");
                        *left -= 1;
                        // A `Copy` value is copied by using it; others are cloned but last.
                        if *left > 0 && !f.ty.is_copy() {
                            format!("{0}: {0}.clone()", f.ident)
                        } else {
                            f.ident.clone()
                        }
                    })
                    .collect();
                let head = format!("let {binding} = Event::{}", events[i].ident);
                braces(out, 16, &head, &items, ";");
            }
            vec_of(out, 16, "Ok(", &bindings, ")", true);
            out.push_str("            }\n");
        }
        Decision::Open { why, candidates } => {
            let names: Vec<&str> = candidates
                .iter()
                .map(|i| events[*i].ident.as_str())
                .collect();
            let message = format!("\"{}\"", todo_message(&c.ident, &names));
            let _ = writeln!(
                out,
                "            // Not decided on the board: {}.",
                why.replace('\n', " ")
            );
            let pattern = if c.fields.is_empty() {
                head
            } else {
                format!("{head} {{ .. }}")
            };
            arm_call(out, 12, &pattern, "todo", &message);
        }
    }
}

/// An open decision's `todo!` message: what to decide, and the events the command might
/// cause, as many as keep the message within 80 characters (so that rustfmt can lay the arm
/// out: a longer string would stop it from formatting the whole `match`).
fn todo_message(command: &str, names: &[&str]) -> String {
    let head = format!("decide what {command} does");
    if names.is_empty() {
        return format!("{head}: no event of its aggregate is on the board yet");
    }
    for shown in (1..=names.len()).rev() {
        let list = match (&names[..shown], names.len() - shown) {
            ([one], 0) => (*one).to_owned(),
            (some, 0) => format!(
                "{} or {}",
                some[..some.len() - 1].join(", "),
                some[some.len() - 1]
            ),
            (some, more) => format!("{} or {more} more", some.join(", ")),
        };
        let message = format!("{head}: it might cause {list}");
        if message.len() <= 80 {
            return message;
        }
    }
    format!("{head}: {} events might follow", names.len())
}

fn write_apply(out: &mut String, events: &[Variant], sets: &[Vec<&Field>]) {
    if sets.iter().all(|s| s.is_empty()) {
        out.push_str("    fn apply(self, _event: &Event) -> Self {\n        self\n    }\n");
        return;
    }
    out.push_str("    fn apply(mut self, event: &Event) -> Self {\n        match event {\n");
    for (e, set) in events.iter().zip(sets) {
        let used: Vec<&str> = set.iter().map(|f| f.ident.as_str()).collect();
        let head = format!("Event::{}", e.ident);
        if set.is_empty() {
            braces(out, 12, &head, &pattern_items(e, &used), " => {}");
            continue;
        }
        braces(out, 12, &head, &pattern_items(e, &used), " => {");
        for f in set {
            let value = if f.ty.is_copy() {
                format!("*{}", f.ident)
            } else {
                format!("{}.clone()", f.ident)
            };
            let _ = writeln!(out, "                self.{} = {value};", f.ident);
        }
        out.push_str("            }\n");
    }
    out.push_str("        }\n        self\n    }\n");
}

/// A test's signature, its given (the initial state) and the `// when` that follows.
fn test_start(out: &mut String, name: &str, state: &str) {
    let _ = writeln!(out, "    fn {name}() {{");
    let _ = writeln!(
        out,
        "        // given\n        let state = {state}::initial();"
    );
    out.push_str("        // when\n");
}

fn write_tests(
    out: &mut String,
    state: &str,
    commands: &[Variant],
    events: &[Variant],
    decisions: &[Decision],
    sets: &[Vec<&Field>],
) {
    if commands.is_empty() && sets.iter().all(|s| s.is_empty()) {
        return;
    }
    out.push_str("\n#[cfg(test)]\nmod tests {\n    use super::*;\n");
    let mut names = Namespace::default();
    let mut samples = Samples::default();
    for (c, d) in commands.iter().zip(decisions) {
        let test = names.unique(value_ident(&c.sticky.text, "command"));
        out.push_str("\n    #[test]\n");
        if let Decision::Open { .. } = d {
            let _ = writeln!(
                out,
                "    #[ignore = \"{} is not decided yet: write its arm in `execute`, then this test\"]",
                c.ident
            );
        }
        test_start(out, &test, state);
        braces(
            out,
            8,
            &format!("let command = Command::{}", c.ident),
            &samples.items(c),
            ";",
        );
        match d {
            Decision::Causes(caused) => {
                out.push_str("        // then\n");
                let bindings = event_bindings(caused.len());
                for (&i, binding) in caused.iter().zip(&bindings) {
                    let e = &events[i];
                    let head = format!("let {binding} = Event::{}", e.ident);
                    braces(out, 8, &head, &samples.items(e), ";");
                }
                if bindings.len() == 1 {
                    out.push_str("        assert_eq!(state.execute(command), Ok(vec![event]));\n");
                } else {
                    vec_of(out, 8, "let expected = ", &bindings, ";", false);
                    out.push_str("        assert_eq!(state.execute(command), Ok(expected));\n");
                }
            }
            Decision::Open { .. } => {
                out.push_str("        let outcome = state.execute(command);\n");
                out.push_str("        // then: the events it should cause\n");
                out.push_str("        todo!(\"assert on {outcome:?}\");\n");
            }
        }
        out.push_str("    }\n");
    }
    for (e, set) in events.iter().zip(sets) {
        if set.is_empty() {
            continue;
        }
        let base = value_ident(&e.sticky.text, "event");
        let test = names.unique(format!("{}_is_applied", base.trim_end_matches('_')));
        out.push_str("\n    #[test]\n");
        test_start(out, &test, state);
        braces(
            out,
            8,
            &format!("let event = Event::{}", e.ident),
            &samples.items(e),
            ";",
        );
        out.push_str("        let state = state.apply(&event);\n        // then\n");
        let _ = writeln!(out, "        let mut expected = {state}::initial();");
        for f in set {
            let _ = writeln!(out, "        expected.{} = {};", f.ident, samples.of(f));
        }
        out.push_str("        assert_eq!(state, expected);\n    }\n");
    }
    out.push_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::{names_match, todo_message};

    #[test]
    fn open_decisions_name_their_candidates_within_80_characters() {
        assert_eq!(
            todo_message("ChangeEmail", &["EmailChanged", "NameChanged"]),
            "decide what ChangeEmail does: it might cause EmailChanged or NameChanged"
        );
        assert_eq!(
            todo_message("Ping", &[]),
            "decide what Ping does: no event of its aggregate is on the board yet"
        );
        let many = ["AVeryLongEventNameIndeed"; 9];
        let m = todo_message("AVeryLongCommandNameHere", &many);
        assert!(m.len() <= 80, "{m}");
        assert!(
            m.ends_with("events might follow") || m.contains("more"),
            "{m}"
        );
    }

    #[test]
    fn events_are_matched_to_commands_by_their_past_tense() {
        assert!(names_match("Change Name", "Name Changed"));
        assert!(names_match("Place Order", "Order Placed"));
        assert!(names_match("Reserve seat", "Seat reserved"));
        assert!(names_match("Cancel Reservation", "Reservation Cancelled"));
        assert!(names_match("Pay Invoice", "Invoice Paid"));
        assert!(names_match("Apply Discount", "Discount Applied"));
        assert!(names_match("Submit", "Submitted"));
        assert!(!names_match("Change Name", "Email Changed"));
        assert!(!names_match("Change Name", "Name Changed Twice"));
        assert!(!names_match("Pay", "Payment Failed"));
        assert!(!names_match("", "Changed"));
    }
}
