//! The board as a picture: a standalone SVG of the whole board, one bounded context or a
//! selection, drawn from the board model alone (the browser turns the same SVG into a PNG).
//!
//! Stickies keep their notation colours ([`StickyKind::colour`]) and their text, wrapped into
//! lines as the wall roughly does (the same four text sizes, glyph widths approximated) and cut
//! with an ellipsis where the sticky's height is full. Frames are rectangles with their names,
//! arrows run from the edge of one sticky to the edge of the other with a head (their labels
//! drawn over the stickies), and a legend lists the kinds used. Everything comes out in board order (the stacking order on the
//! wall), so the same board always gives the same bytes.
//!
//! People's text is hostile: every text node and attribute value is XML-escaped, control
//! characters (which XML cannot carry) and invisible direction characters (which could
//! disguise what a reader sees) are dropped.

use crate::export::ident;
use crate::text::is_invisible_format;
use crate::{Board, Connector, Frame, FrameId, Rect, Sticky, StickyId, StickyKind};
use std::collections::HashSet;
use std::fmt::Write;

/// What to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything on the board.
    Board,
    /// One bounded context: the frame and the stickies whose centre lies inside it.
    Frame(FrameId),
    /// One bounded context by its name (or, when no frame has that name, by its id).
    FrameNamed(String),
    /// These stickies (those still on the board), in board order whatever the order given.
    Selection(Vec<StickyId>),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SvgError {
    #[error("there is no bounded context {0:?} on this board")]
    UnknownFrame(String),
    #[error("{count} bounded contexts are named {name:?}; give the frame's id instead")]
    AmbiguousFrame { name: String, count: usize },
    #[error("nothing is selected")]
    EmptySelection,
}

impl SvgError {
    /// A stable code for HTTP error bodies, as `Error::code` gives for commands.
    pub fn code(&self) -> crate::code::ErrorCode {
        match self {
            SvgError::UnknownFrame(_) => crate::code::ErrorCode::UnknownFrame,
            SvgError::AmbiguousFrame { .. } => crate::code::ErrorCode::AmbiguousFrame,
            SvgError::EmptySelection => crate::code::ErrorCode::EmptySelection,
        }
    }
}

/// The board (or part of it) as a standalone SVG document.
pub fn svg(board: &Board, scope: &Scope) -> Result<String, SvgError> {
    let content = Content::of(board, scope)?;
    Ok(draw(&content))
}

/// A file name without extension for the picture: the board's title, then the context's name
/// or `selection` (lowercase ASCII words joined by `-`, as the other exports name files).
pub fn file_stem(board: &Board, scope: &Scope) -> Result<String, SvgError> {
    let slug = |text: &str, fallback: &str| ident::snake(text, fallback).replace('_', "-");
    let title = slug(&board.title, "board");
    Ok(match scope {
        Scope::Board => title,
        Scope::Frame(_) | Scope::FrameNamed(_) => {
            let frame = find_frame(board, scope)?.expect("a frame scope");
            format!("{title}-{}", slug(&frame.name, "context"))
        }
        Scope::Selection(_) => format!("{title}-selection"),
    })
}

/// Where the line from `from` towards the centre of `rect` crosses the rectangle's border,
/// `gap` outside it (so an arrow's head is not hidden under the sticky). The wall draws its
/// arrows the same way.
pub fn edge_point(rect: Rect, from: (f64, f64), gap: f64) -> (f64, f64) {
    let (cx, cy) = centre(rect);
    let (dx, dy) = (from.0 - cx, from.1 - cy);
    if dx == 0.0 && dy == 0.0 {
        return (cx, cy);
    }
    let (hw, hh) = (f64::from(rect.w) / 2.0 + gap, f64::from(rect.h) / 2.0 + gap);
    let scale = (hw / dx.abs()).min(hh / dy.abs());
    (cx + dx * scale, cy + dy * scale)
}

/// An arrow's two ends between two stickies: aimed from centre to centre, each end on the
/// border of its sticky.
pub fn arrow_ends(from: Rect, to: Rect) -> ((f64, f64), (f64, f64)) {
    let end = edge_point(to, centre(from), ARROW_GAP);
    let start = edge_point(from, end, ARROW_GAP);
    (start, end)
}

fn centre(rect: Rect) -> (f64, f64) {
    (
        f64::from(rect.x) + f64::from(rect.w) / 2.0,
        f64::from(rect.y) + f64::from(rect.h) / 2.0,
    )
}

// Looks, in board units, mirroring style/main.css.
const ARROW_GAP: f64 = 6.0;
const MARGIN: i64 = 40;
const HEADING: i64 = 48;
const HEADING_SIZE: f64 = 20.0;
const LEGEND_GAP: i64 = 36;
const LEGEND_ROW: i64 = 24;
const LEGEND_SIZE: f64 = 13.0;
const SWATCH: i64 = 18;
const PAPER: &str = "#f7f4ee";
const INK: &str = "#1f2430";
const INK_SOFT: &str = "#5b6272";
const ARROW: &str = "#3b4252";
const STICKY_INK: &str = "#1b1b1b";
const HAND: &str = "'Segoe Print', 'Bradley Hand', 'Comic Neue', 'Noto Sans', Inter, 'Segoe UI', system-ui, sans-serif";
const SANS: &str =
    "Inter, 'Segoe UI', system-ui, -apple-system, 'Helvetica Neue', Arial, sans-serif";
/// A sticky's padding: room for the kind's name on top, then the text.
const PAD_TOP: f64 = 20.0;
const PAD_SIDE: f64 = 10.0;
const PAD_BOTTOM: f64 = 10.0;
const LINE_HEIGHT: f64 = 1.3;

/// The sticky text's size and weight, stepping down as text grows (as the wall's
/// `text-l`..`text-xs` classes do).
fn text_style(text: &str) -> (f64, u16) {
    match text.chars().count() {
        0..=40 => (17.0, 600),
        41..=120 => (14.0, 500),
        121..=300 => (12.5, 400),
        _ => (11.5, 400),
    }
}

/// What is drawn, in board order.
struct Content<'a> {
    heading: String,
    frames: Vec<&'a Frame>,
    stickies: Vec<&'a Sticky>,
    connectors: Vec<&'a Connector>,
}

fn find_frame<'a>(board: &'a Board, scope: &Scope) -> Result<Option<&'a Frame>, SvgError> {
    match scope {
        Scope::Frame(id) => board
            .frames
            .get(id)
            .map(Some)
            .ok_or_else(|| SvgError::UnknownFrame(id.to_string())),
        Scope::FrameNamed(name) => {
            let name = name.trim();
            let named: Vec<&Frame> = board.frames.values().filter(|f| f.name == name).collect();
            match named.as_slice() {
                [one] => Ok(Some(one)),
                [] => name
                    .parse::<FrameId>()
                    .ok()
                    .and_then(|id| board.frames.get(&id))
                    .map(Some)
                    .ok_or_else(|| SvgError::UnknownFrame(name.chars().take(80).collect())),
                many => Err(SvgError::AmbiguousFrame {
                    name: name.to_owned(),
                    count: many.len(),
                }),
            }
        }
        Scope::Board | Scope::Selection(_) => Ok(None),
    }
}

impl<'a> Content<'a> {
    fn of(board: &'a Board, scope: &Scope) -> Result<Self, SvgError> {
        let title = clean_line(&board.title);
        let (heading, frames, stickies) = match scope {
            Scope::Board => (
                title,
                board.frames.values().collect(),
                board.stickies.values().collect::<Vec<_>>(),
            ),
            Scope::Frame(_) | Scope::FrameNamed(_) => {
                let frame = find_frame(board, scope)?.expect("a frame scope");
                let inside = board
                    .stickies
                    .values()
                    .filter(|s| {
                        let (x, y) = s.centre();
                        frame.rect.contains(x, y)
                    })
                    .collect();
                (
                    format!("{title} · {}", clean_line(&frame.name)),
                    vec![frame],
                    inside,
                )
            }
            Scope::Selection(ids) => {
                let wanted: HashSet<&StickyId> = ids.iter().collect();
                let chosen: Vec<&Sticky> = board
                    .stickies
                    .values()
                    .filter(|s| wanted.contains(&s.id))
                    .collect();
                if chosen.is_empty() {
                    return Err(SvgError::EmptySelection);
                }
                (format!("{title} · selection"), Vec::new(), chosen)
            }
        };
        let ids: HashSet<StickyId> = stickies.iter().map(|s| s.id).collect();
        let connectors = board
            .connectors
            .values()
            .filter(|c| ids.contains(&c.from) && ids.contains(&c.to))
            .collect();
        Ok(Self {
            heading,
            frames,
            stickies,
            connectors,
        })
    }

    fn kinds(&self) -> Vec<StickyKind> {
        let used: HashSet<StickyKind> = self.stickies.iter().map(|s| s.kind).collect();
        StickyKind::ALL
            .into_iter()
            .filter(|k| used.contains(k))
            .collect()
    }
}

/// A bounding box in i64 (board coordinates and sizes added up never overflow there).
#[derive(Clone, Copy)]
struct Bounds {
    x0: i64,
    y0: i64,
    x1: i64,
    y1: i64,
}

impl Bounds {
    fn of(x: f64, y: f64, w: f64, h: f64) -> Self {
        Self {
            x0: x.floor() as i64,
            y0: y.floor() as i64,
            x1: (x + w).ceil() as i64,
            y1: (y + h).ceil() as i64,
        }
    }

    fn rect(r: Rect) -> Self {
        Self::of(
            f64::from(r.x),
            f64::from(r.y),
            f64::from(r.w),
            f64::from(r.h),
        )
    }

    fn union(self, o: Self) -> Self {
        Self {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
}

fn sticky_rect(s: &Sticky) -> Rect {
    Rect::new(s.pos.x, s.pos.y, s.size.w, s.size.h)
}

/// An arrow's line and where its label sits.
struct Arrow<'a> {
    start: (f64, f64),
    end: (f64, f64),
    label: Option<(String, f64)>,
    connector: &'a Connector,
}

const ARROW_LABEL_SIZE: f64 = 12.0;

fn arrows<'a>(content: &Content<'a>) -> Vec<Arrow<'a>> {
    let rects: std::collections::HashMap<StickyId, Rect> = content
        .stickies
        .iter()
        .map(|s| (s.id, sticky_rect(s)))
        .collect();
    content
        .connectors
        .iter()
        .map(|c| {
            let (start, end) = arrow_ends(rects[&c.from], rects[&c.to]);
            let label = c
                .label
                .as_deref()
                .map(clean_line)
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let w = text_width(&l, ARROW_LABEL_SIZE, 400);
                    (l, w)
                });
            Arrow {
                start,
                end,
                label,
                connector: c,
            }
        })
        .collect()
}

fn mid(a: &Arrow) -> (f64, f64) {
    ((a.start.0 + a.end.0) / 2.0, (a.start.1 + a.end.1) / 2.0)
}

fn draw(content: &Content) -> String {
    let arrows = arrows(content);
    // The content's box: stickies, frames with their name tags, arrow labels.
    let boxes = content
        .stickies
        .iter()
        .map(|s| Bounds::rect(sticky_rect(s)))
        .chain(content.frames.iter().map(|f| {
            let tag = f64::from(f.rect.y) - 16.0;
            Bounds::rect(f.rect).union(Bounds::of(f64::from(f.rect.x), tag, 1.0, 1.0))
        }))
        .chain(arrows.iter().filter_map(|a| {
            let (w, (mx, my)) = (a.label.as_ref()?.1, mid(a));
            Some(Bounds::of(mx - w / 2.0, my - 20.0, w, 18.0))
        }));
    let empty = content.stickies.is_empty() && content.frames.is_empty();
    let body = boxes.reduce(Bounds::union).unwrap_or(Bounds {
        x0: 0,
        y0: 0,
        x1: 320,
        y1: 80,
    });
    let kinds = content.kinds();
    let legend: Vec<(StickyKind, i64)> = kinds
        .iter()
        .map(|k| {
            let w = SWATCH + 8 + text_width(k.label(), LEGEND_SIZE, 400).ceil() as i64 + 24;
            (*k, w)
        })
        .collect();
    let legend_w: i64 = legend.iter().map(|(_, w)| w).sum();
    let heading_w = text_width(&content.heading, HEADING_SIZE, 700).ceil() as i64;
    let inner_w = (body.x1 - body.x0).max(legend_w).max(heading_w);
    let left = body.x0 - MARGIN;
    let top = body.y0 - HEADING - MARGIN;
    let width = inner_w + 2 * MARGIN;
    let legend_h = if legend.is_empty() {
        0
    } else {
        LEGEND_GAP + LEGEND_ROW
    };
    let height = MARGIN + HEADING + (body.y1 - body.y0) + legend_h + MARGIN;

    let mut out = String::with_capacity(1024 + content.stickies.len() * 600);
    let o = &mut out;
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"{left} {top} {width} {height}\" role=\"img\">"
    );
    let _ = writeln!(o, "<title>{}</title>", Esc(&content.heading));
    let _ = writeln!(
        o,
        "<defs><marker id=\"stormwall-arrow-head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" \
         markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">\
         <path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"{ARROW}\"/></marker></defs>"
    );
    let _ = writeln!(
        o,
        "<rect class=\"paper\" x=\"{left}\" y=\"{top}\" width=\"{width}\" height=\"{height}\" fill=\"{PAPER}\"/>"
    );
    let _ = writeln!(
        o,
        "<text class=\"heading\" x=\"{}\" y=\"{}\" font-family=\"{SANS}\" font-size=\"{HEADING_SIZE}\" \
         font-weight=\"700\" fill=\"{INK}\">{}</text>",
        body.x0,
        body.y0 - HEADING + 4,
        Esc(&content.heading)
    );
    if empty {
        let _ = writeln!(
            o,
            "<text class=\"empty\" x=\"{}\" y=\"{}\" font-family=\"{SANS}\" font-size=\"15\" \
             fill=\"{INK_SOFT}\">Nothing to show here yet.</text>",
            body.x0,
            body.y0 + 30
        );
    }
    let _ = writeln!(o, "<g class=\"frames\" font-family=\"{SANS}\">");
    for f in &content.frames {
        draw_frame(o, f);
    }
    o.push_str("</g>\n");
    let _ = writeln!(o, "<g class=\"arrows\">");
    for a in &arrows {
        draw_arrow(o, a);
    }
    o.push_str("</g>\n");
    let _ = writeln!(o, "<g class=\"stickies\" font-family=\"{HAND}\">");
    for s in &content.stickies {
        draw_sticky(o, s);
    }
    o.push_str("</g>\n");
    // Labels go over the stickies: a short arrow's label is wider than the arrow.
    let _ = writeln!(o, "<g class=\"arrow-labels\" font-family=\"{SANS}\">");
    for a in &arrows {
        draw_arrow_label(o, a);
    }
    o.push_str("</g>\n");
    if !legend.is_empty() {
        let y = body.y1 + LEGEND_GAP;
        let _ = writeln!(
            o,
            "<g class=\"legend\" font-family=\"{SANS}\" font-size=\"{LEGEND_SIZE}\" fill=\"{INK}\">"
        );
        let mut x = body.x0;
        for (kind, w) in &legend {
            let _ = writeln!(
                o,
                "<g class=\"legend-entry\" data-kind=\"{}\"><rect class=\"legend-swatch\" x=\"{x}\" \
                 y=\"{y}\" width=\"{SWATCH}\" height=\"{SWATCH}\" rx=\"2\" fill=\"{}\" \
                 stroke=\"#000000\" stroke-opacity=\"0.15\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                kind.name(),
                kind.colour(),
                x + SWATCH + 8,
                y + 14,
                Esc(kind.label())
            );
            x += w;
        }
        o.push_str("</g>\n");
    }
    o.push_str("</svg>\n");
    out
}

fn draw_frame(o: &mut String, f: &Frame) {
    let r = f.rect;
    let _ = writeln!(
        o,
        "<rect class=\"frame\" data-id=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"12\" \
         fill=\"#3d5afe\" fill-opacity=\"0.02\" stroke=\"#3d5afe\" stroke-opacity=\"0.45\" stroke-width=\"2\"/>",
        f.id, r.x, r.y, r.w, r.h
    );
    // The name tag sits on the frame's top edge, cut to the frame's width like on the wall.
    let room = (f64::from(r.w) - 48.0).max(20.0);
    let name = fit(&clean_line(&f.name), room, 14.0, 700);
    let tag_w = text_width(&name, 14.0, 700).ceil() as i64 + 20;
    let _ = writeln!(
        o,
        "<g class=\"frame-name\"><rect x=\"{}\" y=\"{}\" width=\"{tag_w}\" height=\"23\" rx=\"6\" \
         fill=\"#eef1ff\"/><text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"700\" \
         fill=\"#27358f\">{}</text></g>",
        i64::from(r.x) + 14,
        i64::from(r.y) - 14,
        i64::from(r.x) + 24,
        i64::from(r.y) + 2,
        Esc(&name)
    );
}

fn draw_arrow(o: &mut String, a: &Arrow) {
    let ((x1, y1), (x2, y2)) = (a.start, a.end);
    let _ = writeln!(
        o,
        "<path class=\"arrow-line\" data-id=\"{}\" d=\"M {x1:.1} {y1:.1} L {x2:.1} {y2:.1}\" \
         stroke=\"{ARROW}\" stroke-width=\"2\" fill=\"none\" marker-end=\"url(#stormwall-arrow-head)\"/>",
        a.connector.id
    );
}

fn draw_arrow_label(o: &mut String, a: &Arrow) {
    if let Some((label, _)) = &a.label {
        let (mx, my) = mid(a);
        let _ = writeln!(
            o,
            "<text class=\"arrow-label\" data-id=\"{}\" x=\"{mx:.1}\" y=\"{:.1}\" \
             font-size=\"{ARROW_LABEL_SIZE}\" text-anchor=\"middle\" fill=\"{INK_SOFT}\" \
             stroke=\"{PAPER}\" stroke-width=\"4\" paint-order=\"stroke\">{}</text>",
            a.connector.id,
            my - 6.0,
            Esc(label)
        );
    }
}

fn draw_sticky(o: &mut String, s: &Sticky) {
    let r = sticky_rect(s);
    let (x, y, w, h) = (
        f64::from(r.x),
        f64::from(r.y),
        f64::from(r.w),
        f64::from(r.h),
    );
    let (cx, cy) = centre(r);
    let hotspot = s.kind == StickyKind::Hotspot;
    let ink = if hotspot { "#ffffff" } else { STICKY_INK };
    // Hotspots hang askew on the wall; so they do here.
    let turn = if hotspot {
        format!(" transform=\"rotate(3 {cx:.1} {cy:.1})\"")
    } else {
        String::new()
    };
    let _ = writeln!(o, "<g class=\"sticky-note\"{turn}>");
    let _ = writeln!(
        o,
        "<rect class=\"sticky-shadow\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" \
         fill=\"#000000\" fill-opacity=\"0.12\"/>",
        r.x,
        i64::from(r.y) + 2,
        r.w,
        r.h
    );
    let _ = writeln!(
        o,
        "<rect class=\"sticky\" data-id=\"{}\" data-kind=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" \
         height=\"{}\" rx=\"2\" fill=\"{}\"/>",
        s.id,
        s.kind.name(),
        r.x,
        r.y,
        r.w,
        r.h,
        s.kind.colour()
    );
    let kind = fit(&s.kind.label().to_uppercase(), w - 18.0, 10.0 * 1.07, 700);
    let _ = writeln!(
        o,
        "<text class=\"sticky-kind\" x=\"{:.1}\" y=\"{:.1}\" font-family=\"{SANS}\" font-size=\"10\" \
         font-weight=\"700\" letter-spacing=\"0.7\" fill=\"{ink}\" fill-opacity=\"0.55\">{}</text>",
        x + 9.0,
        y + 14.0,
        Esc(&kind)
    );
    let (size, weight) = text_style(&s.text);
    let line = size * LINE_HEIGHT;
    let max_lines = (((h - PAD_TOP - PAD_BOTTOM) / line).floor() as usize).max(1);
    let lines = wrap(&s.text, w - 2.0 * PAD_SIDE, size, weight, max_lines);
    let _ = write!(
        o,
        "<text class=\"sticky-text\" font-size=\"{size}\" font-weight=\"{weight}\" fill=\"{ink}\">"
    );
    let left = x + PAD_SIDE;
    // The first baseline: the line box's half-leading plus the font's ascent.
    let first = y + PAD_TOP + size * 1.05;
    for (i, text) in lines.iter().enumerate() {
        // Blank lines only take their room: an empty tspan would carry nothing.
        if text.is_empty() {
            continue;
        }
        let _ = write!(
            o,
            "<tspan x=\"{left:.1}\" y=\"{:.1}\">{}</tspan>",
            first + line * i as f64,
            Esc(text)
        );
    }
    o.push_str("</text>\n</g>\n");
}

/// Text as XML character data or an attribute value: the five special characters as
/// entities, characters XML cannot carry (controls, U+FFFE, U+FFFF) and invisible direction
/// characters dropped.
struct Esc<'a>(&'a str);

impl std::fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                c if dropped(c) => {}
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

fn dropped(c: char) -> bool {
    c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') || is_invisible_format(c)
}

/// One line of people's text: line breaks and tabs become spaces, runs of spaces one space,
/// what [`Esc`] would drop dropped.
fn clean_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|&c| !dropped(c))
        .collect::<String>()
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The approximate advance of a glyph, in ems, after DejaVu Sans (what a Linux browser falls
/// back to; handwriting fonts are narrower, so text wraps a little early rather than
/// overflowing).
fn glyph_em(c: char) -> f64 {
    match c {
        ' ' => 0.32,
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.28,
        'f' | 't' | 'r' | 'I' | 'J' | '(' | ')' | '[' | ']' | '{' | '}' | '-' | '"' | '`' => 0.42,
        'm' => 0.98,
        'w' => 0.82,
        'M' => 0.87,
        'W' => 1.0,
        'A'..='Z' => 0.74,
        'a'..='z' | '0'..='9' => 0.64,
        // Combining marks, joiners and variation selectors add no width of their own.
        '\u{0300}'..='\u{036F}' | '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' => 0.0,
        // East Asian wide characters and emoji take a full em or more.
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}' => 1.0,
        '\u{2600}'..='\u{27BF}' | '\u{1F000}'..='\u{1FAFF}' => 1.25,
        _ => 0.7,
    }
}

/// Bold glyphs are wider.
fn weight_factor(weight: u16) -> f64 {
    match weight {
        0..=450 => 1.0,
        451..=550 => 1.04,
        _ => 1.1,
    }
}

fn char_width(c: char, size: f64, weight: u16) -> f64 {
    glyph_em(c) * size * weight_factor(weight)
}

fn text_width(text: &str, size: f64, weight: u16) -> f64 {
    text.chars().map(|c| char_width(c, size, weight)).sum()
}

/// A line cut with an ellipsis so that it fits `room`.
fn fit(text: &str, room: f64, size: f64, weight: u16) -> String {
    if text_width(text, size, weight) <= room {
        return text.to_owned();
    }
    let mut line = text.to_owned();
    ellipsis(&mut line, room, size, weight);
    line
}

/// Cuts a line until it fits `room` with `…` after it.
fn ellipsis(line: &mut String, room: f64, size: f64, weight: u16) {
    let dots = char_width('…', size, weight);
    let mut width = text_width(line, size, weight);
    while width + dots > room {
        match line.pop() {
            Some(c) => width -= char_width(c, size, weight),
            None => break,
        }
    }
    let kept = line.trim_end().len();
    line.truncate(kept);
    line.push('…');
}

/// Sticky text in lines of at most `room` wide: its own line breaks kept, words wrapped, a
/// word wider than a line broken anywhere (as `overflow-wrap: anywhere` does); at most
/// `max_lines`, the last one ending in `…` when text was left out.
fn wrap(text: &str, room: f64, size: f64, weight: u16, max_lines: usize) -> Vec<String> {
    let width = |c: char| char_width(c, size, weight);
    let space = width(' ');
    let mut lines: Vec<String> = Vec::new();
    let mut cut = false;
    // Trailing line breaks are not text that was left out.
    'paragraphs: for paragraph in text.trim_end().split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in clean_line(paragraph).split(' ').filter(|w| !w.is_empty()) {
            let word_w: f64 = word.chars().map(width).sum();
            if !line.is_empty() && line_w + space + word_w <= room {
                line.push(' ');
                line.push_str(word);
                line_w += space + word_w;
                continue;
            }
            if !line.is_empty() {
                if lines.len() == max_lines {
                    cut = true;
                    break 'paragraphs;
                }
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            // Breaks a word too wide for a line of its own; every line holds at least one
            // character, so this always ends.
            for c in word.chars() {
                let w = width(c);
                if !line.is_empty() && line_w + w > room {
                    if lines.len() == max_lines {
                        cut = true;
                        break 'paragraphs;
                    }
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(c);
                line_w += w;
            }
        }
        if lines.len() == max_lines {
            cut = true;
            break;
        }
        lines.push(line);
    }
    if cut {
        if let Some(last) = lines.last_mut() {
            ellipsis(last, room, size, weight);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_line_and_long_text_wraps_at_words() {
        assert_eq!(wrap("Order Placed", 140.0, 17.0, 600, 5), ["Order Placed"]);
        let lines = wrap(
            "the quick brown fox jumps over the lazy dog",
            100.0,
            14.0,
            500,
            9,
        );
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(text_width(l, 14.0, 500) <= 100.0, "{l:?}");
        }
        assert_eq!(
            lines.join(" "),
            "the quick brown fox jumps over the lazy dog"
        );
    }

    #[test]
    fn line_breaks_are_kept_and_blank_lines_take_their_room() {
        assert_eq!(wrap("a\n\nb", 140.0, 17.0, 600, 5), ["a", "", "b"]);
    }

    #[test]
    fn a_word_wider_than_the_sticky_is_broken_anywhere() {
        let lines = wrap(&"x".repeat(60), 140.0, 17.0, 600, 20);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "x".repeat(60));
    }

    #[test]
    fn text_beyond_the_sticky_is_cut_with_an_ellipsis() {
        let lines = wrap(&"word ".repeat(200), 140.0, 11.5, 400, 4);
        assert_eq!(lines.len(), 4);
        assert!(lines[3].ends_with('…'), "{lines:?}");
        assert!(text_width(&lines[3], 11.5, 400) <= 140.0);
        let exact = wrap("a\nb", 140.0, 17.0, 600, 2);
        assert_eq!(exact, ["a", "b"], "nothing was left out: no ellipsis");
        let more = wrap("a\nb\nc", 140.0, 17.0, 600, 2);
        assert_eq!(more, ["a", "b…"]);
    }

    #[test]
    fn escaping_leaves_no_markup_and_no_control_characters() {
        let s = Esc("<a href=\"x\">'&'</a>\u{0}\u{7}\u{1b}\u{202e}ok").to_string();
        assert_eq!(
            s,
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;ok"
        );
        assert_eq!(clean_line(" two\n lines\t here "), "two lines here");
    }

    #[test]
    fn an_arrow_ends_outside_both_stickies() {
        let a = Rect::new(0, 0, 100, 100);
        let b = Rect::new(300, 0, 100, 100);
        let ((x1, y1), (x2, y2)) = arrow_ends(a, b);
        assert_eq!((x1, y1), (106.0, 50.0));
        assert_eq!((x2, y2), (294.0, 50.0));
    }
}
