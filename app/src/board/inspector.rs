//! The inspector: details of the one selected sticky. Its kind (the colour follows), its
//! definition (the glossary entry), and its payload fields, written `name: Type`, one a line.

use super::WallUi;
use leptos::html;
use leptos::prelude::*;
use stormwall_core::limits::{MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS};
use stormwall_core::{Command, ConnectorId, Expect, Field, StickyId, StickyKind};

#[component]
pub(super) fn Inspector() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let one = Memo::new(move |_| match ui.selected.get().as_slice() {
        [id] if ui.history.with(|h| h.is_none()) && ui.can_edit() => Some(*id),
        _ => None,
    });
    let arrow = Memo::new(move |_| ui.selected_connector.get().filter(|_| !ui.read_only()));
    view! {
        {move || one.get().map(|id| view! { <InspectorBody id /> })}
        {move || arrow.get().map(|id| view! { <ArrowInspector id /> })}
    }
}

/// An arrow's label ("handled by", "triggers"...). Arrows have no update command: a new label
/// is a batch that deletes and re-adds the arrow with the same id, in one step.
#[component]
fn ArrowInspector(id: ConnectorId) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let client = ui.client;
    let connector = Memo::new(move |_| {
        client
            .board
            .with(|b| b.as_ref().and_then(|b| b.connectors.get(&id).cloned()))
    });
    let node = NodeRef::<html::Input>::new();
    let save = move || {
        let (Some(el), Some(c)) = (node.get_untracked(), connector.get_untracked()) else {
            return;
        };
        let label = Some(el.value().trim().to_owned()).filter(|l| !l.is_empty());
        if label == c.label {
            return;
        }
        client.send(Command::Batch {
            expect: vec![Expect::Connector {
                connector: c.clone(),
            }],
            commands: vec![
                Command::DeleteConnector { id },
                Command::AddConnector {
                    id,
                    from: c.from,
                    to: c.to,
                    label,
                },
            ],
        });
    };
    view! {
        <aside class="inspector" aria-label="Arrow details">
            <label class="field-label" for="arrow-label">"Arrow label"</label>
            <input
                id="arrow-label"
                class="arrow-label"
                node_ref=node
                maxlength=MAX_NAME_CHARS.to_string()
                placeholder="e.g. handled by, triggers"
                prop:value=move || connector.with(|c| c.as_ref().and_then(|c| c.label.clone()).unwrap_or_default())
                on:change=move |_| save()
            />
            <button class="button danger" on:click=move |_| ui.delete_selection()>
                "Delete arrow"
            </button>
        </aside>
    }
}

/// Reads `name: Type` lines; a line without a colon is an error worth saying.
fn parse_fields(text: &str) -> Result<Vec<Field>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            line.split_once(':')
                .map(|(n, t)| Field::new(n.trim(), t.trim()))
                .ok_or_else(|| format!("Write each field as name: Type (\"{line}\" has no colon)."))
        })
        .collect()
}

fn show_fields(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.name, f.ty))
        .collect::<Vec<_>>()
        .join("\n")
}

#[component]
fn InspectorBody(id: StickyId) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let client = ui.client;
    let sticky = Memo::new(move |_| {
        client
            .board
            .with(|b| b.as_ref().and_then(|b| b.sticky(id).cloned()))
    });
    let kind = move || sticky.with(|s| s.as_ref().map(|s| s.kind));
    let context = move || {
        client.board.with(|b| {
            b.as_ref()
                .and_then(|b| b.frame_of(id).map(|f| f.name.clone()))
        })
    };
    let arrows = move || {
        client.board.with(|b| {
            b.as_ref().map_or((0, 0), |b| {
                let ins = b.connectors.values().filter(|c| c.to == id).count();
                let outs = b.connectors.values().filter(|c| c.from == id).count();
                (ins, outs)
            })
        })
    };
    // One memo per field, so that a change to one (say, the description arriving from the
    // server) never resets what is being typed in another.
    let stored_description = Memo::new(move |_| {
        sticky.with(|s| {
            s.as_ref()
                .map(|s| s.description.clone())
                .unwrap_or_default()
        })
    });
    let stored_fields = Memo::new(move |_| {
        sticky.with(|s| {
            s.as_ref()
                .map(|s| show_fields(&s.fields))
                .unwrap_or_default()
        })
    });
    let description = NodeRef::<html::Textarea>::new();
    let fields = NodeRef::<html::Textarea>::new();
    let save_description = move || {
        let Some(el) = description.get_untracked() else {
            return;
        };
        let now = sticky.with_untracked(|s| s.as_ref().map(|s| s.description.clone()));
        if now.as_deref() != Some(el.value().as_str()) {
            client.send(Command::DescribeSticky {
                id,
                description: el.value(),
            });
        }
    };
    let save_fields = move || {
        let Some(el) = fields.get_untracked() else {
            return;
        };
        match parse_fields(&el.value()) {
            Ok(parsed) => {
                let now = sticky.with_untracked(|s| s.as_ref().map(|s| s.fields.clone()));
                if now.as_ref() != Some(&parsed) {
                    client.send(Command::SetStickyFields { id, fields: parsed });
                }
            }
            Err(message) => client.show_notice(message),
        }
    };
    view! {
        <aside class="inspector" aria-label="Sticky details">
            <label class="field-label" for="inspector-kind">"Kind"</label>
            <select
                id="inspector-kind"
                class="inspector-kind"
                on:change=move |e| {
                    if let Ok(kind) = event_target_value(&e).parse::<StickyKind>() {
                        client.send(Command::ChangeStickyKind { id, kind });
                    }
                }
            >
                {StickyKind::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <option value=k.name() selected=move || kind() == Some(k)>
                                {k.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label class="field-label" for="inspector-description">"Definition"</label>
            <textarea
                id="inspector-description"
                class="inspector-description"
                node_ref=description
                rows="4"
                maxlength=MAX_DESCRIPTION_CHARS.to_string()
                placeholder="What does this term mean here? (goes into the glossary)"
                prop:value=move || stored_description.get()
                on:blur=move |_| save_description()
            ></textarea>
            <Show when=move || kind().is_some_and(|k| k.has_fields())>
                <label class="field-label" for="inspector-fields">
                    {move || if kind() == Some(StickyKind::Aggregate) { "State fields" } else { "Payload fields" }}
                </label>
                <textarea
                    id="inspector-fields"
                    class="inspector-fields"
                    node_ref=fields
                    rows="4"
                    spellcheck="false"
                    placeholder="order_id: Uuid\namount_cents: u64"
                    prop:value=move || stored_fields.get()
                    on:blur=move |_| save_fields()
                ></textarea>
            </Show>
            <p class="inspector-facts">
                {move || match context() {
                    Some(name) => format!("In bounded context “{name}”"),
                    None => "Outside any bounded context".to_owned(),
                }}
                <br />
                {move || {
                    let (i, o) = arrows();
                    format!("{i} arrow(s) in, {o} out")
                }}
            </p>
            <button class="button danger" on:click=move |_| ui.delete_selection()>
                "Delete sticky"
            </button>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_one_a_line() {
        assert_eq!(
            parse_fields("order_id: Uuid\n\n  seats : Vec<u32> \n"),
            Ok(vec![
                Field::new("order_id", "Uuid"),
                Field::new("seats", "Vec<u32>")
            ])
        );
        assert!(parse_fields("order_id Uuid")
            .unwrap_err()
            .contains("no colon"));
        assert_eq!(show_fields(&[Field::new("a", "u8")]), "a: u8");
    }
}
