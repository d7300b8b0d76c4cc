//! Rules for people's text that hold in every layer: which characters are invisible and
//! must not be used to disguise a name.

use crate::limits::MAX_DISPLAY_NAME_CHARS;

/// Invisible formatting characters (Unicode's `Cf` category) that can reorder or hide what a
/// reader sees: the bidirectional controls behind "Trojan Source" spoofing, zero-width spaces,
/// the byte-order mark, invisible tag characters. The zero-width joiner and non-joiner stay
/// allowed: emoji sequences and Persian words need them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c as u32,
        0x00AD
        | 0x0600..=0x0605
        | 0x061C
        | 0x06DD
        | 0x070F
        | 0x0890..=0x0891
        | 0x08E2
        | 0x180E
        | 0x200B
        | 0x200E..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x2064
        | 0x2066..=0x206F
        | 0xFEFF
        | 0xFFF9..=0xFFFB
        | 0x110BD
        | 0x110CD
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0001
        | 0xE0020..=0xE007F)
}

/// A display name as others will see it: without control or invisible formatting
/// characters, spaces collapsed, at most `MAX_DISPLAY_NAME_CHARS` characters; `None` when
/// nothing visible is left.
pub fn display_name(raw: &str) -> Option<String> {
    let visible: String = raw
        .chars()
        .filter(|&c| !is_invisible_format(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name: String = visible
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_DISPLAY_NAME_CHARS)
        .collect();
    let name = name.trim_end();
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_what_cannot_be_seen() {
        assert_eq!(
            display_name("  Ada   Lovelace "),
            Some("Ada Lovelace".into())
        );
        // U+202E (right-to-left override) would show "Mallory" as "yrollaM".
        assert_eq!(display_name("\u{202E}yrollaM"), Some("yrollaM".into()));
        assert_eq!(
            display_name("Eve\u{200B}\u{2066}\u{FEFF}"),
            Some("Eve".into())
        );
        assert_eq!(display_name("a\nb\tc\u{7}"), Some("a b c".into()));
        assert_eq!(display_name("\u{202A}\u{200F} "), None);
        assert_eq!(
            display_name("👩\u{200D}💻 Dev"),
            Some("👩\u{200D}💻 Dev".into())
        );
        let long = "x".repeat(100);
        assert_eq!(display_name(&long).unwrap().chars().count(), 40);
    }
}
