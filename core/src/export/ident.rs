//! Sticky text to Rust identifiers: valid, idiomatic, unique. `"order placed!"` becomes
//! `OrderPlaced` or `order_placed`; keywords, leading digits, emoji and other non-ASCII, empty
//! text and duplicates after normalising are all handled.

use std::collections::HashSet;

/// Words of a text: ASCII letters and digits, common accented Latin letters folded to ASCII,
/// everything else a separator; camelCase boundaries split words too.
pub fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        let folded = fold(c);
        if folded.is_empty() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        for f in folded.chars() {
            if f.is_ascii_uppercase() && prev_lower && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = f.is_ascii_lowercase() || f.is_ascii_digit();
            current.push(f);
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// One character as ASCII letters or digits; empty for a separator.
fn fold(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        return c.to_string();
    }
    let s = match c {
        // German umlauts by their usual spelling: Änderung -> Aenderung.
        'ä' => "ae",
        'Ä' => "Ae",
        'ö' => "oe",
        'Ö' => "Oe",
        'ü' => "ue",
        'Ü' => "Ue",
        'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Å' | 'Ā' => "A",
        'ç' | 'č' | 'ć' => "c",
        'Ç' | 'Č' | 'Ć' => "C",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "I",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'ō' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' | 'Ō' => "O",
        'ù' | 'ú' | 'û' | 'ū' | 'ů' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ū' | 'Ů' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ž' | 'ź' | 'ż' => "z",
        'Ž' | 'Ź' | 'Ż' => "Z",
        'š' | 'ś' => "s",
        'Š' | 'Ś' => "S",
        'ř' => "r",
        'Ř' => "R",
        'ł' => "l",
        'Ł' => "L",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "Ae",
        'œ' => "oe",
        'Œ' => "Oe",
        _ => "",
    };
    s.to_owned()
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Whether a name is a Rust keyword (strict, reserved or weak-but-refused), which cannot be an
/// identifier as it is.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// `OrderPlaced`. `fallback` is used when the text has no usable letters (emoji only, empty);
/// a leading digit gets the fallback as a prefix (`2nd Payment` -> `Event2ndPayment`).
pub fn pascal(text: &str, fallback: &str) -> String {
    let mut out: String = words(text)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect();
    if out.is_empty() {
        out = fallback.to_owned();
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("{fallback}{out}");
    }
    if out == "Self" {
        out.push_str("Value");
    }
    out
}

/// `order_placed`. Keywords get a trailing underscore (`type_`), leading digits a prefix.
pub fn snake(text: &str, fallback: &str) -> String {
    let mut out = words(text)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        out = fallback.to_owned();
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("{fallback}_{out}");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Hands out names that are unique within one namespace: the second `OrderPlaced` becomes
/// `OrderPlaced2`. Reserved names (those the generator itself uses there) are never handed out.
#[derive(Default)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn unique(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let sep = if name.contains('_') || name.chars().all(|c| !c.is_ascii_uppercase()) {
            "_"
        } else {
            ""
        };
        // `type_` and `type_` again make `type_2`, not `type__2`.
        let base = if sep == "_" {
            name.trim_end_matches('_')
        } else {
            &name
        };
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unused name exists")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sticky_texts_become_idiomatic_identifiers() {
        assert_eq!(pascal("order placed!", "Event"), "OrderPlaced");
        assert_eq!(pascal("OrderPlaced", "Event"), "OrderPlaced");
        assert_eq!(
            pascal("  Reservation cancelled ", "Event"),
            "ReservationCancelled"
        );
        assert_eq!(
            pascal("Änderung gespeichert", "Event"),
            "AenderungGespeichert"
        );
        assert_eq!(pascal("🦀🚀", "Event"), "Event");
        assert_eq!(pascal("", "Command"), "Command");
        assert_eq!(pascal("2nd reminder sent", "Event"), "Event2ndReminderSent");
        assert_eq!(pascal("self", "Aggregate"), "SelfValue");
        assert_eq!(pascal("HTTPRequest sent", "Event"), "HttprequestSent");
        assert_eq!(snake("Ticketing & Seats", "context"), "ticketing_seats");
        assert_eq!(snake("type", "field"), "type_");
        assert_eq!(snake("9 lives", "context"), "context_9_lives");
        assert_eq!(snake("orderId", "field"), "order_id");
        assert_eq!(snake("", "context"), "context");
    }

    #[test]
    fn namespaces_hand_out_unique_names() {
        let mut ns = Namespace::with_reserved(&["Command"]);
        assert_eq!(ns.unique("OrderPlaced".into()), "OrderPlaced");
        assert_eq!(ns.unique("OrderPlaced".into()), "OrderPlaced2");
        assert_eq!(ns.unique("Command".into()), "Command2");
        let mut snake = Namespace::default();
        assert_eq!(snake.unique("order".into()), "order");
        assert_eq!(snake.unique("order".into()), "order_2");
        assert_eq!(snake.unique("type_".into()), "type_");
        assert_eq!(snake.unique("type_".into()), "type_2");
    }
}
