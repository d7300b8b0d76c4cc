//! The board as a picture: the SVG is well-formed XML, has one shape per element in scope, the
//! notation's colours, people's text as text (never markup), and the same bytes every time.

mod support;
use roxmltree::{Document, Node};
use std::collections::HashSet;
use stormwall_core::export::svg::{file_stem, svg, Scope, SvgError};
use stormwall_core::*;
use support::boards::{self, Builder};
use uuid::Uuid;

fn parse(text: &str) -> Document<'_> {
    Document::parse(text).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{text}"))
}

fn with_class<'a, 'i>(doc: &'a Document<'i>, name: &str, class: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| n.has_tag_name(name) && n.attribute("class") == Some(class))
        .collect()
}

fn count(doc: &Document, name: &str, class: &str) -> usize {
    with_class(doc, name, class).len()
}

/// The text a sticky shows, its lines joined.
fn sticky_text(doc: &Document, id: StickyId) -> String {
    let id = id.to_string();
    let rect = with_class(doc, "rect", "sticky")
        .into_iter()
        .find(|r| r.attribute("data-id") == Some(id.as_str()))
        .unwrap_or_else(|| panic!("no sticky {id}"));
    let text = rect
        .next_sibling_element()
        .and_then(|k| k.next_sibling_element())
        .expect("the sticky's text after its kind");
    assert_eq!(text.attribute("class"), Some("sticky-text"));
    text.children()
        .filter(|t| t.is_element())
        .map(|t| t.text().unwrap_or(""))
        .collect::<Vec<_>>()
        .concat()
}

fn kinds_of<'a>(stickies: impl Iterator<Item = &'a Sticky>) -> usize {
    stickies.map(|s| s.kind).collect::<HashSet<_>>().len()
}

#[test]
fn the_sample_workshop_is_drawn_whole_in_the_notation_colours() {
    let board = boards::sample_workshop();
    let out = svg(&board, &Scope::Board).unwrap();
    let doc = parse(&out);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    for attr in ["width", "height", "viewBox"] {
        assert!(root.attribute(attr).is_some(), "{attr}");
    }
    let title = root.first_element_child().unwrap();
    assert!(title.has_tag_name("title"));
    assert_eq!(title.text(), Some("Conference ticketing"));
    assert_eq!(count(&doc, "rect", "paper"), 1);

    let stickies = with_class(&doc, "rect", "sticky");
    assert_eq!(stickies.len(), board.stickies.len());
    for rect in &stickies {
        let id: StickyId = rect.attribute("data-id").unwrap().parse().unwrap();
        let kind = board.stickies[&id].kind;
        assert_eq!(rect.attribute("data-kind"), Some(kind.name()));
        assert_eq!(rect.attribute("fill"), Some(kind.colour()));
    }
    assert_eq!(count(&doc, "rect", "frame"), 3);
    assert_eq!(count(&doc, "path", "arrow-line"), board.connectors.len());
    assert!(board.connectors.len() > 10);
    let legend = with_class(&doc, "g", "legend-entry");
    assert_eq!(legend.len(), kinds_of(board.stickies.values()));
    let legend_kinds: Vec<&str> = legend
        .iter()
        .map(|e| e.attribute("data-kind").unwrap())
        .collect();
    let palette_order: Vec<&str> = StickyKind::ALL
        .iter()
        .map(|k| k.name())
        .filter(|k| legend_kinds.contains(k))
        .collect();
    assert_eq!(
        legend_kinds, palette_order,
        "the legend is in palette order"
    );
    let frame_names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("frame-name"))
        .map(|g| g.last_element_child().unwrap().text().unwrap())
        .collect();
    assert_eq!(frame_names, ["Ticketing", "Payments", "Notifications"]);
    let organizer = board
        .stickies
        .values()
        .find(|s| s.text == "Organizer")
        .unwrap();
    assert_eq!(sticky_text(&doc, organizer.id), "Organizer");
}

#[test]
fn the_view_box_holds_every_sticky_and_frame_with_a_margin() {
    let board = boards::sample_workshop();
    let out = svg(&board, &Scope::Board).unwrap();
    let doc = parse(&out);
    let vb: Vec<i64> = doc
        .root_element()
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect();
    let (x0, y0, x1, y1) = (vb[0], vb[1], vb[0] + vb[2], vb[1] + vb[3]);
    let inside = |r: Rect| {
        let (rx, ry) = (i64::from(r.x), i64::from(r.y));
        rx - x0 >= 20
            && ry - y0 >= 20
            && x1 - (rx + i64::from(r.w)) >= 20
            && y1 - (ry + i64::from(r.h)) >= 20
    };
    for s in board.stickies.values() {
        assert!(
            inside(Rect::new(s.pos.x, s.pos.y, s.size.w, s.size.h)),
            "{}",
            s.text
        );
    }
    for f in board.frames.values() {
        assert!(inside(f.rect), "{}", f.name);
    }
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some(vb[2].to_string().as_str()));
    assert_eq!(root.attribute("height"), Some(vb[3].to_string().as_str()));
}

#[test]
fn a_bounded_context_has_its_frame_the_stickies_inside_and_the_arrows_between_them() {
    let board = boards::sample_workshop();
    let payments = board
        .frames
        .values()
        .find(|f| f.name == "Payments")
        .unwrap();
    let inside: HashSet<StickyId> = board
        .stickies
        .values()
        .filter(|s| {
            let (x, y) = s.centre();
            payments.rect.contains(x, y)
        })
        .map(|s| s.id)
        .collect();
    let arrows = board
        .connectors
        .values()
        .filter(|c| inside.contains(&c.from) && inside.contains(&c.to))
        .count();
    assert!(!inside.is_empty() && arrows > 0);
    assert!(arrows < board.connectors.len());

    let by_name = svg(&board, &Scope::FrameNamed("Payments".into())).unwrap();
    let doc = parse(&by_name);
    let drawn: HashSet<StickyId> = with_class(&doc, "rect", "sticky")
        .iter()
        .map(|r| r.attribute("data-id").unwrap().parse().unwrap())
        .collect();
    assert_eq!(drawn, inside);
    assert_eq!(count(&doc, "rect", "frame"), 1);
    assert_eq!(count(&doc, "path", "arrow-line"), arrows);
    assert_eq!(
        count(&doc, "g", "legend-entry"),
        kinds_of(inside.iter().map(|id| &board.stickies[id]))
    );
    assert_eq!(
        doc.root_element().first_element_child().unwrap().text(),
        Some("Conference ticketing · Payments")
    );
    // The same context by its id, by its id written out, and with stray spaces.
    assert_eq!(svg(&board, &Scope::Frame(payments.id)).unwrap(), by_name);
    assert_eq!(
        svg(&board, &Scope::FrameNamed(payments.id.to_string())).unwrap(),
        by_name
    );
    assert_eq!(
        svg(&board, &Scope::FrameNamed(" Payments ".into())).unwrap(),
        by_name
    );
    assert_eq!(
        file_stem(&board, &Scope::FrameNamed("Payments".into())).unwrap(),
        "conference-ticketing-payments"
    );
}

#[test]
fn an_unknown_or_ambiguous_context_is_an_error() {
    let board = boards::sample_workshop();
    assert_eq!(
        svg(&board, &Scope::FrameNamed("Shipping".into())),
        Err(SvgError::UnknownFrame("Shipping".into()))
    );
    let missing = FrameId(Uuid::from_u128(0xdead));
    assert!(matches!(
        svg(&board, &Scope::Frame(missing)),
        Err(SvgError::UnknownFrame(_))
    ));
    // Two contexts named alike: the name does not say which; the id does.
    let hostile = boards::hostile();
    assert_eq!(
        svg(&hostile, &Scope::FrameNamed("type".into())),
        Err(SvgError::AmbiguousFrame {
            name: "type".into(),
            count: 2
        })
    );
    let second = hostile.frames.values().nth(1).unwrap().id;
    assert!(svg(&hostile, &Scope::Frame(second)).is_ok());
}

#[test]
fn a_selection_is_those_stickies_in_board_order_with_the_arrows_between_them() {
    let board = boards::sample_workshop();
    let connector = board.connectors.values().next().unwrap();
    let other = board
        .stickies
        .keys()
        .find(|id| **id != connector.from && **id != connector.to)
        .copied()
        .unwrap();
    let ids = vec![connector.to, other, connector.from];
    let out = svg(&board, &Scope::Selection(ids.clone())).unwrap();
    let doc = parse(&out);
    assert_eq!(count(&doc, "rect", "sticky"), 3);
    assert_eq!(count(&doc, "rect", "frame"), 0);
    let between = board
        .connectors
        .values()
        .filter(|c| ids.contains(&c.from) && ids.contains(&c.to))
        .count();
    assert_eq!(count(&doc, "path", "arrow-line"), between);
    // The order of the selection does not matter, nor do stickies no longer on the board.
    let mut reordered = ids.clone();
    reordered.reverse();
    reordered.push(StickyId(Uuid::from_u128(0xdead)));
    assert_eq!(svg(&board, &Scope::Selection(reordered)).unwrap(), out);

    assert_eq!(
        svg(&board, &Scope::Selection(vec![])),
        Err(SvgError::EmptySelection)
    );
    assert_eq!(
        svg(
            &board,
            &Scope::Selection(vec![StickyId(Uuid::from_u128(0xdead))])
        ),
        Err(SvgError::EmptySelection)
    );
    assert_eq!(
        file_stem(&board, &Scope::Selection(ids)).unwrap(),
        "conference-ticketing-selection"
    );
}

#[test]
fn the_same_board_gives_the_same_bytes() {
    let a = svg(&boards::sample_workshop(), &Scope::Board).unwrap();
    let b = svg(&boards::sample_workshop(), &Scope::Board).unwrap();
    assert_eq!(a, b);
    let hostile = boards::hostile();
    assert_eq!(
        svg(&hostile, &Scope::Board).unwrap(),
        svg(&hostile.clone(), &Scope::Board).unwrap()
    );
}

const SCRIPT: &str = "</text><script>alert(1)</script>";

/// A board whose every name is an attempt to break out of the markup.
fn hostile_picture() -> (Board, StickyId, StickyId) {
    let mut b = Builder::new("<svg onload=alert(1)>\u{7} \"quoted\" & 'single'\u{1b}\u{202e}");
    b.frame("</title><script>alert(2)</script>", 0, 0, 1200, 600);
    let a = b.sticky(StickyKind::Hotspot, SCRIPT, 40, 60);
    let c = b.sticky(
        StickyKind::Command,
        "<![CDATA[ x ]]> <!-- y --> &amp; &#x3c; bell\ttab\nline",
        400,
        60,
    );
    b.run(Command::AddConnector {
        id: ConnectorId(Uuid::from_u128(0xA11)),
        from: a,
        to: c,
        label: Some("\"><script>alert(3)</script><text x=\"".into()),
    });
    (b.board, a, c)
}

#[test]
fn hostile_text_stays_text() {
    let (board, a, c) = hostile_picture();
    let out = svg(&board, &Scope::Board).unwrap();
    assert!(!out.to_lowercase().contains("<script"), "{out}");
    assert!(!out.contains("<![CDATA["));
    assert!(!out.contains("<!--"));
    assert!(!out.contains(|c: char| c.is_control() && c != '\n'));
    assert!(!out.contains('\u{202e}'));
    let doc = parse(&out);
    assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    // No attribute but ours: nothing like onload slipped in.
    for n in doc.descendants().filter(|n| n.is_element()) {
        for attr in n.attributes() {
            assert!(!attr.name().starts_with("on"), "{}", attr.name());
        }
    }
    // One text per heading, sticky kind, sticky text, frame name, arrow label, legend entry.
    let texts = doc.descendants().filter(|n| n.has_tag_name("text")).count();
    assert_eq!(texts, 1 + 2 * 2 + 1 + 1 + 2);
    assert_eq!(sticky_text(&doc, a), SCRIPT);
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(
        squeeze(&sticky_text(&doc, c)),
        "<![CDATA[x]]><!--y-->&amp;&#x3c;belltabline"
    );
    let title = doc.root_element().first_element_child().unwrap();
    assert_eq!(
        title.text(),
        Some("<svg onload=alert(1)> \"quoted\" & 'single'")
    );
    // Labels are drawn last, over the stickies a short arrow's label reaches into.
    assert!(out.find("class=\"arrow-label\"") > out.rfind("<rect class=\"sticky\""));
    let label = with_class(&doc, "text", "arrow-label");
    assert_eq!(
        label[0].text(),
        Some("\"><script>alert(3)</script><text x=\"")
    );
    let frame_name = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("frame-name"))
        .unwrap()
        .last_element_child()
        .unwrap();
    assert_eq!(frame_name.text(), Some("</title><script>alert(2)</script>"));
    assert!(file_stem(&board, &Scope::Board)
        .unwrap()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-'));
}

#[test]
fn long_text_is_cut_where_the_sticky_ends() {
    let mut b = Builder::new("Long");
    let long = b.sticky(StickyKind::DomainEvent, &"many words ".repeat(90), 0, 0);
    let out = svg(&b.board, &Scope::Board).unwrap();
    let doc = parse(&out);
    let shown = sticky_text(&doc, long);
    assert!(shown.ends_with('…'), "{shown}");
    let rect = &with_class(&doc, "rect", "sticky")[0];
    let bottom: f64 = rect.attribute("y").unwrap().parse::<f64>().unwrap()
        + rect.attribute("height").unwrap().parse::<f64>().unwrap();
    let text = rect
        .next_sibling_element()
        .unwrap()
        .next_sibling_element()
        .unwrap();
    assert_eq!(text.attribute("font-size"), Some("11.5"), "text-xs");
    for line in text.children().filter(|n| n.is_element()) {
        let y: f64 = line.attribute("y").unwrap().parse().unwrap();
        assert!(y <= bottom, "a line below the sticky: {y} > {bottom}");
    }
}

#[test]
fn an_empty_board_is_a_small_picture_with_its_title() {
    let board = Builder::new("Nothing yet").board;
    let out = svg(&board, &Scope::Board).unwrap();
    let doc = parse(&out);
    assert_eq!(count(&doc, "rect", "sticky"), 0);
    assert_eq!(count(&doc, "g", "legend"), 0);
    assert_eq!(count(&doc, "text", "empty"), 1);
    assert_eq!(
        doc.root_element().first_element_child().unwrap().text(),
        Some("Nothing yet")
    );
    // A context with nothing in it is just its frame.
    let mut b = Builder::new("Frames only");
    b.frame("Empty context", 100, 100, 400, 300);
    let out = svg(&b.board, &Scope::FrameNamed("Empty context".into())).unwrap();
    let doc = parse(&out);
    assert_eq!(count(&doc, "rect", "frame"), 1);
    assert_eq!(count(&doc, "rect", "sticky"), 0);
}

#[test]
fn the_largest_board_is_drawn_quickly() {
    use stormwall_core::limits::{MAX_STICKIES, MAX_TEXT_CHARS};
    let mut board = sample::wall("Full wall", MAX_STICKIES, |i| {
        format!("{i} <&> ").repeat(MAX_TEXT_CHARS / 8)
    });
    let ids: Vec<StickyId> = board.stickies.keys().copied().collect();
    for (n, pair) in ids.windows(2).enumerate() {
        board.apply_mut(&Event::ConnectorAdded {
            id: ConnectorId(Uuid::from_u128(n as u128 + 1)),
            from: pair[0],
            to: pair[1],
            label: Some("then".into()),
        });
    }
    let started = std::time::Instant::now();
    let out = svg(&board, &Scope::Board).unwrap();
    let took = started.elapsed();
    println!(
        "{} stickies, {} arrows: {} bytes in {took:?}",
        board.stickies.len(),
        board.connectors.len(),
        out.len()
    );
    assert!(took.as_secs_f64() < 10.0, "{took:?}");
    let doc = parse(&out);
    assert_eq!(count(&doc, "rect", "sticky"), MAX_STICKIES);
    assert_eq!(count(&doc, "path", "arrow-line"), MAX_STICKIES - 1);
}
