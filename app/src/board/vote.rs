//! Dot voting. The facilitator opens a vote (a question, dots per person, which kinds);
//! editors place their dots on stickies, seeing only their own; the reveal puts the tally on
//! the board: a badge per sticky and a ranked list, which stay after the vote is closed.

use super::WallUi;
use crate::client::random_uuid;
use leptos::ev;
use leptos::prelude::*;
use std::collections::HashMap;
use stormwall_core::workshop::{VoteStatus, Workshop, MAX_DOTS, MAX_QUESTION_CHARS};
use stormwall_core::{Command, StickyId, StickyKind, VoteId};

/// The cells every sticky's dot control reads: the revealed tally, and this user's own dots
/// while the vote is open.
pub(super) fn effects(ui: WallUi) {
    Effect::new(move |_| {
        let tally: HashMap<StickyId, u32> = ui.workshop.with(|w| {
            w.vote
                .as_ref()
                .filter(|v| v.status != VoteStatus::Open)
                .map(|v| v.tally.iter().map(|t| (t.sticky, t.dots)).collect())
                .unwrap_or_default()
        });
        ui.tally.set_all(tally);
    });
    Effect::new(move |_| {
        let open = ui.workshop.with(|w| {
            w.vote
                .as_ref()
                .filter(|v| v.status == VoteStatus::Open)
                .map(|v| v.id)
        });
        let mut mine: HashMap<StickyId, u32> = HashMap::new();
        ui.client.room.ballot.with(|b| {
            if let Some((vote, dots)) = b {
                if Some(*vote) == open {
                    for d in dots {
                        *mine.entry(*d).or_default() += 1;
                    }
                }
            }
        });
        ui.my_dots.set_all(mine);
    });
}

/// The kinds the open vote is about, for every sticky's control: one memo that changes only
/// when a vote opens or ends (not with the timer or the phase).
pub(super) fn voting(workshop: Memo<Workshop>) -> Memo<Option<Vec<StickyKind>>> {
    Memo::new(move |_| {
        workshop.with(|w| {
            w.vote
                .as_ref()
                .filter(|v| v.status == VoteStatus::Open)
                .map(|v| v.kinds.clone())
        })
    })
}

/// A sticky's dots: this user's control while the vote is open (for a kind the vote is
/// about), and the revealed count after.
#[component]
pub(super) fn StickyDots(id: StickyId) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let Some(sticky) = ui.scene.sticky(id) else {
        return ().into_any();
    };
    let votes_here = move || {
        ui.can_edit()
            && ui.history.with(|h| h.is_none())
            && ui.voting.with(|kinds| {
                kinds.as_ref().is_some_and(|kinds| {
                    let kind = sticky.with(|s| s.kind);
                    kinds.is_empty() || kinds.contains(&kind)
                })
            })
    };
    let mine = move || ui.my_dots.get(id);
    let revealed = move || ui.tally.get(id);
    let has_dots = move || revealed() != 0;
    // Presses here are votes, not drags or edits of the sticky.
    let keep = |e: ev::PointerEvent| e.stop_propagation();
    let keep_dbl = |e: ev::MouseEvent| e.stop_propagation();
    view! {
        <Show when=votes_here>
            <div class="sticky-vote" on:pointerdown=keep on:dblclick=keep_dbl>
                <button
                    class="dot-remove"
                    title="Take a dot back"
                    disabled=move || mine() == 0
                    on:click=move |_| ui.client.dot(id, false)
                >
                    "−"
                </button>
                <span class="my-dots" data-count=move || mine().to_string() title="Your dots here">
                    {move || "●".repeat(mine() as usize)}
                </span>
                <button class="dot-add" title="Put a dot here" on:click=move |_| ui.client.dot(id, true)>
                    "+"
                </button>
            </div>
        </Show>
        <Show when=has_dots>
            <span
                class="sticky-dots"
                data-dots=move || revealed().to_string()
                title=move || format!("{} dots", revealed())
            >
                {move || format!("● {}", revealed())}
            </span>
        </Show>
    }
    .into_any()
}

/// The open vote at the top of the wall: its question, this user's dots left, and the
/// facilitator's reveal; after the reveal, the ranked result (collapsible once closed).
#[component]
pub(super) fn VoteBar() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let client = ui.client;
    let vote = Memo::new(move |_| ui.workshop.with(|w| w.vote.clone()));
    let left = move || {
        vote.with(|v| {
            v.as_ref().map_or(0, |v| {
                let used = client.room.ballot.with(|b| match b {
                    Some((id, dots)) if *id == v.id => dots.len() as u32,
                    _ => 0,
                });
                v.dots.saturating_sub(used)
            })
        })
    };
    let status = move || vote.with(|v| v.as_ref().map(|v| v.status.clone()));
    let id = move || vote.with_untracked(|v| v.as_ref().map(|v| v.id));
    view! {
        <Show when=move || status() == Some(VoteStatus::Open)>
            <div class="vote-bar" role="region" aria-label="Dot vote">
                <span class="vote-question">
                    {move || vote.with(|v| v.as_ref().map(|v| v.question.clone()))}
                </span>
                {move || {
                    if ui.can_edit() {
                        let total = vote.with(|v| v.as_ref().map_or(0, |v| v.dots));
                        view! {
                            <span class="vote-left" data-left=move || left().to_string()>
                                {move || format!("{} of {total} dots left", left())}
                            </span>
                        }
                        .into_any()
                    } else {
                        view! { <span class="muted">"Editors are voting"</span> }.into_any()
                    }
                }}
                <Show when=move || ui.facilitates()>
                    <button
                        class="button primary vote-reveal"
                        title="Show everyone the result; dots can no longer change"
                        on:click=move |_| {
                            if let Some(id) = id() {
                                client.send(Command::RevealVote { id, tally: Vec::new() });
                            }
                        }
                    >
                        "Reveal"
                    </button>
                </Show>
            </div>
        </Show>
        <Show when=move || matches!(status(), Some(VoteStatus::Revealed | VoteStatus::Closed))>
            <Results vote />
        </Show>
    }
}

#[component]
fn Results(vote: Memo<Option<stormwall_core::workshop::Vote>>) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let closed = move || vote.with(|v| v.as_ref().is_some_and(|v| v.status == VoteStatus::Closed));
    // Sticky text as the board has it now; a sticky deleted since is "(removed)".
    let rows = move || {
        let tally = vote.with(|v| v.as_ref().map(|v| v.tally.clone()).unwrap_or_default());
        ui.client.board.with_untracked(|b| {
            tally
                .into_iter()
                .map(|t| {
                    let text = b
                        .as_ref()
                        .and_then(|b| b.sticky(t.sticky))
                        .map(|s| s.text.chars().take(80).collect::<String>())
                        .unwrap_or_else(|| "(removed)".into());
                    (t.sticky, text, t.dots)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <details class="vote-results" open=move || !closed() data-closed=move || closed().to_string()>
            <summary>
                <strong>{move || vote.with(|v| v.as_ref().map(|v| v.question.clone()))}</strong>
                <span class="muted">{move || if closed() { " · result" } else { " · revealed" }}</span>
            </summary>
            <ol class="vote-ranking">
                {move || {
                    rows()
                        .into_iter()
                        .map(|(id, text, dots)| {
                            view! {
                                <li class="vote-result" data-id=id.to_string() data-dots=dots.to_string()>
                                    <span class="vote-result-text">{text}</span>
                                    <span class="vote-result-dots">{format!("● {dots}")}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            <Show when=move || rows().is_empty()>
                <p class="muted">"No dots were placed."</p>
            </Show>
            <Show when=move || ui.facilitates() && !closed()>
                <button
                    class="button vote-close"
                    title="End the vote; its result stays on the board until the next one"
                    on:click=move |_| {
                        if let Some(id) = vote.with_untracked(|v| v.as_ref().map(|v| v.id)) {
                            ui.client.send(Command::CloseVote { id });
                        }
                    }
                >
                    "Close vote"
                </button>
            </Show>
        </details>
    }
}

/// The facilitator's form for a new vote.
#[component]
pub(super) fn OpenVoteForm(on_done: Callback<()>) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let question = RwSignal::new(String::new());
    let dots = RwSignal::new("3".to_owned());
    let kinds = RwSignal::new(Vec::<StickyKind>::new());
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let Ok(dots) = dots.get_untracked().trim().parse::<u32>() else {
            ui.client
                .show_notice(format!("Give each person 1 to {MAX_DOTS} dots."));
            return;
        };
        let command = Command::OpenVote {
            id: VoteId(random_uuid()),
            question: question.get_untracked(),
            dots,
            kinds: kinds.get_untracked(),
        };
        if ui.client.send(command).is_some() {
            on_done.run(());
        }
    };
    view! {
        <form class="vote-open" role="dialog" aria-label="Open a dot vote" on:submit=submit>
            <label class="field-label" for="vote-question">"Question"</label>
            <input
                id="vote-question"
                class="vote-question-input"
                required
                maxlength=MAX_QUESTION_CHARS.to_string()
                placeholder="Which hotspots hurt most?"
                prop:value=move || question.get()
                on:input=move |e| question.set(event_target_value(&e))
            />
            <label class="field-label" for="vote-dots">"Dots per person"</label>
            <input
                id="vote-dots"
                class="vote-dots"
                type="number"
                min="1"
                max=MAX_DOTS.to_string()
                prop:value=move || dots.get()
                on:input=move |e| dots.set(event_target_value(&e))
            />
            <fieldset class="vote-kinds">
                <legend class="field-label">"On (none ticked: every kind)"</legend>
                {StickyKind::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <label class="vote-kind">
                                <input
                                    type="checkbox"
                                    value=k.name()
                                    prop:checked=move || kinds.with(|ks| ks.contains(&k))
                                    on:change=move |e| {
                                        let on = event_target_checked(&e);
                                        kinds.update(|ks| {
                                            ks.retain(|x| *x != k);
                                            if on {
                                                ks.push(k);
                                            }
                                        });
                                    }
                                />
                                <span class="swatch" style:--kind-colour=k.colour()></span>
                                {k.label()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="download-row">
                <button type="submit" class="button primary vote-start">"Open the vote"</button>
                <button type="button" class="button vote-cancel" on:click=move |_| on_done.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
