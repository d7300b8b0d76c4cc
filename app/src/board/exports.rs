//! After the workshop: downloads (glossary, Rust crate, board JSON, the board as a picture),
//! a preview of the generated crate, and the glossary panel where definitions are edited in
//! place. Previews and pictures are computed in the browser from the live board with the same
//! core code the server uses. Server downloads carry the link's key in a header, so they are
//! fetched and handed to the browser as files (a plain link could not send it).

use super::WallUi;
use leptos::ev;
use leptos::prelude::*;
use std::time::Duration;
use stormwall_core::export::svg::{self, Scope};
use stormwall_core::export::{glossary, rust};
use stormwall_core::{Command, StickyId};
use wasm_bindgen::{JsCast, JsValue};

/// Which panel is open on the right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Panel {
    Export,
    Glossary,
}

pub(super) fn toggle(ui: WallUi, panel: Panel) {
    ui.panel
        .update(|p| *p = if *p == Some(panel) { None } else { Some(panel) });
}

#[component]
pub(super) fn Panels() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    move || match ui.panel.get() {
        Some(Panel::Export) => view! { <ExportPanel /> }.into_any(),
        Some(Panel::Glossary) => view! { <GlossaryPanel /> }.into_any(),
        None => ().into_any(),
    }
}

#[component]
fn ExportPanel() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let base = format!("/api/boards/{}/export", ui.client.board_id);
    let fetch = move |path: &'static str, fallback: &'static str| {
        let url = format!("{base}/{path}");
        move |_| fetch_download(ui, url.clone(), fallback)
    };
    let generated = Memo::new(move |_| {
        ui.client.board.with(|b| {
            b.as_ref().map(|b| {
                let c = rust::generate(b);
                (c.name, c.files, c.warnings)
            })
        })
    });
    let shown = RwSignal::new("src/lib.rs".to_owned());
    let contents = move || {
        generated.with(|g| {
            g.as_ref().and_then(|(_, files, _)| {
                shown.with(|p| {
                    files
                        .iter()
                        .find(|f| &f.path == p)
                        .map(|f| f.contents.clone())
                })
            })
        })
    };
    view! {
        <aside class="side-panel export-panel" aria-label="Export">
            <header>
                <h2>"Export"</h2>
                <button class="notice-close" on:click=move |_| ui.panel.set(None)>"×"</button>
            </header>
            <h3>"Ubiquitous language"</h3>
            <p class="muted">"Every term by bounded context, with its definition and where it is used."</p>
            <div class="download-row">
                <button class="button export-glossary-md" on:click=fetch("glossary?format=md", "glossary.md")>"Markdown"</button>
                <button class="button export-glossary-csv" on:click=fetch("glossary?format=csv", "glossary.csv")>"CSV"</button>
                <button class="button export-glossary-json" on:click=fetch("glossary?format=json", "glossary.json")>"JSON"</button>
            </div>
            <PictureExport />
            <h3>"Rust aggregates"</h3>
            <p class="muted">
                "A Cargo crate: one module per bounded context, one per aggregate, with Command, Event and Error enums and test skeletons. It compiles as it is."
            </p>
            <div class="download-row">
                <button class="button primary export-rust" on:click=fetch("rust", "domain.tar.gz")>
                    {move || generated.with(|g| g.as_ref().map(|(n, _, _)| format!("Download {n}.tar.gz")).unwrap_or_default())}
                </button>
            </div>
            <Show when=move || generated.with(|g| g.as_ref().is_some_and(|(_, _, w)| !w.is_empty()))>
                <ul class="export-warnings">
                    {move || {
                        generated
                            .with(|g| g.as_ref().map(|(_, _, w)| w.clone()).unwrap_or_default())
                            .into_iter()
                            .map(|w| view! { <li>{w}</li> })
                            .collect_view()
                    }}
                </ul>
            </Show>
            <div class="preview">
                <ul class="preview-files">
                    {move || {
                        generated
                            .with(|g| {
                                g.as_ref()
                                    .map(|(_, files, _)| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>())
                                    .unwrap_or_default()
                            })
                            .into_iter()
                            .map(|path| {
                                let p = path.clone();
                                view! {
                                    <li>
                                        <button
                                            class="preview-file"
                                            class:active=move || shown.with(|s| *s == p)
                                            on:click={
                                                let path = path.clone();
                                                move |_| shown.set(path.clone())
                                            }
                                        >
                                            {path.clone()}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <pre class="preview-code"><code>{contents}</code></pre>
            </div>
            <h3>"The whole board"</h3>
            <p class="muted">"JSON that imports into a new board, losslessly (home page → Import)."</p>
            <div class="download-row">
                <button class="button export-json" on:click=fetch("json", "board.stormwall.json")>"Board JSON"</button>
            </div>
        </aside>
    }
}

/// The picture's scope from the scope select's value (`board`, `frame:<id>`, `selection`).
fn picture_scope(value: &str, selected: Vec<StickyId>) -> Scope {
    match value {
        "selection" => Scope::Selection(selected),
        v => v
            .strip_prefix("frame:")
            .and_then(|id| id.parse().ok())
            .map_or(Scope::Board, Scope::Frame),
    }
}

/// How a picture is saved: the SVG itself, or a PNG drawn from it at this scale.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Svg,
    Png(u32),
}

/// The board, a bounded context or the selection as an SVG or a PNG, drawn in the browser.
#[component]
fn PictureExport() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let scope = RwSignal::new("board".to_owned());
    let frames = Memo::new(move |_| {
        ui.client.board.with(|b| {
            b.as_ref()
                .map(|b| {
                    b.frames
                        .values()
                        .map(|f| (format!("frame:{}", f.id), f.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let selected = move || ui.selected.with(Vec::len);
    // A scope that is gone (a deleted context, an emptied selection) falls back to the board.
    Effect::new(move |_| {
        let gone = scope.with(|s| match s.as_str() {
            "board" => false,
            "selection" => selected() == 0,
            frame => frames.with(|f| !f.iter().any(|(v, _)| v == frame)),
        });
        if gone {
            scope.set("board".into());
        }
    });
    let save = move |format: Format| {
        let chosen = picture_scope(&scope.get_untracked(), ui.selected.get_untracked());
        let picture = ui.client.board.with_untracked(|b| {
            let b = b.as_ref()?;
            Some(svg::file_stem(b, &chosen).and_then(|stem| Ok((stem, svg::svg(b, &chosen)?))))
        });
        let (stem, text) = match picture {
            Some(Ok(picture)) => picture,
            Some(Err(e)) => return ui.client.show_notice(format!("No picture: {e}.")),
            None => {
                return ui
                    .client
                    .show_notice("The board is still loading; try again in a moment.".into())
            }
        };
        let client = ui.client;
        match format {
            Format::Svg => {
                if let Err(e) = svg_blob(&text).and_then(|b| download(&b, &format!("{stem}.svg"))) {
                    client.show_notice(format!("The picture could not be saved: {e:?}"));
                }
            }
            Format::Png(scale) => leptos::task::spawn_local(async move {
                match save_png(&text, &stem, scale).await {
                    Ok(None) => {}
                    Ok(Some(reduced)) => client.show_notice(format!(
                        "The board is too large for a PNG at {scale}×; it was saved at {:.0} %.",
                        reduced * 100.0
                    )),
                    Err(e) => client.show_notice(format!("The PNG could not be made: {e:?}")),
                }
            }),
        }
    };
    view! {
        <h3>"Picture"</h3>
        <p class="muted">"The board, one bounded context or the selection: SVG to print or edit, PNG for slides and chat."</p>
        <select
            class="picture-scope"
            aria-label="What the picture shows"
            on:change=move |e| scope.set(event_target_value(&e))
        >
            <option value="board" prop:selected=move || scope.with(|s| s == "board")>
                "Whole board"
            </option>
            <Show when=move || frames.with(|f| !f.is_empty())>
                <optgroup label="Bounded contexts">
                    {move || {
                        frames
                            .get()
                            .into_iter()
                            .map(|(value, name)| {
                                let v = value.clone();
                                view! {
                                    <option value=value prop:selected=move || scope.with(|s| *s == v)>
                                        {name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </optgroup>
            </Show>
            <option
                value="selection"
                disabled=move || selected() == 0
                prop:selected=move || scope.with(|s| s == "selection")
            >
                {move || match selected() {
                    0 => "The selection (nothing selected)".to_owned(),
                    1 => "The selection (1 sticky)".to_owned(),
                    n => format!("The selection ({n} stickies)"),
                }}
            </option>
        </select>
        <div class="download-row picture-row">
            <button class="button export-svg" on:click=move |_| save(Format::Svg)>"SVG"</button>
            <button class="button export-png-1x" on:click=move |_| save(Format::Png(1))>"PNG 1×"</button>
            <button class="button export-png-2x" on:click=move |_| save(Format::Png(2))>"PNG 2×"</button>
        </div>
    }
}

/// Fetches a download from the server with the link's key and saves it under the name the
/// server gives (`Content-Disposition`), or `fallback`.
fn fetch_download(ui: WallUi, url: String, fallback: &'static str) {
    let key = ui.client.access.key();
    let client = ui.client;
    leptos::task::spawn_local(async move {
        match fetch_blob(&url, &key).await {
            Ok((blob, name)) => {
                if let Err(e) = download(&blob, name.as_deref().unwrap_or(fallback)) {
                    client.show_notice(format!("The download could not be saved: {e:?}"));
                }
            }
            Err(e) => client.show_notice(format!("The download failed: {e}")),
        }
    });
}

async fn fetch_blob(url: &str, key: &str) -> Result<(web_sys::Blob, Option<String>), String> {
    use wasm_bindgen_futures::JsFuture;
    let failed = |e: JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let headers = web_sys::Headers::new().map_err(failed)?;
    headers
        .set("Authorization", &format!("Bearer {key}"))
        .map_err(failed)?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(failed)?;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .map_err(|_| "the server could not be reached".to_owned())?
        .dyn_into()
        .map_err(failed)?;
    if !response.ok() {
        let text = match response.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        };
        return Err(text
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| format!("HTTP {}", response.status())));
    }
    let name = response
        .headers()
        .get("content-disposition")
        .ok()
        .flatten()
        .and_then(|d| attachment_name(&d));
    let blob = JsFuture::from(response.blob().map_err(failed)?)
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    Ok((blob, name))
}

/// The file name in `attachment; filename="users-glossary.md"`.
fn attachment_name(disposition: &str) -> Option<String> {
    let (_, rest) = disposition.split_once("filename=")?;
    let name = rest.split(';').next()?.trim().trim_matches('"');
    (!name.is_empty()).then(|| name.to_owned())
}

fn svg_blob(text: &str) -> Result<web_sys::Blob, JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    web_sys::Blob::new_with_str_sequence_and_options(
        &js_sys::Array::of1(&JsValue::from_str(text)),
        &options,
    )
}

/// Hands a blob to the browser as a download: an object URL on a temporary `<a download>`.
fn download(blob: &web_sys::Blob, name: &str) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let link: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    let body = document()
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    // Revoked at once, the URL could be gone before the download starts.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(60),
    );
    Ok(())
}

/// The largest canvas the PNG is drawn on, by side and by area (browsers refuse larger ones,
/// and the pixels cost four bytes each).
const MAX_CANVAS_SIDE: f64 = 16_384.0;
const MAX_CANVAS_AREA: f64 = 128.0 * 1024.0 * 1024.0;

/// Draws the SVG into a canvas at `scale` and downloads it as a PNG. Returns the scale
/// actually used when the requested one would not fit a canvas.
async fn save_png(svg_text: &str, stem: &str, scale: u32) -> Result<Option<f64>, JsValue> {
    use wasm_bindgen_futures::JsFuture;
    let url = web_sys::Url::create_object_url_with_blob(&svg_blob(svg_text)?)?;
    let image = web_sys::HtmlImageElement::new()?;
    image.set_src(&url);
    let decoded = JsFuture::from(image.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded?;
    let (w, h) = (
        f64::from(image.natural_width().max(1)),
        f64::from(image.natural_height().max(1)),
    );
    let wanted = f64::from(scale);
    let fits = (MAX_CANVAS_SIDE / w)
        .min(MAX_CANVAS_SIDE / h)
        .min((MAX_CANVAS_AREA / (w * h)).sqrt());
    let used = wanted.min(fits);
    let canvas: web_sys::HtmlCanvasElement = document().create_element("canvas")?.unchecked_into();
    let (cw, ch) = ((w * used).round().max(1.0), (h * used).round().max(1.0));
    canvas.set_width(cw as u32);
    canvas.set_height(ch as u32);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d canvas"))?
        .dyn_into()?;
    context.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, cw, ch)?;
    let blob = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
        if let Err(e) = canvas.to_blob(&resolve) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    }))
    .await?;
    let blob: web_sys::Blob = blob
        .dyn_into()
        .map_err(|_| JsValue::from_str("the canvas made no PNG"))?;
    let name = match scale {
        1 => format!("{stem}.png"),
        n => format!("{stem}@{n}x.png"),
    };
    download(&blob, &name)?;
    Ok((used < wanted).then_some(used))
}

#[component]
fn GlossaryPanel() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let g = Memo::new(move |_| ui.client.board.with(|b| b.as_ref().map(glossary::glossary)));
    view! {
        <aside class="side-panel glossary-panel" aria-label="Glossary">
            <header>
                <h2>"Glossary"</h2>
                <button class="notice-close" on:click=move |_| ui.panel.set(None)>"×"</button>
            </header>
            {move || {
                g.get()
                    .map(|g| {
                        let contexts = g
                            .contexts
                            .into_iter()
                            .map(|ctx| {
                                let name = ctx
                                    .context
                                    .clone()
                                    .unwrap_or_else(|| "Outside any bounded context".into());
                                let terms = ctx
                                    .terms
                                    .into_iter()
                                    .map(|t| {
                                        let notes = t.notes().join(" · ");
                                        view! {
                                            <li class="glossary-term" data-term=t.term.clone()>
                                                <div class="glossary-head">
                                                    <strong>{t.term.clone()}</strong>
                                                    <span class="muted">{t.kind.label()}</span>
                                                </div>
                                                <DefinitionEditor
                                                    stickies=t.stickies.clone()
                                                    definition=t.definition.clone().unwrap_or_default()
                                                />
                                                <Show when={
                                                    let empty = t.used.is_empty();
                                                    move || !empty
                                                }>
                                                    <p class="glossary-used">{t.used.join(" · ")}</p>
                                                </Show>
                                                <Show when={
                                                    let empty = notes.is_empty();
                                                    move || !empty
                                                }>
                                                    <p class="glossary-notes">{notes.clone()}</p>
                                                </Show>
                                            </li>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <section class="glossary-context">
                                        <h3>{name}</h3>
                                        <ul>{terms}</ul>
                                    </section>
                                }
                            })
                            .collect_view();
                        let questions = g
                            .questions
                            .into_iter()
                            .map(|q| view! { <li>{q.question}</li> })
                            .collect_view();
                        view! {
                            {contexts}
                            <section class="glossary-context">
                                <h3>"Open questions"</h3>
                                <ul class="glossary-questions">{questions}</ul>
                            </section>
                        }
                    })
            }}
        </aside>
    }
}

/// A term's definition, saved to every sticky that carries the term when the field loses focus.
#[component]
fn DefinitionEditor(stickies: Vec<StickyId>, definition: String) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let original = definition.clone();
    view! {
        <textarea
            class="glossary-definition"
            readonly=move || !ui.can_edit()
            rows="2"
            placeholder="No definition yet: what does it mean here?"
            prop:value=definition
            on:blur=move |e: ev::FocusEvent| {
                let text = event_target_value(&e);
                if text == original {
                    return;
                }
                let commands: Vec<Command> = stickies
                    .iter()
                    .map(|id| Command::DescribeSticky { id: *id, description: text.clone() })
                    .collect();
                let command = match commands.len() {
                    1 => commands.into_iter().next().expect("one command"),
                    _ => Command::Batch { expect: vec![], commands },
                };
                ui.client.send(command);
            }
        ></textarea>
    }
}

#[cfg(test)]
mod tests {
    use super::attachment_name;

    #[test]
    fn the_download_is_named_as_the_server_says() {
        assert_eq!(
            attachment_name("attachment; filename=\"users-glossary.md\"").as_deref(),
            Some("users-glossary.md")
        );
        assert_eq!(
            attachment_name("attachment; filename=a.tar.gz; size=3").as_deref(),
            Some("a.tar.gz")
        );
        assert_eq!(attachment_name("inline"), None);
    }
}
