//! History replay: a slider over the stored events shows the board as it was after any of
//! them (read-only), with who did what and when; playback at a chosen speed; and "restore this
//! version", which appends the commands that bring the board back (history is never rewritten).

use super::WallUi;
use crate::api::board_history;
use leptos::prelude::*;
use std::time::Duration;
use stormwall_core::protocol::LoggedEvent;
use stormwall_core::{undo, Board, Event};

/// Events fetched per request (the server's page size).
const PAGE: u64 = 5_000;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct HistoryView {
    /// The board after the first `at` events.
    pub board: Board,
    pub events: Vec<LoggedEvent>,
    pub at: usize,
    pub loading: bool,
    pub playing: bool,
    /// Events per second during playback.
    pub speed: u32,
}

/// Opens the history (fetching the log) or closes it and returns to the live board.
pub(super) fn toggle(ui: WallUi) {
    if ui.history.with_untracked(|h| h.is_some()) {
        ui.history.set(None);
        return;
    }
    let id = ui.client.board_id;
    let key = ui.client.access.key();
    ui.clear_selection();
    ui.history.set(Some(HistoryView {
        board: Board::new(id),
        events: Vec::new(),
        at: 0,
        loading: true,
        playing: false,
        speed: 4,
    }));
    leptos::task::spawn_local(async move {
        let mut events: Vec<LoggedEvent> = Vec::new();
        loop {
            let from = events.len() as u64 + 1;
            match board_history(id, key.clone(), from, from + PAGE - 1).await {
                Ok(page) => {
                    let done = (page.len() as u64) < PAGE;
                    events.extend(page);
                    if done {
                        break;
                    }
                }
                Err(e) => {
                    ui.client
                        .show_notice(format!("The history could not be loaded: {e}"));
                    ui.history.set(None);
                    return;
                }
            }
        }
        let board = Board::replay(id, events.iter().map(|e| &e.event));
        ui.history.update(|h| {
            if let Some(h) = h {
                h.at = events.len();
                h.board = board;
                h.events = events;
                h.loading = false;
            }
        });
    });
}

fn show(ui: WallUi, at: usize) {
    ui.history.update(|h| {
        if let Some(h) = h {
            let at = at.min(h.events.len());
            // Forward steps apply the new events; backward ones replay from the start.
            if at >= h.at {
                for e in &h.events[h.at..at] {
                    h.board.apply_mut(&e.event);
                }
            } else {
                h.board = Board::replay(h.board.id, h.events[..at].iter().map(|e| &e.event));
            }
            h.at = at;
        }
    });
}

/// "Alice added domain event “Order Placed”", in the board as it was before the event.
fn describe(e: &LoggedEvent, before: &Board) -> String {
    let who = e.author.clone().unwrap_or_else(|| "Someone".into());
    let text = |id| {
        before
            .sticky(id)
            .map(|s| format!("“{}”", s.text.chars().take(40).collect::<String>()))
            .unwrap_or_else(|| "a sticky".into())
    };
    let frame = |id| {
        before
            .frames
            .get(&id)
            .map(|f| format!("“{}”", f.name))
            .unwrap_or_else(|| "a bounded context".into())
    };
    let what = match &e.event {
        Event::BoardCreated { title } => format!("created the board “{title}”"),
        Event::BoardRenamed { title } => format!("renamed the board to “{title}”"),
        Event::BoardLocked => "locked the board".into(),
        Event::BoardUnlocked => "unlocked the board".into(),
        Event::StickyAdded { kind, text, .. } => {
            format!(
                "added {} “{}”",
                kind.label().to_lowercase(),
                text.chars().take(40).collect::<String>()
            )
        }
        Event::StickyMoved { id, .. } => format!("moved {}", text(*id)),
        Event::StickyTextEdited { id, text: new } => {
            format!(
                "changed {} to “{}”",
                text(*id),
                new.chars().take(40).collect::<String>()
            )
        }
        Event::StickyResized { id, .. } => format!("resized {}", text(*id)),
        Event::StickyKindChanged { id, kind } => {
            format!("made {} a {}", text(*id), kind.label().to_lowercase())
        }
        Event::StickyDescribed { id, .. } => format!("defined {}", text(*id)),
        Event::StickyFieldsSet { id, .. } => format!("set the fields of {}", text(*id)),
        Event::StickyDeleted { id } => format!("deleted {}", text(*id)),
        Event::FrameAdded { name, .. } => format!("drew the bounded context “{name}”"),
        Event::FrameRenamed { id, name } => format!("renamed {} to “{name}”", frame(*id)),
        Event::FrameReshaped { id, .. } => format!("moved or resized {}", frame(*id)),
        Event::FrameDeleted { id } => format!("removed {}", frame(*id)),
        Event::ConnectorAdded { from, to, .. } => {
            format!("drew an arrow from {} to {}", text(*from), text(*to))
        }
        Event::ConnectorDeleted { .. } => "removed an arrow".into(),
        Event::PhaseChanged { phase: Some(p) } => format!("began the phase “{}”", p.label()),
        Event::PhaseChanged { phase: None } => "ended the workshop phases".into(),
        Event::TimerStarted { seconds, .. } => format!("started a {} timer", minutes(*seconds)),
        Event::TimerPaused { .. } => "paused the timer".into(),
        Event::TimerResumed { .. } => "resumed the timer".into(),
        Event::TimerExtended { seconds, .. } => format!("added {} to the timer", minutes(*seconds)),
        Event::TimerStopped => "stopped the timer".into(),
        Event::VoteOpened { question, dots, .. } => {
            format!("opened a vote “{question}” ({dots} dots each)")
        }
        Event::VoteRevealed { tally, .. } => format!(
            "revealed the vote: {} dots on {} stickies",
            tally.iter().map(|t| t.dots).sum::<u32>(),
            tally.len()
        ),
        Event::VoteClosed { .. } => "closed the vote".into(),
    };
    // recorded_at is RFC 3339 UTC: show the date and time to the second.
    let when = e
        .recorded_at
        .get(..19)
        .unwrap_or(&e.recorded_at)
        .replace('T', " ");
    format!("{who} {what} · {when} UTC")
}

#[component]
pub(super) fn HistoryBar() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let timer = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(t) = timer.try_update_value(|t| t.take()).flatten() {
            t.clear();
        }
        ui.history.update(|h| {
            if let Some(h) = h {
                h.playing = false;
            }
        });
    };
    let play = move || {
        let Some((at, len, speed)) = ui
            .history
            .with_untracked(|h| h.as_ref().map(|h| (h.at, h.events.len(), h.speed)))
        else {
            return;
        };
        if at >= len {
            show(ui, 0);
        }
        ui.history.update(|h| {
            if let Some(h) = h {
                h.playing = true;
            }
        });
        let tick = move || {
            let next = ui
                .history
                .with_untracked(|h| h.as_ref().map(|h| (h.at + 1, h.events.len())));
            match next {
                Some((next, len)) if next <= len => {
                    show(ui, next);
                    if next == len {
                        stop();
                    }
                }
                _ => stop(),
            }
        };
        let period = Duration::from_millis(1000 / u64::from(speed.max(1)));
        if let Ok(handle) = set_interval_with_handle(tick, period) {
            timer.set_value(Some(handle));
        }
    };
    on_cleanup(stop);
    let len = move || {
        ui.history
            .with(|h| h.as_ref().map_or(0, |h| h.events.len()))
    };
    let at = move || ui.history.with(|h| h.as_ref().map_or(0, |h| h.at));
    let caption = move || {
        ui.history.with(|h| {
            let h = h.as_ref()?;
            if h.loading {
                return Some("Loading the history…".to_owned());
            }
            if h.at == 0 {
                return Some("Before the first event".to_owned());
            }
            let before = Board::replay(h.board.id, h.events[..h.at - 1].iter().map(|e| &e.event));
            Some(format!(
                "#{} · {}",
                h.at,
                describe(&h.events[h.at - 1], &before)
            ))
        })
    };
    let restore = move || {
        stop();
        let target = ui
            .history
            .with_untracked(|h| h.as_ref().map(|h| h.board.clone()));
        let current = ui.client.board.get_untracked();
        if let (Some(target), Some(current)) = (target, current) {
            ui.client.send(undo::restore(&current, &target));
        }
        ui.history.set(None);
    };
    view! {
        <Show when=move || ui.history.with(|h| h.is_some())>
            <div class="history-bar" role="region" aria-label="History">
                <button
                    class="tool-button history-play"
                    on:click=move |_| {
                        if ui.history.with_untracked(|h| h.as_ref().is_some_and(|h| h.playing)) {
                            stop()
                        } else {
                            play()
                        }
                    }
                >
                    {move || if ui.history.with(|h| h.as_ref().is_some_and(|h| h.playing)) { "❚❚ Pause" } else { "▶ Play" }}
                </button>
                <select
                    class="history-speed"
                    aria-label="Playback speed"
                    on:change=move |e| {
                        let speed = event_target_value(&e).parse().unwrap_or(4);
                        ui.history.update(|h| {
                            if let Some(h) = h {
                                h.speed = speed;
                            }
                        });
                    }
                >
                    <option value="1">"1 event/s"</option>
                    <option value="4" selected>"4 events/s"</option>
                    <option value="10">"10 events/s"</option>
                    <option value="30">"30 events/s"</option>
                </select>
                <input
                    class="history-slider"
                    type="range"
                    min="0"
                    max=move || len().to_string()
                    prop:value=move || at().to_string()
                    aria-label="Event"
                    on:input=move |e| {
                        stop();
                        show(ui, event_target_value(&e).parse().unwrap_or(0));
                    }
                />
                <span class="history-caption">{caption}</span>
                <Show when=move || ui.can_edit()>
                <button
                    class="button primary history-restore"
                    disabled=move || at() == len() || at() == 0
                    title="Append the changes that bring the board back to this version"
                    on:click=move |_| restore()
                >
                    "Restore this version"
                </button>
                </Show>
                <button class="button history-close" on:click=move |_| toggle(ui)>
                    "Back to live"
                </button>
            </div>
        </Show>
    }
}

/// "5 min", "90 s".
pub(crate) fn minutes(seconds: u32) -> String {
    if seconds.is_multiple_of(60) {
        format!("{} min", seconds / 60)
    } else {
        format!("{seconds} s")
    }
}
