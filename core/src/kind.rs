//! The eight sticky kinds of EventStorming, in the conventional colours.

use crate::Error;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a sticky stands for. Serialised as its snake_case name (`"domain_event"`); an unknown
/// name is refused with [`Error::InvalidKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum StickyKind {
    DomainEvent,
    Command,
    Aggregate,
    Policy,
    ReadModel,
    Actor,
    ExternalSystem,
    Hotspot,
}

impl StickyKind {
    /// All kinds, in palette order (the order of the "picture that explains everything").
    pub const ALL: [StickyKind; 8] = [
        StickyKind::DomainEvent,
        StickyKind::Command,
        StickyKind::Aggregate,
        StickyKind::Policy,
        StickyKind::ReadModel,
        StickyKind::Actor,
        StickyKind::ExternalSystem,
        StickyKind::Hotspot,
    ];

    /// The wire and storage name.
    pub fn name(self) -> &'static str {
        match self {
            StickyKind::DomainEvent => "domain_event",
            StickyKind::Command => "command",
            StickyKind::Aggregate => "aggregate",
            StickyKind::Policy => "policy",
            StickyKind::ReadModel => "read_model",
            StickyKind::Actor => "actor",
            StickyKind::ExternalSystem => "external_system",
            StickyKind::Hotspot => "hotspot",
        }
    }

    /// What people call it in a workshop.
    pub fn label(self) -> &'static str {
        match self {
            StickyKind::DomainEvent => "Domain event",
            StickyKind::Command => "Command",
            StickyKind::Aggregate => "Aggregate",
            StickyKind::Policy => "Policy",
            StickyKind::ReadModel => "Read model",
            StickyKind::Actor => "Actor",
            StickyKind::ExternalSystem => "External system",
            StickyKind::Hotspot => "Hotspot",
        }
    }

    /// The conventional colour (see `shared/reference/eventstorming-notation.md`).
    pub fn colour(self) -> &'static str {
        match self {
            StickyKind::DomainEvent => "#FFB84D",
            StickyKind::Command => "#7EC8F0",
            StickyKind::Aggregate => "#FFE066",
            StickyKind::Policy => "#C9A0DC",
            StickyKind::ReadModel => "#A8D08D",
            StickyKind::Actor => "#FFF9B1",
            StickyKind::ExternalSystem => "#F4A6C0",
            StickyKind::Hotspot => "#E85D75",
        }
    }

    /// The size a sticky of this kind has until someone resizes it. Aggregates and policies
    /// are the "big" stickies of the notation, external systems the wide ones.
    pub fn default_size(self) -> crate::board::Size {
        use crate::board::Size;
        match self {
            StickyKind::Aggregate | StickyKind::Policy => Size::new(180, 130),
            StickyKind::ExternalSystem => Size::new(200, 110),
            StickyKind::Actor => Size::new(130, 90),
            _ => Size::new(160, 110),
        }
    }

    /// Whether stickies of this kind carry typed payload fields (events, commands, aggregate
    /// state, read models: the ones that become code).
    pub fn has_fields(self) -> bool {
        matches!(
            self,
            StickyKind::DomainEvent
                | StickyKind::Command
                | StickyKind::Aggregate
                | StickyKind::ReadModel
        )
    }

    /// A hint of what to write on it, used as the text of a freshly placed sticky.
    pub fn placeholder(self) -> &'static str {
        match self {
            StickyKind::DomainEvent => "Something happened",
            StickyKind::Command => "Do something",
            StickyKind::Aggregate => "Aggregate",
            StickyKind::Policy => "Whenever …, then …",
            StickyKind::ReadModel => "Information",
            StickyKind::Actor => "Person",
            StickyKind::ExternalSystem => "External system",
            StickyKind::Hotspot => "Question?",
        }
    }
}

impl fmt::Display for StickyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for StickyKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        StickyKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| Error::InvalidKind(s.chars().take(40).collect()))
    }
}

impl TryFrom<String> for StickyKind {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for kind in StickyKind::ALL {
            assert_eq!(kind.name().parse::<StickyKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(serde_json::from_str::<StickyKind>(&json).unwrap(), kind);
        }
    }

    #[test]
    fn an_unknown_kind_is_an_invalid_kind_error() {
        assert_eq!(
            "sticker".parse::<StickyKind>(),
            Err(Error::InvalidKind("sticker".into()))
        );
        let err = serde_json::from_str::<StickyKind>("\"sticker\"").unwrap_err();
        assert!(err.to_string().contains("invalid sticky kind"), "{err}");
    }
}
