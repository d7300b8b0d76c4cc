//! Exports: golden files for the glossary and the generated code on the sample workshop, the
//! article's `User`, hostile boards, and board JSON round trips. The generated crates are
//! compiled, linted, formatted and tested in `codegen.rs`.
//!
//! Regenerate the golden files after an intended change with
//! `UPDATE_GOLDEN=1 cargo test -p stormwall-core --test exports`, and review the diff.

mod support;
use std::path::{Path, PathBuf};
use stormwall_core::export::{glossary, json, rust};
use stormwall_core::*;
use support::boards;
use uuid::Uuid;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Compares with a golden file, or rewrites it under UPDATE_GOLDEN.
fn golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{} differs from the generated output; rerun with UPDATE_GOLDEN=1 and review the diff",
        path.display()
    );
}

#[test]
fn the_sample_workshop_has_a_realistic_size() {
    let board = boards::sample_workshop();
    assert!(board.stickies.len() >= 20, "{}", board.stickies.len());
    assert_eq!(board.frames.len(), 3);
}

#[test]
fn glossary_of_the_sample_workshop_is_golden() {
    let g = glossary::glossary(&boards::sample_workshop());
    golden(&fixtures().join("sample-glossary.md"), &g.to_markdown());
    golden(&fixtures().join("sample-glossary.csv"), &g.to_csv());
    golden(&fixtures().join("sample-glossary.json"), &g.to_json());
}

#[test]
fn glossary_flags_shared_terms_near_duplicates_and_missing_definitions() {
    let g = glossary::glossary(&boards::sample_workshop());
    let find = |ctx: &str, term: &str| {
        g.contexts
            .iter()
            .find(|c| c.context.as_deref() == Some(ctx))
            .and_then(|c| c.terms.iter().find(|t| t.term == term))
            .cloned()
            .unwrap_or_else(|| panic!("{term} in {ctx}"))
    };
    let placed = find("Payments", "Order Placed");
    assert_eq!(placed.also_in, vec!["Notifications".to_owned()]);
    assert_eq!(
        placed.definition.as_deref(),
        Some("the attendee confirmed the basket")
    );
    let reservation = find("Ticketing", "Reservation");
    assert!(reservation
        .used
        .contains(&"handles command “Reserve Seat”".to_owned()));
    assert!(reservation
        .used
        .contains(&"emits domain event “Seat Reserved”".to_owned()));
    assert!(reservation.definition.is_none());
    assert!(reservation
        .notes()
        .contains(&"no definition yet".to_owned()));
    assert!(g
        .questions
        .iter()
        .any(|q| q.question == "Refund policy after cancellation?"));
    // Hotspots are in the spreadsheet too.
    assert!(g
        .to_csv()
        .contains("Payments,Refund policy after cancellation?,Hotspot,,,open question"));

    let mut b = support::boards::Builder::new("Near");
    b.sticky(StickyKind::DomainEvent, "Order placed", 0, 0);
    b.sticky(StickyKind::DomainEvent, "OrderPlaced", 200, 0);
    b.sticky(StickyKind::DomainEvent, "Orders Placed", 400, 0);
    let g = glossary::glossary(&b.board);
    let terms = &g.contexts[0].terms;
    assert_eq!(
        terms[0].near_duplicates,
        vec!["OrderPlaced".to_owned(), "Orders Placed".to_owned()]
    );
    assert_eq!(
        g.contexts[0].near_duplicate_groups,
        vec![vec![
            "Order placed".to_owned(),
            "OrderPlaced".to_owned(),
            "Orders Placed".to_owned()
        ]]
    );
}

/// Near duplicates once listed every other near duplicate at every one of them: 10 MB of
/// Markdown at 100 stickies, 160 MB at 400. Each group is now listed once.
#[test]
fn the_glossary_grows_linearly_with_near_duplicates() {
    let size = |n| {
        let g = glossary::glossary(&stormwall_core::sample::near_duplicates(n));
        assert_eq!(g.contexts[0].near_duplicate_groups.len(), 1);
        assert_eq!(g.contexts[0].near_duplicate_groups[0].len(), n);
        let t = &g.contexts[0].terms[0];
        assert_eq!(t.near_duplicates.len(), glossary::LISTED);
        assert_eq!(t.near_duplicates_more, n - 1 - glossary::LISTED);
        assert!(t
            .notes()
            .iter()
            .any(|note| note.ends_with(&format!("and {} more", n - 1 - glossary::LISTED))));
        g.to_markdown().len() + g.to_json().len() + g.to_csv().len()
    };
    let (small, large) = (size(100), size(800));
    assert!(
        large < 10 * small,
        "8 times the stickies gave {large} bytes against {small}: not linear"
    );
}

fn crate_text(board: &Board) -> (rust::RustCrate, String) {
    let generated = rust::generate(board);
    let all = generated
        .files
        .iter()
        .map(|f| format!("==> {} <==\n{}", f.path, f.contents))
        .collect::<Vec<_>>()
        .join("\n");
    (generated, all)
}

#[test]
fn rust_crate_of_the_sample_workshop_is_golden() {
    let (generated, all) = crate_text(&boards::sample_workshop());
    golden(&fixtures().join("sample-crate.txt"), &all);
    let paths: Vec<&str> = generated.files.iter().map(|f| f.path.as_str()).collect();
    for p in [
        "Cargo.toml",
        "src/lib.rs",
        "src/types.rs",
        "src/ticketing/mod.rs",
        "src/ticketing/reservation.rs",
        "src/payments/payment.rs",
    ] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
}

#[test]
fn the_articles_user_aggregate_has_the_articles_shape() {
    let (generated, all) = crate_text(&boards::article_user());
    golden(&fixtures().join("user-crate.txt"), &all);
    let user = &generated
        .files
        .iter()
        .find(|f| f.path == "src/no_context/user.rs")
        .unwrap()
        .contents;
    for needle in [
        "pub struct User {\n    pub name: String,\n    pub email: String,\n}",
        "pub enum Command {",
        "    ChangeName { name: String },",
        "    ChangeEmail { email: String },",
        "    NameChanged { name: String },",
        "    EmailChanged { email: String },",
        "impl Aggregate for User {",
        "fn execute(&self, command: Command) -> Result<Vec<Event>, Error> {",
        "fn apply(mut self, event: &Event) -> Self {",
        "fn change_name() {",
        "fn name_changed_is_applied() {",
    ] {
        assert!(user.contains(needle), "missing {needle:?} in\n{user}");
    }
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}

#[test]
fn hostile_boards_still_export_with_warnings() {
    let (generated, all) = crate_text(&boards::hostile());
    golden(&fixtures().join("hostile-crate.txt"), &all);
    let w = generated.warnings.join("\n");
    assert!(w.contains("connected to 2 aggregates"), "{w}");
    assert!(w.contains("handles no command"), "{w}");
    assert!(w.contains("reaches no aggregate"), "{w}");
    assert!(w.contains("cycle through a policy"), "{w}");
    assert!(w.contains("Two bounded contexts are named “type”"), "{w}");
    assert!(
        w.contains("Domain event “Pinged” reaches no aggregate"),
        "{w}"
    );
    assert!(w.contains("is not decided"), "{w}");
    let g = glossary::glossary(&boards::hostile());
    // The two frames named "type" stay apart, named as the crate names them (`type_2`).
    let contexts: Vec<Option<&str>> = g.contexts.iter().map(|c| c.context.as_deref()).collect();
    assert!(
        contexts.contains(&Some("type")) && contexts.contains(&Some("type (2)")),
        "{contexts:?}"
    );
    assert!(generated
        .files
        .iter()
        .any(|f| f.path == "src/type_2/mod.rs"));
    assert!(g.to_markdown().contains("\\*/"));
    assert!(!g.to_markdown().contains("<script"));

    let (generated, _) = crate_text(&boards::no_aggregates());
    assert!(generated
        .warnings
        .iter()
        .any(|w| w.contains("no aggregates")));
}

#[test]
fn board_json_export_then_import_gives_an_identical_board() {
    for board in [
        boards::sample_workshop(),
        boards::hostile(),
        boards::article_user(),
    ] {
        let text = json::to_string(&board);
        let file = json::parse(&text).unwrap();
        let id = BoardId(Uuid::from_u128(77));
        let (create, fill) = json::import_commands(id, &file);
        let mut imported = Board::new(id);
        for command in [create, fill] {
            for e in execute(&imported, command).unwrap() {
                imported.apply_mut(&e);
            }
        }
        assert_eq!(json::to_string(&imported), text, "{}", board.title);
        imported.id = board.id;
        assert_eq!(imported, board);
    }
}

#[test]
fn files_that_are_not_boards_are_refused_clearly() {
    assert!(matches!(
        json::parse("{}"),
        Err(json::ImportError::NotABoard(_))
    ));
    let mut file = json::export(&boards::article_user());
    file.version = 9;
    let text = serde_json::to_string(&file).unwrap();
    assert_eq!(
        json::parse(&text),
        Err(json::ImportError::UnknownVersion(9))
    );
}
