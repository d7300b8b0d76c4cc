//! Code laid out as rustfmt lays it out (default settings), for the few shapes the generator
//! writes, and people's text made safe for doc comments and string literals.
//!
//! rustfmt puts a struct literal or pattern on one line when its fields take at most 18
//! columns (`struct_lit_width`), an enum variant's fields when they take at most 35
//! (`struct_variant_width`), a `vec![...]` when its items take at most 60, and otherwise one
//! item per line. Identifiers are kept short (`MAX_IDENT`) so that the one-line forms always
//! fit in 100 columns; the generated crates' tests run `cargo fmt --check` to hold this.

use crate::text::is_invisible_format;

pub const MAX_WIDTH: usize = 100;
const STRUCT_LIT_WIDTH: usize = 18;
const STRUCT_VARIANT_WIDTH: usize = 35;
const ARRAY_WIDTH: usize = 60;

fn pad(indent: usize) -> String {
    " ".repeat(indent)
}

/// `head { a, b }tail` (a struct literal or pattern) on a line at `indent`.
pub fn braces(out: &mut String, indent: usize, head: &str, items: &[String], tail: &str) {
    let p = pad(indent);
    if items.is_empty() {
        out.push_str(&format!("{p}{head}{tail}\n"));
        return;
    }
    let joined = items.join(", ");
    let one = format!("{p}{head} {{ {joined} }}{tail}");
    if joined.len() <= STRUCT_LIT_WIDTH && one.len() <= MAX_WIDTH {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    out.push_str(&format!("{p}{head} {{\n"));
    for item in items {
        out.push_str(&format!("{p}    {item},\n"));
    }
    out.push_str(&format!("{p}}}{tail}\n"));
}

/// An enum variant with named fields, or a unit variant.
pub fn variant(out: &mut String, indent: usize, name: &str, fields: &[String]) {
    let p = pad(indent);
    if fields.is_empty() {
        out.push_str(&format!("{p}{name},\n"));
        return;
    }
    let joined = fields.join(", ");
    let one = format!("{p}{name} {{ {joined} }},");
    if joined.len() <= STRUCT_VARIANT_WIDTH && one.len() <= MAX_WIDTH {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    out.push_str(&format!("{p}{name} {{\n"));
    for f in fields {
        out.push_str(&format!("{p}    {f},\n"));
    }
    out.push_str(&format!("{p}}},\n"));
}

/// `head vec![a, b]tail` on a line at `indent`. `in_call` is true inside a call such as
/// `Ok(...)`, where rustfmt counts `vec![...]` itself against the 60 columns.
pub fn vec_of(
    out: &mut String,
    indent: usize,
    head: &str,
    items: &[String],
    tail: &str,
    in_call: bool,
) {
    let p = pad(indent);
    let joined = items.join(", ");
    let counted = if in_call {
        joined.len() + 6
    } else {
        joined.len()
    };
    let one = format!("{p}{head}vec![{joined}]{tail}");
    if counted <= ARRAY_WIDTH && one.len() <= MAX_WIDTH {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    // Short items share lines, as rustfmt packs them.
    out.push_str(&format!("{p}{head}vec![\n"));
    let inner = format!("{p}    ");
    let mut line = String::new();
    for item in items {
        let piece = format!("{item},");
        if !line.is_empty() && inner.len() + line.len() + 1 + piece.len() > MAX_WIDTH {
            out.push_str(&format!("{inner}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    out.push_str(&format!("{inner}{line}\n"));
    out.push_str(&format!("{p}]{tail}\n"));
}

/// A match arm whose body is a macro call with one string: `pattern => name!("text"),` when
/// that fits, else the call alone in a block when that fits, else the string on a line of its
/// own (which may then run past the margin: rustfmt cannot break a string).
pub fn arm_call(out: &mut String, indent: usize, pattern: &str, name: &str, text: &str) {
    let p = pad(indent);
    let call = format!("{name}!({text})");
    let one = format!("{p}{pattern} => {call},");
    let block = format!("{p}    {call}");
    if one.len() <= MAX_WIDTH {
        out.push_str(&one);
        out.push('\n');
    } else if block.len() <= MAX_WIDTH {
        out.push_str(&format!("{p}{pattern} => {{\n{block}\n{p}}}\n"));
    } else {
        out.push_str(&format!("{p}{pattern} => {name}!(\n{p}    {text}\n{p}),\n"));
    }
}

/// The characters of people's text that can be written into generated code: no control
/// characters (line breaks become spaces) and no invisible formatting characters (rustc
/// refuses text-direction controls in comments and literals).
fn visible(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|c| !is_invisible_format(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
}

/// People's text on one line, as it can stand in generated code (spaces collapsed).
pub fn visible_line(text: &str) -> String {
    let line: String = visible(text).collect();
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// People's text as the lines of a doc comment, rendered by rustdoc as written: invisible
/// characters removed, each line trimmed (an indented line would be a Markdown code block,
/// which rustdoc runs as a test) and Markdown's special characters escaped.
pub fn doc_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let line: String = visible(line).collect();
            escape_markdown(line.trim())
        })
        .filter(|l| !l.is_empty())
        .collect()
}

fn escape_markdown(line: &str) -> String {
    // Digits then `.` or `)` at the start of a line make an ordered list.
    let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
    let mut out = String::with_capacity(line.len());
    for (i, c) in line.chars().enumerate() {
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '#'
        ) || (i == 0 && matches!(c, '-' | '+' | '='))
            || (i == digits && digits > 0 && matches!(c, '.' | ')'));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Writes a doc comment: each text's lines, the texts separated by an empty line; `fallback`
/// when nothing readable is left.
pub fn doc(out: &mut String, indent: usize, prefix: &str, texts: &[&str], fallback: &str) {
    let p = pad(indent);
    let mut first = true;
    for text in texts {
        let lines = doc_lines(text);
        if lines.is_empty() {
            continue;
        }
        if !first {
            out.push_str(&format!("{p}{prefix}\n"));
        }
        first = false;
        for l in lines {
            out.push_str(&format!("{p}{prefix} {l}\n"));
        }
    }
    if first {
        out.push_str(&format!("{p}{prefix} {fallback}\n"));
    }
}

/// People's text as a Rust string literal on one line, in ASCII (so its width is its length)
/// and at most about `max` characters long (cut with an ellipsis).
pub fn string_literal(text: &str, max: usize) -> String {
    let one_line = visible_line(text);
    let mut out = String::from("\"");
    for c in one_line.chars() {
        let piece = match c {
            '"' => "\\\"".to_owned(),
            '\\' => "\\\\".to_owned(),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            c => format!("\\u{{{:x}}}", c as u32),
        };
        if out.len() - 1 + piece.len() > max {
            out.push_str("\\u{2026}");
            break;
        }
        out.push_str(&piece);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_lines_are_text_to_rustdoc() {
        assert_eq!(doc_lines("Order placed"), vec!["Order placed"]);
        assert_eq!(
            doc_lines("  ```rust\n    fn main() {}\n"),
            vec!["\\`\\`\\`rust", "fn main() {}"]
        );
        assert_eq!(doc_lines("- a *b* <i>"), vec!["\\- a \\*b\\* \\<i\\>"]);
        assert_eq!(doc_lines("1. first"), vec!["1\\. first"]);
        assert_eq!(doc_lines("evil\u{202E}txt.exe"), vec!["eviltxt.exe"]);
        assert!(doc_lines(" \u{200B} \n\t").is_empty());
    }

    #[test]
    fn string_literals_are_ascii_and_short() {
        assert_eq!(string_literal("Say \"hi\"\\", 40), "\"Say \\\"hi\\\"\\\\\"");
        assert_eq!(string_literal("🦀 crab", 40), "\"\\u{1f980} crab\"");
        assert_eq!(string_literal("a\u{202E}b\nc", 40), "\"ab c\"");
        let long = string_literal(&"x".repeat(100), 40);
        assert!(long.len() <= 50 && long.ends_with("\\u{2026}\""), "{long}");
    }

    #[test]
    fn a_macro_arm_goes_on_one_line_in_a_block_or_with_its_string_alone() {
        let arm = |text: &str| {
            let mut out = String::new();
            arm_call(&mut out, 12, "Command::X { .. }", "todo", text);
            out
        };
        assert_eq!(
            arm("\"short\""),
            "            Command::X { .. } => todo!(\"short\"),\n"
        );
        let middle = format!("\"{}\"", "m".repeat(60));
        assert_eq!(
            arm(&middle),
            format!("            Command::X {{ .. }} => {{\n                todo!({middle})\n            }}\n")
        );
        let long = format!("\"{}\"", "l".repeat(90));
        assert_eq!(
            arm(&long),
            format!("            Command::X {{ .. }} => todo!(\n                {long}\n            ),\n")
        );
    }

    #[test]
    fn struct_literals_break_where_rustfmt_breaks_them() {
        let mut one = String::new();
        braces(
            &mut one,
            8,
            "let x = E::A",
            &["aaaaaaaaaaa".into(), "bbbbb".into()],
            ";",
        );
        assert_eq!(one, "        let x = E::A { aaaaaaaaaaa, bbbbb };\n");
        let mut two = String::new();
        braces(
            &mut two,
            8,
            "let x = E::A",
            &["aaaaaaaaaaaa".into(), "bbbbb".into()],
            ";",
        );
        assert_eq!(
            two,
            "        let x = E::A {\n            aaaaaaaaaaaa,\n            bbbbb,\n        };\n"
        );
    }
}
