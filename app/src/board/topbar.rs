//! The bar above the wall: the board's title (double-click to rename), undo and redo, lock,
//! the workshop's timer, the facilitator's kit, follow me, share, the history, glossary and
//! export panels, this user's name, the people on the board and their roles, and the
//! connection's status. What a link does not allow is not shown.

use super::{exports, history, timer, WallUi};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use stormwall_core::{Command, Role};

#[component]
pub(super) fn TopBar(
    title: String,
    count: impl Fn() -> usize + Send + Sync + 'static,
) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let client = ui.client;
    let renaming = RwSignal::new(false);
    let name_node = NodeRef::<html::Input>::new();
    let title_node = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = title_node.get() {
            let _ = el.focus();
            el.select();
        }
    });
    let commit_title = move || {
        if !renaming.get_untracked() {
            return;
        }
        renaming.set(false);
        if let Some(el) = title_node.get_untracked() {
            client.send(Command::RenameBoard { title: el.value() });
        }
    };
    let locked = Memo::new(move |_| client.board.with(|b| b.as_ref().is_some_and(|b| b.locked)));
    let title = StoredValue::new(title);
    let stored_title =
        Memo::new(move |_| client.board.with(|b| b.as_ref().map(|b| b.title.clone())));
    let board_title = move || stored_title.get().unwrap_or_else(|| title.get_value());
    view! {
        <header class="topbar">
            <a class="back" href="/" title="All boards">"←"</a>
            <span class="brand-mark small" aria-hidden="true"></span>
            <Show
                when=move || renaming.get()
                fallback=move || {
                    view! {
                        <h1
                            class="board-name"
                            title="Double-click to rename"
                            on:dblclick=move |_| {
                                if !ui.read_only() {
                                    renaming.set(true)
                                }
                            }
                        >
                            {board_title}
                        </h1>
                    }
                }
            >
                <input
                    class="board-name-input"
                    node_ref=title_node
                    prop:value=board_title
                    aria-label="Board title"
                    on:blur=move |_| commit_title()
                    on:keydown=move |e: ev::KeyboardEvent| match e.key().as_str() {
                        "Enter" => commit_title(),
                        "Escape" => renaming.set(false),
                        _ => {}
                    }
                />
            </Show>
            <span class="count">
                {move || match count() {
                    1 => "1 sticky".to_owned(),
                    n => format!("{n} stickies"),
                }}
            </span>
            <Show when=move || locked.get()>
                <span class="locked-badge" title="Nobody can change this board until it is unlocked">
                    "🔒 Locked"
                </span>
            </Show>
            <Show when=move || !ui.can_edit()>
                <span class="view-only" title="Your link lets you watch the board live and export it, not change it">
                    "View only"
                </span>
            </Show>
            <span class="spacer"></span>
            <timer::TimerDisplay />
            <div class="toolbar">
                <Show when=move || ui.can_edit()>
                    <button
                        class="tool-button undo"
                        title="Undo your last change (Ctrl+Z)"
                        aria-label="Undo"
                        disabled=move || !client.can_undo.get()
                        on:click=move |_| client.undo()
                    >
                        "↶"
                    </button>
                    <button
                        class="tool-button redo"
                        title="Redo (Shift+Ctrl+Z)"
                        aria-label="Redo"
                        disabled=move || !client.can_redo.get()
                        on:click=move |_| client.redo()
                    >
                        "↷"
                    </button>
                </Show>
                <Show when=move || ui.facilitates()>
                    <button
                        class="tool-button lock-toggle"
                        data-locked=move || locked.get().to_string()
                        title="Lock the board against changes, or unlock it"
                        on:click=move |_| {
                            client.send(if locked.get_untracked() { Command::UnlockBoard } else { Command::LockBoard });
                        }
                    >
                        {move || if locked.get() { "Unlock" } else { "Lock" }}
                    </button>
                    <button
                        class="tool-button workshop-toggle"
                        class:on=move || ui.kit_open.get()
                        title="Phase, timer and dot votes"
                        on:click=move |_| ui.kit_open.update(|o| *o = !*o)
                    >
                        "Workshop"
                    </button>
                    <button
                        class="tool-button follow-me"
                        class:on=move || client.room.leading.get()
                        title="Everyone's wall follows your view until you stop"
                        on:click=move |_| client.set_leading(!client.room.leading.get_untracked())
                    >
                        {move || if client.room.leading.get() { "Stop leading" } else { "Follow me" }}
                    </button>
                </Show>
                <button
                    class="tool-button share-toggle"
                    title="The board's links"
                    on:click=move |_| ui.share_open.update(|o| *o = !*o)
                >
                    "Share"
                </button>
                <button
                    class="tool-button history-toggle"
                    title="Replay how the board grew"
                    on:click=move |_| history::toggle(ui)
                >
                    "History"
                </button>
                <button
                    class="tool-button glossary-toggle"
                    title="The ubiquitous language of this board"
                    on:click=move |_| exports::toggle(ui, exports::Panel::Glossary)
                >
                    "Glossary"
                </button>
                <button
                    class="tool-button export-toggle"
                    title="Glossary, Rust code and board JSON"
                    on:click=move |_| exports::toggle(ui, exports::Panel::Export)
                >
                    "Export"
                </button>
                <button
                    class="tool-button"
                    title="Keyboard shortcuts and notation (?)"
                    on:click=move |_| ui.legend.update(|l| *l = !*l)
                >
                    "?"
                </button>
            </div>
            <input
                class="name-input"
                node_ref=name_node
                prop:value=move || client.name.get()
                placeholder="Your name"
                aria-label="Your name"
                maxlength="40"
                on:change=move |_| {
                    if let Some(el) = name_node.get_untracked() {
                        let name = el.value();
                        #[cfg(feature = "hydrate")]
                        crate::client::store_name(&name);
                        client.name.set(name);
                        client.reconnect_now();
                    }
                }
            />
            <People />
            <span
                class="status"
                data-status=move || client.status.get().as_str()
                data-unsaved=move || client.unsaved.get()
                role="status"
                aria-live="polite"
            >
                <span class="dot"></span>
                {move || client.status_label()}
            </span>
        </header>
    }
}

/// Everyone on the board: a coloured chip per person, this user marked "(you)".
#[component]
fn People() -> impl IntoView {
    let client = expect_context::<WallUi>().client;
    view! {
        <ul class="people" aria-label="People on this board">
            <For
                each=move || client.people.get()
                key=|p| (p.id, p.name.clone(), p.colour.clone(), p.role)
                let:person
            >
                <li
                    class="person"
                    class:me=move || client.me.get() == Some(person.id)
                    data-role=person.role.name()
                    style:--person-colour=person.colour.clone()
                    title=person.name.clone()
                >
                    {initials(&person.name)}
                    <Show when=move || person.role != Role::Edit>
                        <span class="person-role" aria-hidden="true">
                            {role_mark(person.role)}
                        </span>
                    </Show>
                    <span class="person-name">
                        {person.name.clone()}
                        {move || if client.me.get() == Some(person.id) { " (you)" } else { "" }}
                        {format!(" · {}", person.role.label())}
                    </span>
                </li>
            </For>
        </ul>
    }
}

/// A small mark on a chip: the facilitator's star, a viewer's eye (editors have none).
fn role_mark(role: Role) -> AnyView {
    match role {
        Role::Facilitator => "★".into_any(),
        Role::View => view! {
            <svg class="icon" viewBox="0 0 16 16">
                <path d="M1 8s2.6-5 7-5 7 5 7 5-2.6 5-7 5-7-5-7-5z" fill="none" stroke="currentColor" stroke-width="1.6" />
                <circle cx="8" cy="8" r="2.2" fill="currentColor" />
            </svg>
        }
        .into_any(),
        Role::Edit => ().into_any(),
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}
