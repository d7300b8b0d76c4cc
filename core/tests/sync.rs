//! The client's sync engine (`stormwall_core::sync`), without a browser: given a connection
//! in some state, when a message or a local command arrives, then these effects. And a
//! property: whatever the interleaving, once everything is answered the client's board is the
//! server's, no id carries two commands, and nothing acknowledged is lost.

mod support;

use proptest::prelude::*;
use stormwall_core::protocol::{ClientMsg, ServerMsg, PROTOCOL_VERSION};
use stormwall_core::sync::{Declined, Effect, Engine, Purpose, Status, Stop, ViewChange, WINDOW};
use stormwall_core::*;
use support::sim::{Server, Wire};
use support::sticky;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0xC0DE_0000 + n)
}

fn add(n: u128, text: &str) -> Command {
    Command::AddSticky {
        id: sticky(n),
        kind: StickyKind::DomainEvent,
        text: text.into(),
        pos: Position::new(10 * n as i32, 0),
        size: None,
    }
}

fn sends(effects: &[Effect]) -> Vec<Uuid> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(ClientMsg::Command { command_id, .. }) => Some(*command_id),
            _ => None,
        })
        .collect()
}

/// A client that has just been welcomed to `server`'s board, live.
fn live(server: &Server) -> Wire {
    let mut wire = Wire::new(Engine::new(Role::Edit, 0.0));
    wire.connect(server, false);
    wire.deliver_to_client(server);
    assert_eq!(wire.engine.status(), Status::Live);
    wire
}

fn text_of(board: Option<&Board>, n: u128) -> Option<String> {
    board?.stickies.get(&sticky(n)).map(|s| s.text.clone())
}

// --- a command of one's own --------------------------------------------------------------

#[test]
fn a_local_command_shows_at_once_goes_out_and_is_settled_by_its_ack() {
    let mut server = Server::new();
    let mut wire = live(&server);

    let effects = wire
        .engine
        .local(id(1), add(1, "Order Placed"), 0.0)
        .unwrap();

    assert_eq!(sends(&effects), [id(1)]);
    assert!(matches!(effects[0], Effect::View(ViewChange::Applied(_))));
    assert!(effects.contains(&Effect::Persist));
    assert_eq!(wire.engine.queue(), [(id(1), add(1, "Order Placed"))]);
    assert_eq!(
        text_of(wire.engine.view(), 1).as_deref(),
        Some("Order Placed")
    );
    assert_eq!(
        text_of(wire.engine.confirmed(), 1),
        None,
        "not confirmed yet"
    );
    assert_eq!(wire.engine.unsaved(), 1);

    wire.effects(effects);
    wire.settle(&mut server);

    assert_eq!(wire.engine.unsaved(), 0);
    assert_eq!(wire.engine.confirmed(), Some(&server.board));
    assert_eq!(wire.engine.view(), Some(&server.board));
    assert!(wire.engine.can_undo(), "the change can be undone");
}

#[test]
fn a_command_the_core_refuses_is_neither_shown_nor_sent() {
    let server = Server::new();
    let mut wire = live(&server);

    let refused = wire.engine.local(id(1), add(1, "   "), 0.0);

    assert_eq!(refused, Err(Declined::Refused(Error::EmptyText)));
    assert_eq!(wire.engine.unsaved(), 0);
}

#[test]
fn a_refusal_by_the_server_rolls_the_change_back_with_its_reason() {
    let mut server = Server::new();
    let mut wire = live(&server);
    wire.local(id(1), add(1, "Mine"));
    // Someone else took the id first (the server decides on its own board).
    server.other(add(1, "Theirs"));

    let effects = wire.engine.receive(
        ServerMsg::error(
            ErrorCode::DuplicateSticky,
            "a sticky with that id exists",
            Some(id(1)),
        ),
        0.0,
    );

    assert!(effects.contains(&Effect::View(ViewChange::Rebuilt)));
    assert!(effects.contains(&Effect::Notice(
        "Your change was undone: a sticky with that id exists".into()
    )));
    assert!(effects.contains(&Effect::Persist));
    assert_eq!(wire.engine.queue(), []);
    assert_eq!(text_of(wire.engine.view(), 1), None);
    assert_eq!(wire.engine.unsaved(), 0);
}

#[test]
fn an_event_of_someone_else_slides_in_under_a_pending_command() {
    let mut server = Server::new();
    let mut wire = live(&server);
    wire.local(id(1), add(1, "Mine"));

    let theirs = server.other(add(2, "Theirs"));
    for msg in theirs {
        wire.engine.receive(msg, 0.0);
    }

    assert_eq!(text_of(wire.engine.view(), 1).as_deref(), Some("Mine"));
    assert_eq!(text_of(wire.engine.view(), 2).as_deref(), Some("Theirs"));
    assert_eq!(text_of(wire.engine.confirmed(), 1), None);
    assert_eq!(wire.engine.unsaved(), 1);
}

#[test]
fn once_its_events_arrived_a_command_is_not_replayed_over_later_ones() {
    let mut server = Server::new();
    let mut wire = live(&server);
    wire.local(id(1), add(1, "Draft"));
    wire.settle(&mut server);
    let edit = Command::EditStickyText {
        id: sticky(1),
        text: "Mine".into(),
    };
    wire.local(id(2), edit);
    // The server stores the edit and then someone else's; the ack is still on its way.
    wire.deliver_to_server(&mut server);
    let ack = wire.to_client.pop_back().unwrap();
    let theirs = Command::EditStickyText {
        id: sticky(1),
        text: "Theirs".into(),
    };
    wire.to_client.extend(server.other(theirs));
    while !wire.to_client.is_empty() {
        wire.deliver_to_client(&server);
    }

    assert_eq!(wire.engine.unsaved(), 1, "not acknowledged yet");
    assert_eq!(
        text_of(wire.engine.view(), 1).as_deref(),
        Some("Theirs"),
        "server order"
    );
    wire.engine.receive(ack, 0.0);
    assert_eq!(wire.engine.view(), Some(&server.board));
}

#[test]
fn ones_own_event_as_shown_changes_nothing_on_screen() {
    let mut server = Server::new();
    let mut wire = live(&server);
    wire.local(id(1), add(1, "Mine"));
    wire.local(id(2), add(2, "Also mine"));
    wire.deliver_to_server(&mut server);
    let event = wire.to_client.pop_front().unwrap();
    assert!(matches!(event, ServerMsg::Event { .. }));

    let effects = wire.engine.receive(event, 0.0);

    assert_eq!(effects, [], "no rebuild, nothing for the page to redraw");
    assert_eq!(text_of(wire.engine.confirmed(), 1).as_deref(), Some("Mine"));
    assert_eq!(wire.engine.view().cloned(), wire.engine.fresh_view());
    assert_eq!(wire.engine.view().unwrap().stickies.len(), 2);
}

#[test]
fn ones_own_event_overtaking_an_older_pending_command_rebuilds_the_view() {
    let mut server = Server::new();
    let mut wire = live(&server);
    wire.local(id(1), add(1, "Draft"));
    wire.settle(&mut server);
    let edit = |text: &str| Command::EditStickyText {
        id: sticky(1),
        text: text.into(),
    };
    wire.local(id(2), edit("A"));
    wire.local(id(3), edit("B"));
    // The first is turned away for the moment, the second stored: the server ends on "A"
    // once the first is sent again, so the screen must show "A" on top of the stored "B".
    server.busy = true;
    wire.deliver_to_server(&mut server);
    wire.deliver_to_server(&mut server);
    while !wire.to_client.is_empty() {
        wire.deliver_to_client(&server);
    }

    assert_eq!(text_of(wire.engine.confirmed(), 1).as_deref(), Some("B"));
    assert_eq!(text_of(wire.engine.view(), 1).as_deref(), Some("A"));
    wire.settle(&mut server);
    assert_eq!(text_of(Some(&server.board), 1).as_deref(), Some("A"));
}

// --- the connection -------------------------------------------------------------------------

#[test]
fn a_dropped_connection_queues_commands_and_resends_them_under_the_same_ids() {
    let mut server = Server::new();
    let mut wire = live(&server);
    wire.local(id(1), add(1, "One"));
    wire.local(id(2), add(2, "Two"));
    // The server got the first before the connection dropped; its answer was lost.
    wire.deliver_to_server(&mut server);
    wire.drop_connection();

    let offline = wire.local(id(3), add(3, "Three"));
    assert!(sends(&offline).is_empty(), "nothing goes out while offline");
    assert_eq!(wire.engine.status(), Status::Offline);
    assert_eq!(wire.engine.unsaved(), 3);

    wire.connect(&server, true);
    let resume = wire.to_client.pop_front().unwrap();
    let effects = wire.engine.receive(resume, 0.0);

    assert_eq!(
        sends(&effects),
        [id(1), id(2), id(3)],
        "same ids, same order"
    );
    wire.effects(effects);
    wire.settle(&mut server);
    assert_eq!(
        server.executed.values().copied().max(),
        Some(1),
        "none twice"
    );
    assert_eq!(wire.engine.view(), Some(&server.board));
}

#[test]
fn a_fresh_welcome_after_a_long_absence_keeps_what_is_pending() {
    let mut server = Server::new();
    let mut wire = live(&server);
    wire.drop_connection();
    wire.local(id(1), add(1, "Written offline"));
    for n in 10..20 {
        server.other(add(n, "Meanwhile"));
    }

    wire.connect(&server, false);
    let welcome = wire.to_client.pop_front().unwrap();
    let effects = wire.engine.receive(welcome, 0.0);

    assert_eq!(wire.engine.seq(), server.seq());
    assert_eq!(wire.engine.view().unwrap().stickies.len(), 11);
    assert_eq!(sends(&effects), [id(1)]);
    wire.effects(effects);
    wire.settle(&mut server);
    assert_eq!(wire.engine.view(), Some(&server.board));
}

#[test]
fn a_gap_in_the_events_asks_for_a_new_connection() {
    let mut server = Server::new();
    let mut wire = live(&server);
    server.other(add(1, "Lost"));
    let mut second = server.other(add(2, "Seen"));

    let effects = wire.engine.receive(second.remove(0), 0.0);

    assert_eq!(effects, [Effect::Reconnect]);
    assert_eq!(wire.engine.status(), Status::Offline);
}

#[test]
fn a_command_turned_away_for_the_moment_goes_again_under_its_id() {
    let mut server = Server::new();
    let mut wire = live(&server);
    server.busy = true;
    wire.local(id(1), add(1, "Again"));
    wire.deliver_to_server(&mut server);

    let msg = wire.to_client.pop_front().unwrap();
    let effects = wire.engine.receive(msg, 0.0);

    assert_eq!(effects, [Effect::PumpIn(1_000.0)]);
    assert_eq!(wire.engine.unsaved(), 1, "still pending, still shown");
    assert_eq!(sends(&wire.engine.pump(1_000.0)), [id(1)]);
}

#[test]
fn a_long_queue_goes_out_in_windows_under_the_pace() {
    let server = Server::new();
    let mut wire = Wire::new(Engine::new(Role::Edit, 0.0));
    for n in 0..100 {
        wire.engine.local(id(n), add(n, "Queued"), 0.0).unwrap_err();
    }
    wire.connect(&server, false);
    for n in 0..100 {
        if n == 0 {
            wire.deliver_to_client(&server);
        }
        wire.engine.local(id(n), add(n, "Queued"), 0.0).unwrap();
    }

    let effects = wire.engine.pump(0.0);

    assert!(sends(&effects).is_empty(), "the window is full");
    let in_flight = wire
        .engine
        .pending()
        .iter()
        .filter(|p| p.in_flight())
        .count();
    assert_eq!(in_flight, WINDOW);
}

#[test]
fn a_previous_visits_queue_goes_first() {
    let mut server = Server::new();
    let mut wire = Wire::new(Engine::new(Role::Edit, 0.0));
    wire.engine.restore(vec![(id(7), add(7, "From last time"))]);
    wire.connect(&server, false);
    let welcome = wire.to_client.pop_front().unwrap();
    let effects = wire.engine.receive(welcome, 0.0);
    assert_eq!(sends(&effects), [id(7)]);
    assert_eq!(
        text_of(wire.engine.view(), 7).as_deref(),
        Some("From last time")
    );
    wire.effects(effects);

    wire.local(id(8), add(8, "Now"));
    assert_eq!(
        wire.engine.restore(vec![(id(7), add(7, "From last time"))]),
        []
    );
    wire.settle(&mut server);
    assert_eq!(server.board.stickies.len(), 2);
}

// --- undo --------------------------------------------------------------------------------

#[test]
fn undo_and_redo_follow_what_the_server_stored() {
    let mut server = Server::new();
    let mut wire = live(&server);
    wire.local(id(1), add(1, "Undo me"));
    wire.settle(&mut server);

    wire.undo(Purpose::Undo, id(2));
    assert_eq!(text_of(wire.engine.view(), 1), None, "gone at once");
    wire.settle(&mut server);
    assert!(server.board.stickies.is_empty());
    assert!(wire.engine.can_redo());

    wire.undo(Purpose::Redo, id(3));
    wire.settle(&mut server);
    assert_eq!(text_of(Some(&server.board), 1).as_deref(), Some("Undo me"));
    assert!(wire.engine.can_undo() && !wire.engine.can_redo());
}

#[test]
fn an_undo_overtaken_by_another_user_is_refused_and_kept() {
    let mut server = Server::new();
    let mut wire = live(&server);
    wire.local(id(1), add(1, "Mine"));
    wire.settle(&mut server);
    let edited = Command::EditStickyText {
        id: sticky(1),
        text: "Mine, edited".into(),
    };
    wire.local(id(2), edited);
    wire.settle(&mut server);
    // Someone else deletes the sticky this user just edited.
    for msg in server.other(Command::DeleteSticky { id: sticky(1) }) {
        wire.engine.receive(msg, 0.0);
    }

    let undo = wire.engine.undo(Purpose::Undo, id(3), 0.0);

    assert!(matches!(undo, Err(Declined::Refused(_))), "{undo:?}");
    assert!(wire.engine.can_undo(), "kept, for when it applies again");
    assert_eq!(wire.engine.unsaved(), 0, "nothing sent");
    assert_eq!(
        wire.engine.undo(Purpose::Redo, id(4), 0.0),
        Err(Declined::NothingTo(Purpose::Redo))
    );
}

// --- the protocol contract ---------------------------------------------------------------

#[test]
fn a_newer_server_stops_the_client_with_a_reload_message() {
    let mut wire = Wire::new(Engine::new(Role::Edit, 0.0));
    let effects = wire.engine.receive(
        ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION + 1,
            board: Board::new(BoardId(Uuid::nil())),
            seq: 1,
        },
        0.0,
    );

    let [Effect::Stop(stop)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        stop,
        &Stop::Protocol {
            server: PROTOCOL_VERSION + 1
        }
    );
    assert!(
        stop.message().contains("Reload the page"),
        "{}",
        stop.message()
    );
    assert_eq!(wire.engine.status(), Status::Stopped);
    assert!(wire.engine.view().is_none(), "the board was not read");
    let later = wire.engine.receive(
        ServerMsg::Resume {
            protocol: PROTOCOL_VERSION,
            since: 0,
        },
        0.0,
    );
    assert!(later.is_empty(), "a stopped client stays stopped");
}

#[test]
fn a_revoked_link_stops_the_client() {
    let server = Server::new();
    let mut wire = live(&server);
    let effects = wire.engine.receive(
        ServerMsg::error(ErrorCode::LinkRevoked, "ask for a new link", None),
        0.0,
    );
    assert_eq!(
        effects,
        [Effect::Stop(Stop::Refused {
            code: ErrorCode::LinkRevoked,
            message: "ask for a new link".into()
        })]
    );
    assert!(matches!(
        wire.engine.local(id(1), add(1, "x"), 0.0),
        Err(Declined::Stopped(_))
    ));
}

#[test]
fn the_access_message_sets_the_role_and_the_servers_clock() {
    let server = Server::new();
    let mut wire = live(&server);
    let effects = wire.engine.receive(
        ServerMsg::Access {
            role: Role::View,
            links: Vec::new(),
            now: 10_500,
        },
        500.0,
    );
    assert!(
        matches!(effects.as_slice(), [Effect::Room(m)] if matches!(**m, ServerMsg::Access { .. }))
    );
    assert_eq!(wire.engine.server_now(1_000.0), 11_000);
    assert_eq!(
        wire.engine.local(id(1), add(1, "x"), 0.0),
        Err(Declined::Refused(Error::ReadOnly))
    );
}

// --- the property --------------------------------------------------------------------------

/// One step of a random session.
#[derive(Clone, Debug)]
enum Step {
    /// This user's command on sticky `n` of a small id space.
    Mine(Act),
    /// Someone else's, straight into the server.
    Theirs(Act),
    ToServer,
    ToClient,
    /// The server turns the next command away for the moment.
    Busy,
    Drop,
    Connect {
        resume: bool,
    },
    Wait(u16),
    Undo,
    Redo,
}

#[derive(Clone, Debug)]
enum Act {
    Add(u8),
    Move(u8, i16),
    Edit(u8, u8),
    Delete(u8),
}

impl Act {
    fn command(&self) -> Command {
        let n = |k: &u8| sticky(1 + (*k % 6) as u128);
        match self {
            Act::Add(k) => Command::AddSticky {
                id: n(k),
                kind: StickyKind::DomainEvent,
                text: format!("Sticky {k}"),
                pos: Position::new(0, 0),
                size: None,
            },
            Act::Move(k, x) => Command::MoveSticky {
                id: n(k),
                pos: Position::new(*x as i32, 7),
            },
            Act::Edit(k, t) => Command::EditStickyText {
                id: n(k),
                text: format!("Text {t}"),
            },
            Act::Delete(k) => Command::DeleteSticky { id: n(k) },
        }
    }
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        any::<u8>().prop_map(Act::Add),
        (any::<u8>(), any::<i16>()).prop_map(|(k, x)| Act::Move(k, x)),
        (any::<u8>(), any::<u8>()).prop_map(|(k, t)| Act::Edit(k, t)),
        any::<u8>().prop_map(Act::Delete),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => act().prop_map(Step::Mine),
        2 => act().prop_map(Step::Theirs),
        4 => Just(Step::ToServer),
        4 => Just(Step::ToClient),
        1 => Just(Step::Busy),
        1 => Just(Step::Drop),
        1 => any::<bool>().prop_map(|resume| Step::Connect { resume }),
        1 => (0u16..2_000).prop_map(Step::Wait),
        1 => Just(Step::Undo),
        1 => Just(Step::Redo),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn once_everything_is_answered_the_client_shows_the_servers_board(
        steps in prop::collection::vec(step(), 1..120)
    ) {
        let mut server = Server::new();
        let mut wire = live(&server);
        let mut next = 0u128;
        let mut accepted = Vec::new();
        for step in steps {
            let mut fresh = || { next += 1; id(next) };
            match step {
                Step::Mine(act) => {
                    let command_id = fresh();
                    if let Ok(effects) = wire.engine.local(command_id, act.command(), wire.now) {
                        accepted.push(command_id);
                        wire.effects(effects);
                    }
                }
                Step::Undo | Step::Redo => {
                    let purpose = if matches!(step, Step::Undo) { Purpose::Undo } else { Purpose::Redo };
                    let command_id = fresh();
                    if let Ok(effects) = wire.engine.undo(purpose, command_id, wire.now) {
                        accepted.push(command_id);
                        wire.effects(effects);
                    }
                }
                Step::Theirs(act) => {
                    let events = server.other(act.command());
                    if wire.up {
                        wire.to_client.extend(events);
                    }
                }
                Step::ToServer => wire.deliver_to_server(&mut server),
                Step::ToClient => wire.deliver_to_client(&server),
                Step::Busy => server.busy = true,
                Step::Drop => wire.drop_connection(),
                Step::Connect { resume } => {
                    if !wire.up {
                        wire.connect(&server, resume);
                    }
                }
                Step::Wait(ms) => {
                    wire.now += ms as f64;
                    wire.pump();
                }
            }
            // The shortcuts (an event applied in place, one's own event as shown) keep the
            // view what a rebuild from scratch would give.
            let fresh = wire.engine.fresh_view();
            prop_assert_eq!(wire.engine.view().cloned(), fresh);
        }
        server.busy = false;
        wire.settle(&mut server);

        prop_assert_eq!(wire.engine.confirmed(), Some(&server.board));
        prop_assert_eq!(wire.engine.view(), Some(&server.board));
        prop_assert_eq!(wire.engine.seq(), server.seq());
        // Every command the client took was answered: stored once, or refused with a reason.
        for command_id in &accepted {
            let stored = server.executed.get(command_id).copied().unwrap_or(0);
            let refused = server.refused.contains(command_id);
            prop_assert!(stored <= 1, "{} executed {} times", command_id, stored);
            prop_assert!(stored == 1 || refused, "{} was lost", command_id);
        }
        // What the server stored under this client's ids is all in its board, in order.
        let replayed = Board::replay(
            BoardId(Uuid::nil()),
            &server.log.iter().map(|(e, _)| e.clone()).collect::<Vec<_>>(),
        );
        prop_assert_eq!(&replayed, &server.board);
    }
}
