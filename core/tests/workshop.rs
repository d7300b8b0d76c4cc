//! The facilitator's kit in given/when/then form: who may send what, phases, the timer, dot
//! votes (ballots and the tally).

use stormwall_core::workshop::{self, authorize, Tally, Timer, VoteStatus, MAX_DOTS};
use stormwall_core::*;
use uuid::Uuid;

mod support;
use support::*;

const T0: i64 = 1_800_000_000_000;

fn vote_id() -> VoteId {
    VoteId(Uuid::from_u128(77))
}

fn opened(dots: u32, kinds: Vec<StickyKind>) -> Event {
    Event::VoteOpened {
        id: vote_id(),
        question: "Which hotspots first?".into(),
        dots,
        kinds,
    }
}

// --- roles --------------------------------------------------------------------------------

#[test]
fn a_viewer_may_send_nothing_an_editor_no_facilitator_command() {
    let edit = Command::DeleteSticky { id: sticky(1) };
    let lead = Command::SetPhase { phase: None };
    assert_eq!(authorize(Role::View, &edit), Err(Error::ReadOnly));
    assert_eq!(authorize(Role::View, &lead), Err(Error::ReadOnly));
    assert_eq!(authorize(Role::Edit, &edit), Ok(()));
    assert_eq!(authorize(Role::Edit, &lead), Err(Error::FacilitatorOnly));
    assert_eq!(
        authorize(Role::Edit, &Command::LockBoard),
        Err(Error::FacilitatorOnly)
    );
    assert_eq!(authorize(Role::Facilitator, &lead), Ok(()));
    // A batch needs the most any of its commands needs (an undo of a lock, say).
    let batch = Command::Batch {
        expect: vec![],
        commands: vec![edit, Command::UnlockBoard],
    };
    assert_eq!(authorize(Role::Edit, &batch), Err(Error::FacilitatorOnly));
}

// --- phases -------------------------------------------------------------------------------

#[test]
fn setting_a_phase_records_it_and_setting_it_again_changes_nothing() {
    let phase = Some(Phase::EnforceTheTimeline);
    let outcome = given([created()]).when(Command::SetPhase { phase });
    assert_eq!(outcome, Ok(vec![Event::PhaseChanged { phase }]));
    let again = given([created(), Event::PhaseChanged { phase }]).when(Command::SetPhase { phase });
    assert_eq!(again, Ok(vec![]));
}

#[test]
fn every_phase_has_a_label_an_instruction_and_kinds() {
    for p in Phase::ALL {
        assert!(!p.label().is_empty() && !p.instruction().is_empty() && !p.kinds().is_empty());
        assert_eq!(Phase::parse(p.name()), Some(p));
    }
}

#[test]
fn a_locked_board_still_runs_its_workshop_but_refuses_edits() {
    let locked = [created(), added(1, "Seat reserved"), Event::BoardLocked];
    let phase = Command::SetPhase {
        phase: Some(Phase::WalkThrough),
    };
    assert!(given(locked.clone()).when(phase).is_ok());
    let timer = Command::StartTimer {
        seconds: 60,
        at: T0,
    };
    assert!(given(locked.clone()).when(timer).is_ok());
    let edit = Command::DeleteSticky { id: sticky(1) };
    assert_eq!(given(locked).when(edit), Err(Error::BoardLocked));
}

#[test]
fn workshop_commands_are_never_part_of_a_batch() {
    let outcome = given([created()]).when(Command::Batch {
        expect: vec![],
        commands: vec![Command::StopTimer],
    });
    assert_eq!(outcome, Err(Error::WorkshopInBatch));
}

// --- the timer ----------------------------------------------------------------------------

#[test]
fn a_timer_ends_at_the_servers_start_time_plus_its_length() {
    let outcome = given([created()]).when(Command::StartTimer {
        seconds: 300,
        at: T0,
    });
    assert_eq!(
        outcome,
        Ok(vec![Event::TimerStarted {
            seconds: 300,
            ends_at: T0 + 300_000
        }])
    );
}

#[test]
fn the_servers_clock_replaces_whatever_a_client_sent() {
    let mut command = Command::StartTimer {
        seconds: 60,
        at: 42,
    };
    command.stamp(T0, Vec::new);
    assert_eq!(
        command,
        Command::StartTimer {
            seconds: 60,
            at: T0
        }
    );
}

#[test]
fn timers_of_zero_or_more_than_four_hours_are_refused() {
    for seconds in [0, workshop::MAX_TIMER_SECONDS + 1] {
        let outcome = given([created()]).when(Command::StartTimer { seconds, at: T0 });
        assert_eq!(
            outcome,
            Err(Error::TimerOutOfRange {
                seconds: u64::from(seconds)
            })
        );
    }
    let longest = Command::StartTimer {
        seconds: workshop::MAX_TIMER_SECONDS,
        at: T0,
    };
    assert!(given([created()]).when(longest).is_ok());
}

#[test]
fn pause_keeps_what_is_left_and_resume_counts_down_from_then() {
    let started = Event::TimerStarted {
        seconds: 300,
        ends_at: T0 + 300_000,
    };
    let paused = given([created(), started.clone()]).when(Command::PauseTimer { at: T0 + 100_000 });
    assert_eq!(
        paused,
        Ok(vec![Event::TimerPaused {
            remaining_ms: 200_000
        }])
    );
    let history = [
        created(),
        started,
        Event::TimerPaused {
            remaining_ms: 200_000,
        },
    ];
    let resumed = given(history.clone()).when(Command::ResumeTimer { at: T0 + 500_000 });
    assert_eq!(
        resumed,
        Ok(vec![Event::TimerResumed {
            ends_at: T0 + 700_000
        }])
    );
    assert_eq!(
        given(history).when(Command::PauseTimer { at: T0 }),
        Err(Error::TimerNotRunning)
    );
}

#[test]
fn a_minute_more_on_an_ended_timer_counts_from_now() {
    let history = [
        created(),
        Event::TimerStarted {
            seconds: 60,
            ends_at: T0 + 60_000,
        },
    ];
    let later = T0 + 90_000;
    let mut board = given(history.clone()).board();
    let events = execute(
        &board,
        Command::ExtendTimer {
            seconds: 60,
            at: later,
        },
    )
    .unwrap();
    events.iter().for_each(|e| board.apply_mut(e));
    assert_eq!(
        board.workshop.timer,
        Some(Timer::Running {
            ends_at: later + 60_000
        })
    );
    assert_eq!(board.workshop.timer.unwrap().remaining_ms(later), 60_000);
    let stopped = given(history).when(Command::StopTimer).unwrap();
    assert_eq!(stopped, vec![Event::TimerStopped]);
    assert_eq!(
        given([created()]).when(Command::StopTimer),
        Err(Error::NoTimer)
    );
}

// --- dot votes ----------------------------------------------------------------------------

#[test]
fn opening_a_vote_while_one_is_open_is_refused() {
    let outcome = given([created(), opened(3, vec![])]).when(Command::OpenVote {
        id: VoteId(Uuid::from_u128(78)),
        question: "Again?".into(),
        dots: 3,
        kinds: vec![],
    });
    assert_eq!(outcome, Err(Error::VoteInProgress));
}

#[test]
fn a_vote_needs_a_question_and_one_to_twenty_dots() {
    let open = |question: &str, dots| Command::OpenVote {
        id: vote_id(),
        question: question.into(),
        dots,
        kinds: vec![],
    };
    assert_eq!(
        given([created()]).when(open("  ", 3)),
        Err(Error::EmptyQuestion)
    );
    assert_eq!(
        given([created()]).when(open("Which?", 0)),
        Err(Error::DotsOutOfRange { dots: 0 })
    );
    assert_eq!(
        given([created()]).when(open("Which?", MAX_DOTS + 1)),
        Err(Error::DotsOutOfRange { dots: MAX_DOTS + 1 })
    );
    let long = "?".repeat(workshop::MAX_QUESTION_CHARS + 1);
    assert!(matches!(
        given([created()]).when(open(&long, 3)),
        Err(Error::QuestionTooLong { .. })
    ));
    assert!(given([created()]).when(open("Which?", MAX_DOTS)).is_ok());
}

#[test]
fn a_participant_places_up_to_their_dots_and_takes_them_back() {
    let board = given([
        created(),
        added(1, "Seat reserved"),
        added(2, "Payment failed"),
        opened(2, vec![]),
    ])
    .board();
    let one = workshop::cast(&board, vote_id(), &[], sticky(1), true).unwrap();
    let two = workshop::cast(&board, vote_id(), &one, sticky(1), true).unwrap();
    assert_eq!(two, vec![sticky(1), sticky(1)], "two dots on one sticky");
    assert_eq!(
        workshop::cast(&board, vote_id(), &two, sticky(2), true),
        Err(Error::NoDotsLeft { dots: 2 })
    );
    let back = workshop::cast(&board, vote_id(), &two, sticky(1), false).unwrap();
    assert_eq!(back, vec![sticky(1)]);
    assert_eq!(
        workshop::cast(&board, vote_id(), &back, sticky(2), false),
        Err(Error::NoDotHere)
    );
    assert_eq!(
        workshop::cast(&board, vote_id(), &back, sticky(9), true),
        Err(Error::UnknownSticky(sticky(9)))
    );
}

#[test]
fn a_vote_limited_to_hotspots_refuses_dots_on_events() {
    let board = given([
        created(),
        added(1, "Seat reserved"),
        added_kind(2, StickyKind::Hotspot, "Overbooking?"),
        opened(3, vec![StickyKind::Hotspot]),
    ])
    .board();
    assert_eq!(
        workshop::cast(&board, vote_id(), &[], sticky(1), true),
        Err(Error::KindNotInVote {
            kind: StickyKind::DomainEvent
        })
    );
    assert!(workshop::cast(&board, vote_id(), &[], sticky(2), true).is_ok());
}

#[test]
fn the_tally_ranks_most_dots_first_and_forgets_deleted_stickies() {
    let board = given([
        created(),
        added(1, "A"),
        added(2, "B"),
        added(3, "C"),
        opened(3, vec![]),
    ])
    .board();
    let ballots: Vec<Vec<StickyId>> = vec![
        vec![sticky(1), sticky(2), sticky(2)],
        vec![sticky(2), sticky(3), sticky(9)],
    ];
    let tally = workshop::tally(&board, ballots.iter().map(Vec::as_slice));
    assert_eq!(
        tally,
        vec![
            Tally {
                sticky: sticky(2),
                dots: 3
            },
            Tally {
                sticky: sticky(1),
                dots: 1
            },
            Tally {
                sticky: sticky(3),
                dots: 1
            },
        ]
    );
}

#[test]
fn reveal_then_close_keeps_the_result_on_the_board() {
    let tally = vec![Tally {
        sticky: sticky(1),
        dots: 4,
    }];
    let history = vec![created(), added(1, "A"), opened(3, vec![])];
    assert_eq!(
        given(history.clone()).when(Command::CloseVote { id: vote_id() }),
        Err(Error::VoteNotRevealed)
    );
    let revealed = given(history.clone())
        .when(Command::RevealVote {
            id: vote_id(),
            tally: tally.clone(),
        })
        .unwrap();
    let mut all = history;
    all.extend(revealed);
    let mut board = given(all.clone()).board();
    assert_eq!(
        workshop::cast(&board, vote_id(), &[], sticky(1), true),
        Err(Error::VoteNotOpen),
        "dots are frozen once revealed"
    );
    for e in execute(&board, Command::CloseVote { id: vote_id() }).unwrap() {
        board.apply_mut(&e);
    }
    let vote = board.workshop.vote.as_ref().unwrap();
    assert_eq!(vote.status, VoteStatus::Closed);
    assert_eq!(vote.tally, tally);
    assert_eq!(vote.dots_on(sticky(1)), 4);
}
