//! The facilitator's countdown: everyone's display in the top bar (counted by the server's
//! clock, so every browser shows the same second), a soft cue when it runs out and, for those
//! who switch the bell on, a short beep; the facilitator's controls.

use super::WallUi;
use leptos::prelude::*;
use std::time::Duration;
use stormwall_core::workshop::{Timer, MAX_TIMER_SECONDS};
use stormwall_core::Command;

/// How often the display looks at the clock.
const TICK: Duration = Duration::from_millis(250);
/// The facilitator's one-click durations, in minutes.
const PRESETS: [u32; 4] = [5, 10, 15, 25];
/// Whether the bell is on (localStorage, per browser).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const SOUND_KEY: &str = "stormwall.timer_sound";

/// "04:59"; hours when there are any ("1:05:00").
fn clock(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// Whole seconds left, rounded up: "00:01" until the very end, "00:00" only once it is over.
fn seconds_left(ms: i64) -> i64 {
    (ms.max(0) + 999) / 1000
}

#[component]
pub(super) fn TimerDisplay() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let client = ui.client;
    let timer = Memo::new(move |_| ui.workshop.with(|w| w.timer));
    let tick = RwSignal::new(0u64);
    let interval = StoredValue::new(None::<IntervalHandle>);
    // In the browser only (effects never run on the server).
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            let handle = set_interval_with_handle(
                move || {
                    if timer.try_get_untracked().flatten().is_some() {
                        tick.update(|t| *t += 1);
                    }
                },
                TICK,
            );
            interval.set_value(handle.ok());
        }
    });
    on_cleanup(move || {
        if let Some(h) = interval.try_update_value(Option::take).flatten() {
            h.clear();
        }
    });
    let left = Memo::new(move |_| {
        tick.track();
        timer
            .get()
            .map(|t| seconds_left(t.remaining_ms(client.access.server_now())))
    });
    let running = move || matches!(timer.get(), Some(Timer::Running { .. }));
    let ended = move || running() && left.get() == Some(0);
    let sound = RwSignal::new(sound_wanted());
    // The bell rings when this page sees the countdown reach zero (not on arriving late).
    Effect::new(move |prev: Option<Option<i64>>| {
        let now = left.get();
        if sound.get_untracked()
            && running()
            && now == Some(0)
            && prev.flatten().is_some_and(|p| p > 0)
        {
            beep();
        }
        now
    });
    view! {
        <Show when=move || timer.with(|t| t.is_some())>
            <span
                class="timer"
                class:ended=ended
                class:paused=move || matches!(timer.get(), Some(Timer::Paused { .. }))
                data-remaining=move || left.get().unwrap_or(0).to_string()
                role="timer"
                title="The facilitator's timer"
            >
                <span class="timer-time">{move || clock(left.get().unwrap_or(0))}</span>
                <button
                    class="timer-sound"
                    class:on=move || sound.get()
                    aria-pressed=move || sound.get().to_string()
                    title="A short sound when the time is up (this browser only)"
                    on:click=move |_| {
                        let on = !sound.get_untracked();
                        sound.set(on);
                        store_sound(on);
                        // The click is the gesture browsers ask for before any sound.
                        if on {
                            wake_audio();
                        }
                    }
                >
                    <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
                        <path
                            d="M8 2a4 4 0 0 0-4 4v3l-1.5 2.5h11L12 9V6a4 4 0 0 0-4-4zM6.5 13a1.5 1.5 0 0 0 3 0"
                            fill="none"
                            stroke="currentColor"
                            stroke-width="1.4"
                            stroke-linejoin="round"
                        />
                        <Show when=move || !sound.get()>
                            <path d="M2 2l12 12" stroke="currentColor" stroke-width="1.4" />
                        </Show>
                    </svg>
                </button>
            </span>
        </Show>
    }
}

/// The facilitator's controls: presets, a typed duration, pause or resume, a minute more, stop.
#[component]
pub(super) fn TimerControls() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let client = ui.client;
    let timer = Memo::new(move |_| ui.workshop.with(|w| w.timer));
    let minutes = RwSignal::new("10".to_owned());
    let start = move |minutes: f64| {
        let seconds = (minutes * 60.0).round();
        if !(1.0..=f64::from(MAX_TIMER_SECONDS)).contains(&seconds) {
            client.show_notice(format!(
                "Give the timer 1 to {} minutes.",
                MAX_TIMER_SECONDS / 60
            ));
            return;
        }
        client.send(Command::StartTimer {
            seconds: seconds as u32,
            at: 0,
        });
    };
    view! {
        <div class="timer-controls">
            <div class="timer-presets">
                {PRESETS
                    .into_iter()
                    .map(|m| {
                        view! {
                            <button
                                class="tool-button timer-preset"
                                data-minutes=m.to_string()
                                title=format!("Start a {m} minute timer")
                                on:click=move |_| start(f64::from(m))
                            >
                                {format!("{m} min")}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="timer-custom">
                <input
                    class="timer-minutes"
                    type="number"
                    min="1"
                    max=(MAX_TIMER_SECONDS / 60).to_string()
                    step="1"
                    aria-label="Minutes"
                    prop:value=move || minutes.get()
                    on:input=move |e| minutes.set(event_target_value(&e))
                />
                <span class="muted">"min"</span>
                <button
                    class="tool-button timer-start"
                    on:click=move |_| {
                        match minutes.get_untracked().trim().parse::<f64>() {
                            Ok(m) => start(m),
                            Err(_) => client.show_notice("Type the minutes as a number.".into()),
                        }
                    }
                >
                    "Start"
                </button>
            </div>
            <Show when=move || timer.with(|t| t.is_some())>
                <div class="timer-running">
                    {move || match timer.get() {
                        Some(Timer::Paused { .. }) => view! {
                            <button
                                class="tool-button timer-resume"
                                on:click=move |_| { client.send(Command::ResumeTimer { at: 0 }); }
                            >
                                "Resume"
                            </button>
                        }
                        .into_any(),
                        _ => view! {
                            <button
                                class="tool-button timer-pause"
                                on:click=move |_| { client.send(Command::PauseTimer { at: 0 }); }
                            >
                                "Pause"
                            </button>
                        }
                        .into_any(),
                    }}
                    <button
                        class="tool-button timer-extend"
                        on:click=move |_| { client.send(Command::ExtendTimer { seconds: 60, at: 0 }); }
                    >
                        "+1 min"
                    </button>
                    <button
                        class="tool-button timer-stop"
                        on:click=move |_| { client.send(Command::StopTimer); }
                    >
                        "Stop"
                    </button>
                </div>
            </Show>
        </div>
    }
}

fn sound_wanted() -> bool {
    #[cfg(feature = "hydrate")]
    {
        window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(SOUND_KEY).ok().flatten())
            .is_some_and(|v| v == "on")
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
fn store_sound(on: bool) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = window().local_storage().ok().flatten() {
        let _ = s.set_item(SOUND_KEY, if on { "on" } else { "off" });
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// One audio context per page, made on the bell's click (browsers keep it silent otherwise).
    static AUDIO: std::cell::RefCell<Option<web_sys::AudioContext>> =
        const { std::cell::RefCell::new(None) };
}

fn wake_audio() {
    #[cfg(feature = "hydrate")]
    AUDIO.with(|a| {
        let mut a = a.borrow_mut();
        if a.is_none() {
            *a = web_sys::AudioContext::new().ok();
        }
        if let Some(ctx) = a.as_ref() {
            let _ = ctx.resume();
        }
    });
}

/// Two short soft tones, made on the spot (no sound files).
fn beep() {
    #[cfg(feature = "hydrate")]
    {
        wake_audio();
        AUDIO.with(|a| {
            let Some(ctx) = a.borrow().clone() else {
                return;
            };
            let start = ctx.current_time();
            for (i, freq) in [880.0, 660.0].into_iter().enumerate() {
                let at = start + i as f64 * 0.22;
                let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                    return;
                };
                osc.frequency().set_value(freq);
                let g = gain.gain();
                let _ = g.set_value_at_time(0.0001, at);
                let _ = g.exponential_ramp_to_value_at_time(0.2, at + 0.02);
                let _ = g.exponential_ramp_to_value_at_time(0.0001, at + 0.2);
                let _ = osc.connect_with_audio_node(&gain);
                let _ = gain.connect_with_audio_node(&ctx.destination());
                let _ = osc.start_with_when(at);
                let _ = osc.stop_with_when(at + 0.21);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_display_rounds_up_and_shows_hours_only_when_there_are_some() {
        assert_eq!(seconds_left(299_001), 300);
        assert_eq!(seconds_left(1), 1);
        assert_eq!(seconds_left(0), 0);
        assert_eq!(seconds_left(-50), 0);
        assert_eq!(clock(300), "05:00");
        assert_eq!(clock(59), "00:59");
        assert_eq!(clock(3_900), "1:05:00");
    }
}
