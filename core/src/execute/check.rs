//! Validation shared by the command modules. Each check returns the value to store (trimmed
//! where trimming is meant) or the reason it is refused.

use crate::limits::*;
use crate::{Board, Error, Field, Position, Rect, Size, StickyId};
use std::collections::HashSet;

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Trims and checks a one-line name: not blank, not longer than `max` characters.
fn trimmed(
    text: String,
    max: usize,
    empty: Error,
    too_long: fn(usize) -> Error,
) -> Result<String, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(empty);
    }
    let len = chars(text);
    if len > max {
        return Err(too_long(len));
    }
    Ok(text.to_owned())
}

/// Titles are trimmed: leading and trailing blanks are never meant.
pub(super) fn title(title: String) -> Result<String, Error> {
    trimmed(title, MAX_TITLE_CHARS, Error::EmptyTitle, |len| {
        Error::TitleTooLong { len }
    })
}

/// Frame names are trimmed like titles.
pub(super) fn name(name: String) -> Result<String, Error> {
    trimmed(name, MAX_NAME_CHARS, Error::EmptyName, |len| {
        Error::NameTooLong { len }
    })
}

/// An optional label: blank means none.
pub(super) fn label(label: Option<String>) -> Result<Option<String>, Error> {
    match label.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(l) => name(l.to_owned()).map(Some),
    }
}

/// Line breaks and tabs are text; other control characters are paste debris that no one
/// can see, and they would make every export escape them.
fn printable(text: &str) -> Result<(), Error> {
    match text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Some(c) => Err(Error::ControlCharacter {
            codepoint: c as u32,
        }),
        None => Ok(()),
    }
}

/// Sticky text keeps its line breaks and spacing, but must say something.
pub(super) fn text(text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::EmptyText);
    }
    printable(text)?;
    let len = chars(text);
    if len > MAX_TEXT_CHARS {
        return Err(Error::TextTooLong { len });
    }
    Ok(())
}

pub(super) fn description(description: &str) -> Result<(), Error> {
    printable(description)?;
    let len = chars(description);
    if len > MAX_DESCRIPTION_CHARS {
        return Err(Error::DescriptionTooLong { len });
    }
    Ok(())
}

pub(super) fn position(pos: Position) -> Result<(), Error> {
    let range = -MAX_COORDINATE..=MAX_COORDINATE;
    if range.contains(&pos.x) && range.contains(&pos.y) {
        Ok(())
    } else {
        Err(Error::PositionOutOfRange {
            x: pos.x.into(),
            y: pos.y.into(),
        })
    }
}

pub(super) fn size(size: Size) -> Result<(), Error> {
    let range = MIN_STICKY_SIDE..=MAX_STICKY_SIDE;
    if range.contains(&size.w) && range.contains(&size.h) {
        Ok(())
    } else {
        Err(Error::SizeOutOfRange {
            w: size.w.into(),
            h: size.h.into(),
        })
    }
}

pub(super) fn rect(rect: Rect) -> Result<(), Error> {
    position(Position::new(rect.x, rect.y))?;
    let range = MIN_FRAME_SIDE..=MAX_FRAME_SIDE;
    if range.contains(&rect.w) && range.contains(&rect.h) {
        Ok(())
    } else {
        Err(Error::FrameSizeOutOfRange {
            w: rect.w.into(),
            h: rect.h.into(),
        })
    }
}

pub(super) fn existing(board: &Board, id: StickyId) -> Result<&crate::Sticky, Error> {
    board.sticky(id).ok_or(Error::UnknownSticky(id))
}

/// A multi-select: not empty, not too large, no sticky twice.
pub(super) fn selection(ids: impl ExactSizeIterator<Item = StickyId>) -> Result<(), Error> {
    let count = ids.len();
    if count == 0 {
        return Err(Error::EmptySelection);
    }
    if count > MAX_SELECTION {
        return Err(Error::SelectionTooLarge { count });
    }
    let mut seen = HashSet::with_capacity(count);
    for id in ids {
        if !seen.insert(id) {
            return Err(Error::DuplicateInSelection(id));
        }
    }
    Ok(())
}

/// Payload fields: identifiers for names, a plausible type expression for types, no name twice.
/// Names and types are trimmed.
pub(super) fn fields(fields: Vec<Field>) -> Result<Vec<Field>, Error> {
    if fields.len() > MAX_FIELDS {
        return Err(Error::TooManyFields {
            count: fields.len(),
        });
    }
    let mut seen = HashSet::new();
    fields
        .into_iter()
        .map(|f| {
            let name = f.name.trim().to_owned();
            let ty = f.ty.trim().to_owned();
            if !is_identifier(&name) {
                return Err(Error::InvalidFieldName { name });
            }
            if !is_type(&ty) {
                return Err(Error::InvalidFieldType { name, ty });
            }
            if !seen.insert(name.clone()) {
                return Err(Error::DuplicateFieldName { name });
            }
            Ok(Field { name, ty })
        })
        .collect()
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && s != "_"
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= MAX_FIELD_CHARS
}

/// A type as people write it on a sticky: paths, generics, tuples, arrays, references.
/// Brackets must balance; the code generator decides how each maps to Rust.
fn is_type(s: &str) -> bool {
    if s.is_empty() || chars(s) > MAX_FIELD_CHARS {
        return false;
    }
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || "_([&".contains(c));
    let mut depth: Vec<char> = Vec::new();
    for c in s.chars() {
        match c {
            '<' | '(' | '[' => depth.push(c),
            '>' | ')' | ']' => {
                let open = match c {
                    '>' => '<',
                    ')' => '(',
                    _ => '[',
                };
                if depth.pop() != Some(open) {
                    return false;
                }
            }
            // `;` only in array types: `[u8; 32]`.
            ';' if depth.last() == Some(&'[') => {}
            c if c.is_ascii_alphanumeric() || "_:, &'".contains(c) => {}
            _ => return false,
        }
    }
    first_ok && depth.is_empty()
}

/// A vote's question: one line, like a title.
pub(super) fn question(question: String) -> Result<String, Error> {
    use crate::workshop::MAX_QUESTION_CHARS;
    let question = trimmed(question, MAX_QUESTION_CHARS, Error::EmptyQuestion, |len| {
        Error::QuestionTooLong { len }
    })?;
    printable(&question)?;
    Ok(question)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in ["name", "_private", "seats_left", "x1", "Email"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "_", "1st", "seats left", "näme", "a-b", &"x".repeat(65)] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn types() {
        for ok in [
            "String",
            "u32",
            "Option<Uuid>",
            "Vec<(String, u64)>",
            "[u8; 32]",
            "chrono::DateTime<Utc>",
            "&'static str",
        ] {
            assert!(is_type(ok), "{ok}");
        }
        for bad in [
            "",
            "Vec<String",
            "Option<u8>>",
            "String;DROP",
            "(u8]",
            "💥",
            "<T>",
            "Map<a,b>{}",
        ] {
            assert!(!is_type(bad), "{bad}");
        }
    }
}
