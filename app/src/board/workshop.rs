//! The workshop around the wall: what floats over its top edge for everyone (the phase and
//! what to do in it, the open vote or its result, follow me), and the facilitator's kit (the
//! phase, the timer, opening a vote).

use super::{follow, timer, vote, WallUi};
use leptos::prelude::*;
use stormwall_core::workshop::VoteStatus;
use stormwall_core::{Command, Phase};

/// Floats over the top of the wall; lets the wall be pressed around its pieces.
#[component]
pub(super) fn Overlay() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let phase = Memo::new(move |_| ui.workshop.with(|w| w.phase));
    view! {
        <div class="workshop-overlay">
            {move || {
                phase
                    .get()
                    .map(|p| {
                        view! {
                            <div class="phase-banner" data-phase=p.name() role="status">
                                <strong class="phase-label">{p.label()}</strong>
                                <span class="phase-instruction">{p.instruction()}</span>
                            </div>
                        }
                    })
            }}
            <vote::VoteBar />
            <follow::FollowPill />
        </div>
    }
}

/// The facilitator's kit, beside the top bar's Workshop button.
#[component]
pub(super) fn KitPanel() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let voting = RwSignal::new(false);
    let vote_status = Memo::new(move |_| {
        ui.workshop
            .with(|w| w.vote.as_ref().map(|v| v.status.clone()))
    });
    view! {
        <aside class="workshop-panel" role="dialog" aria-label="Workshop">
            <header>
                <h2>"Workshop"</h2>
                <button class="notice-close" on:click=move |_| ui.kit_open.set(false)>"×"</button>
            </header>
            <h3>"Phase"</h3>
            <PhaseSelect />
            <h3>"Timer"</h3>
            <timer::TimerControls />
            <h3>"Dot vote"</h3>
            {move || match vote_status.get() {
                Some(VoteStatus::Open) => view! {
                    <p class="muted">"A vote is open: reveal it from the bar over the wall."</p>
                }
                .into_any(),
                Some(VoteStatus::Revealed) => view! {
                    <p class="muted">"The result is on the wall: close the vote there."</p>
                }
                .into_any(),
                _ if voting.get() => view! {
                    <vote::OpenVoteForm on_done=Callback::new(move |_| voting.set(false)) />
                }
                .into_any(),
                _ => view! {
                    <button class="button vote-open-toggle" on:click=move |_| voting.set(true)>
                        "Open a vote…"
                    </button>
                }
                .into_any(),
            }}
        </aside>
    }
}

#[component]
fn PhaseSelect() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let phase = Memo::new(move |_| ui.workshop.with(|w| w.phase));
    view! {
        <select
            class="phase-select"
            aria-label="Workshop phase"
            on:change=move |e| {
                let phase = Phase::parse(&event_target_value(&e));
                ui.client.send(Command::SetPhase { phase });
            }
        >
            <option value="" prop:selected=move || phase.get().is_none()>"No phase"</option>
            {Phase::ALL
                .into_iter()
                .map(|p| {
                    view! {
                        <option value=p.name() prop:selected=move || phase.get() == Some(p)>
                            {p.label()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
