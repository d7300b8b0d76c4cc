//! Who is on a board right now: the participants in the order they came, with their pointer
//! colours, pointers and editing, and the facilitator leading everyone's view. In memory only
//! (presence is ephemeral); the board actor owns one and shares the messages it returns.

use stormwall_core::protocol::{Participant, ServerMsg, View};
use stormwall_core::{Position, Role, StickyId};
use uuid::Uuid;

/// Pointer colours, handed out in order to the people on a board.
pub const COLOURS: [&str; 10] = [
    "#e8590c", "#1971c2", "#2f9e44", "#9c36b5", "#c2255c", "#0c8599", "#e67700", "#5f3dc4",
    "#087f5b", "#495057",
];

#[derive(Debug, Default)]
pub struct Roster {
    people: Vec<Participant>,
    leading: Option<(Uuid, View)>,
}

impl Roster {
    /// The people connected, in the order they came.
    pub fn participants(&self) -> &[Participant] {
        &self.people
    }

    /// Who leads the room's view, and where they look.
    pub fn leading(&self) -> Option<(Uuid, View)> {
        self.leading
    }

    /// Adds a participant with the first colour nobody has (or, all taken, one in turn); a
    /// rejoin keeps them as they were. What to tell the others, if anything.
    pub fn arrive(&mut self, id: Uuid, name: String, role: Role) -> Option<ServerMsg> {
        if self.people.iter().any(|p| p.id == id) {
            return None;
        }
        let colour = COLOURS
            .iter()
            .find(|c| !self.people.iter().any(|p| p.colour == **c))
            .unwrap_or(&COLOURS[self.people.len() % COLOURS.len()]);
        let participant = Participant {
            id,
            name,
            colour: (*colour).to_owned(),
            cursor: None,
            editing: None,
            role,
        };
        self.people.push(participant.clone());
        Some(ServerMsg::Presence { participant })
    }

    /// Adds a participant as another server describes them (their colour is theirs there);
    /// nothing if they are here already.
    pub fn arrive_as(&mut self, participant: Participant) -> Option<ServerMsg> {
        if self.people.iter().any(|p| p.id == participant.id) {
            return None;
        }
        self.people.push(participant.clone());
        Some(ServerMsg::Presence { participant })
    }

    /// A participant's pointer and editing state; nothing for someone not here.
    pub fn update(
        &mut self,
        id: Uuid,
        cursor: Option<Position>,
        editing: Option<StickyId>,
    ) -> Option<ServerMsg> {
        let p = self.people.iter_mut().find(|p| p.id == id)?;
        p.cursor = cursor;
        p.editing = editing;
        Some(ServerMsg::Presence {
            participant: p.clone(),
        })
    }

    /// A facilitator's view for everyone to follow (`None`: stop); ignored from anyone else.
    pub fn follow(&mut self, id: Uuid, view: Option<View>) -> Option<ServerMsg> {
        let leads = self
            .people
            .iter()
            .any(|p| p.id == id && p.role == Role::Facilitator);
        if !leads {
            return None;
        }
        self.leading = view.map(|v| (id, v));
        Some(ServerMsg::Follow { leader: id, view })
    }

    /// A participant left: the others are told, and stop following them if they led.
    pub fn leave(&mut self, id: Uuid) -> Vec<ServerMsg> {
        let mut tell = Vec::new();
        let before = self.people.len();
        self.people.retain(|p| p.id != id);
        if self.people.len() != before {
            tell.push(ServerMsg::Left { participant_id: id });
        }
        if self.leading.is_some_and(|(leader, _)| leader == id) {
            self.leading = None;
            tell.push(ServerMsg::Follow {
                leader: id,
                view: None,
            });
        }
        tell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn view() -> View {
        View {
            x: 1.0,
            y: 2.0,
            zoom: 1.0,
        }
    }

    #[test]
    fn newcomers_get_the_first_free_colour_and_a_rejoin_changes_nothing() {
        let mut r = Roster::default();
        assert!(r.arrive(id(1), "Ann".into(), Role::Edit).is_some());
        assert!(r.arrive(id(2), "Bob".into(), Role::View).is_some());
        assert!(r.arrive(id(1), "Ann again".into(), Role::Edit).is_none());
        let colours: Vec<&str> = r.participants().iter().map(|p| p.colour.as_str()).collect();
        assert_eq!(colours, [COLOURS[0], COLOURS[1]]);
        assert_eq!(r.participants()[0].name, "Ann");
        // A colour given back goes to the next newcomer.
        r.leave(id(1));
        r.arrive(id(3), "Cy".into(), Role::Edit);
        assert_eq!(r.participants()[1].colour, COLOURS[0]);
    }

    #[test]
    fn with_every_colour_taken_colours_repeat_in_turn() {
        let mut r = Roster::default();
        for n in 0..COLOURS.len() as u128 + 2 {
            r.arrive(id(n), format!("P{n}"), Role::Edit);
        }
        let p = r.participants();
        assert_eq!(p[COLOURS.len()].colour, COLOURS[0]);
        assert_eq!(p[COLOURS.len() + 1].colour, COLOURS[1]);
    }

    #[test]
    fn presence_is_kept_and_shared_only_for_people_here() {
        let mut r = Roster::default();
        r.arrive(id(1), "Ann".into(), Role::Edit);
        let cursor = Some(Position::new(3, 4));
        let Some(ServerMsg::Presence { participant }) = r.update(id(1), cursor, None) else {
            panic!("presence is shared");
        };
        assert_eq!(participant.cursor, cursor);
        assert_eq!(r.participants()[0].cursor, cursor);
        assert!(r.update(id(9), cursor, None).is_none());
    }

    #[test]
    fn only_a_facilitator_leads_and_leaving_stops_the_following() {
        let mut r = Roster::default();
        r.arrive(id(1), "Fay".into(), Role::Facilitator);
        r.arrive(id(2), "Ed".into(), Role::Edit);
        assert!(r.follow(id(2), Some(view())).is_none());
        assert!(r.follow(id(9), Some(view())).is_none());
        assert_eq!(r.leading(), None);
        assert!(r.follow(id(1), Some(view())).is_some());
        assert_eq!(r.leading(), Some((id(1), view())));

        // Someone else leaving changes nothing about the lead.
        assert!(matches!(
            r.leave(id(2)).as_slice(),
            [ServerMsg::Left { .. }]
        ));
        assert!(r.leave(id(2)).is_empty(), "a second leave tells nobody");
        assert!(r.leading().is_some());
        let told = r.leave(id(1));
        assert!(matches!(
            told.as_slice(),
            [ServerMsg::Left { .. }, ServerMsg::Follow { view: None, .. }]
        ));
        assert_eq!(r.leading(), None);
    }

    #[test]
    fn a_facilitator_stops_leading_with_no_view() {
        let mut r = Roster::default();
        r.arrive(id(1), "Fay".into(), Role::Facilitator);
        r.follow(id(1), Some(view()));
        assert!(r.follow(id(1), None).is_some());
        assert_eq!(r.leading(), None);
        assert_eq!(
            r.leave(id(1)).len(),
            1,
            "only the leave: nobody was following"
        );
    }
}
