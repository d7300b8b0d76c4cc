//! The generated crates, built for real: every crate passes `cargo fmt --check`, `cargo clippy
//! --all-targets -D warnings` and `cargo test` (offline: they have no dependencies). The
//! sample boards are checked, the article's `User` alone as it is unpacked, and a property
//! test does the same for random boards: Unicode from several scripts, emoji, controls and
//! direction marks, keywords and names cargo or rustc treat specially, duplicates, frames
//! within frames, random fields, types and arrows.
//!
//! `STORMWALL_CODEGEN_CASES=N` checks N random boards instead of the 24 CI can afford.

mod support;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::path::Path;
use std::process::Command as Process;
use stormwall_core::export::rust;
use stormwall_core::*;
use support::boards;
use uuid::Uuid;

/// Writes a generated crate under `root`.
fn write(root: &Path, generated: &rust::RustCrate) {
    for f in &generated.files {
        let path = root.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &f.contents).unwrap();
    }
}

/// Runs cargo in `dir`; panics with its output unless it succeeds.
fn cargo(dir: &Path, target: &Path, args: &[&str], what: &str) {
    let out = Process::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`cargo {}` fails on {what}:\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// fmt, clippy and test on every crate generated from `boards`, built together as one
/// workspace (one build of each, in parallel). Each crate's own `[workspace]` line, which
/// makes it stand alone when unpacked, is taken out for this, and its name made unique.
fn check(boards: &[Board]) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    let mut members = Vec::new();
    for (i, board) in boards.iter().enumerate() {
        let mut generated = rust::generate(board);
        let toml = &mut generated.files[0];
        assert_eq!(toml.path, "Cargo.toml");
        toml.contents = toml.contents.replace("[workspace]\n", "").replacen(
            &format!("name = \"{}\"", generated.name),
            &format!("name = \"c{i}\""),
            1,
        );
        write(&dir.path().join(format!("c{i}")), &generated);
        members.push(format!("\"c{i}\""));
    }
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    let what = format!("{} generated crates", boards.len());
    cargo(dir.path(), &target, &["fmt", "--all", "--check"], &what);
    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--offline",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ];
    cargo(dir.path(), &target, &clippy, &what);
    cargo(
        dir.path(),
        &target,
        &["test", "--workspace", "--offline", "--quiet"],
        &what,
    );
}

#[test]
fn the_sample_boards_generate_crates_that_pass_fmt_clippy_and_their_tests() {
    check(&[
        boards::sample_workshop(),
        boards::article_user(),
        boards::hostile(),
        boards::no_aggregates(),
    ]);
}

#[test]
fn the_articles_user_crate_stands_alone_with_complete_execute_and_apply() {
    let generated = rust::generate(&boards::article_user());
    let user = &generated
        .files
        .iter()
        .find(|f| f.path == "src/no_context/user.rs")
        .unwrap()
        .contents;
    assert!(!user.contains("todo!"), "nothing left to decide:\n{user}");
    assert!(!user.contains("#[ignore"), "every test runs:\n{user}");
    for decision in [
        "Command::ChangeName { name } => {\n                let event = Event::NameChanged { name };",
        "Command::ChangeEmail { email } => {\n                let event = Event::EmailChanged { email };",
        "Event::NameChanged { name } => {\n                self.name = name.clone();",
        "Event::EmailChanged { email } => {\n                self.email = email.clone();",
    ] {
        assert!(user.contains(decision), "missing {decision:?} in\n{user}");
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &generated);
    let target = dir.path().join("target");
    cargo(dir.path(), &target, &["fmt", "--check"], "the User crate");
    // Four tests run and pass: two decisions, two applied events.
    let out = Process::new(env!("CARGO"))
        .args(["test", "--offline"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("test result: ok. 4 passed; 0 failed; 0 ignored"),
        "{text}"
    );
}

/// Texts people write, and texts that break naive generators.
fn text() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "Change Name",
        "Name Changed",
        "Place Order",
        "Order Placed",
        "Pay",
        "Paid",
        "Order",
        "Заказ размещён",
        "注文",
        "طلب مؤكد",
        "הזמנה",
        "Παραγγελία",
        "Événement créé",
        "Änderung",
        "🦀",
        "🚀🚀",
        "2nd try",
        "self",
        "Self",
        "type",
        "crate",
        "super",
        "mod",
        "fn",
        "bin",
        "lib",
        "main",
        "build",
        "tests",
        "examples",
        "benches",
        "std",
        "core",
        "types",
        "String",
        "Option",
        "Result",
        "Vec",
        "Command",
        "Event",
        "Error",
        "Aggregate",
        "Default",
        "con",
        "```rust",
        "# heading",
        "<script>alert(1)</script>",
        "*bold*",
        "1. first",
        "- item",
        "\"quoted\"",
        "back\\slash",
        "*/ /*",
        "a\u{202E}b",
        "\u{2066}x\u{2069}",
        "\u{200B}",
        "\u{FEFF}",
        "\u{0}",
        "\u{7}",
        "\n",
        "\t",
        "   ",
        "_",
        "__x__",
        "x",
        "a very long sticky that goes on and on about the domain and all of its many rules",
        "Averyveryverylongwordwithoutanyspacesatallthatkeepsgoingforeverandever",
    ]);
    prop::collection::vec(words, 1..4).prop_map(|w| w.join(" "))
}

fn field() -> impl Strategy<Value = Field> {
    let names = prop::sample::select(vec![
        "name",
        "email",
        "id",
        "amount",
        "type",
        "self",
        "Self",
        "crate",
        "näme",
        "",
        "2nd",
        "order_id",
        "orderId",
        "x",
        "a_really_long_field_name_that_keeps_going_on",
    ]);
    let types = prop::sample::select(vec![
        "String",
        "string",
        "str",
        "int",
        "u8",
        "i8",
        "u32",
        "u128",
        "f64",
        "bool",
        "char",
        "Option<Uuid>",
        "Vec<Money>",
        "Option<String>",
        "HashMap<String, u8>",
        "HashMap<f64, u8>",
        "BTreeSet<Money>",
        "[u8; 32]",
        "[u64; 32]",
        "[u8; 64]",
        "(u8, String)",
        "(u8)",
        "&'static str",
        "chrono::DateTime<Utc>",
        "Result",
        "Self",
        "Money",
        "money",
        "Vec<",
        "",
        "Box<Money>",
        "(String, String, String, String, Money)",
        "Vec<Vec<Option<(Money, Money, Money)>>>",
    ]);
    (names, types).prop_map(|(n, t)| Field::new(n, t))
}

/// Fields that commands, events and states share, each name with its usual type (and now and
/// then another one, so that some decisions cannot be made).
fn shared_field() -> impl Strategy<Value = Field> {
    let usual = prop::sample::select(vec![
        ("name", "String"),
        ("email", "Option<String>"),
        ("amount", "u32"),
        ("price", "f64"),
        ("id", "Uuid"),
        ("count", "u8"),
        ("flag", "bool"),
        ("when", "[u8; 4]"),
        ("tags", "Vec<String>"),
        ("pair", "(u8, Money)"),
        ("a_long_field_name_here", "Option<Money>"),
    ]);
    (usual, 0u8..10).prop_map(|((n, t), odd)| Field::new(n, if odd == 0 { "i64" } else { t }))
}

/// An aggregate with commands that each point to the events they cause, sharing fields: the
/// shape a team draws when it designs, which the generator decides for real.
fn designed() -> impl Strategy<Value = Vec<(StickyKind, String, Vec<Field>, Vec<usize>)>> {
    let event = (text(), prop::collection::vec(shared_field(), 0..3));
    let command = (
        text(),
        prop::collection::vec(shared_field(), 0..4),
        prop::collection::vec(event, 0..4),
    );
    (
        text(),
        prop::collection::vec(shared_field(), 0..4),
        prop::collection::vec(command, 1..4),
    )
        .prop_map(|(name, state, commands)| {
            // (kind, text, fields, indexes of the stickies its arrows point to)
            let mut out = vec![(StickyKind::Aggregate, name, state, vec![])];
            for (text, fields, events) in commands {
                let at = out.len();
                out.push((StickyKind::Command, text, fields.clone(), vec![0]));
                for (etext, mut efields) in events {
                    // Mostly fields the command carries, so the decision can be made.
                    if efields.len() > 1 {
                        efields.truncate(1);
                        efields.extend(fields.iter().take(2).cloned());
                    }
                    let e = out.len();
                    out[at].3.push(e);
                    out[0].3.push(e);
                    out.push((StickyKind::DomainEvent, etext, efields, vec![]));
                }
            }
            out
        })
}

/// A board built from events, as a log may hold it (validation is bypassed on purpose).
fn board() -> impl Strategy<Value = Board> {
    (noise(), prop::collection::vec(designed(), 0..3)).prop_map(|(mut b, groups)| {
        let mut n = 10_000u128;
        for group in groups {
            let ids: Vec<StickyId> = group
                .iter()
                .map(|_| {
                    n += 1;
                    StickyId(Uuid::from_u128(n))
                })
                .collect();
            for (i, (kind, text, fields, _)) in group.iter().enumerate() {
                b.apply_mut(&Event::StickyAdded {
                    id: ids[i],
                    kind: *kind,
                    text: text.clone(),
                    pos: Position::new(5_000 + i as i32 * 250, (n % 7) as i32 * 2_000),
                    size: kind.default_size(),
                });
                b.apply_mut(&Event::StickyFieldsSet {
                    id: ids[i],
                    fields: fields.clone(),
                });
            }
            for (i, (_, _, _, targets)) in group.iter().enumerate() {
                for t in targets {
                    n += 1;
                    b.apply_mut(&Event::ConnectorAdded {
                        id: ConnectorId(Uuid::from_u128(n)),
                        from: ids[i],
                        to: ids[*t],
                        label: None,
                    });
                }
            }
        }
        b
    })
}

/// Stickies, frames and arrows at random.
fn noise() -> impl Strategy<Value = Board> {
    let kind = prop::sample::select(vec![
        StickyKind::Aggregate,
        StickyKind::Aggregate,
        StickyKind::Command,
        StickyKind::Command,
        StickyKind::DomainEvent,
        StickyKind::DomainEvent,
        StickyKind::Hotspot,
        StickyKind::Policy,
    ]);
    let sticky = (
        kind,
        text(),
        0i32..4,
        0i32..3,
        prop::collection::vec(field(), 0..4),
    );
    let frame = (
        prop::sample::select(vec!["Ticketing", "Bin", "lib", "type", "Main"]),
        0i32..3,
        0i32..2,
        1i32..4,
    );
    (
        text(),
        prop::collection::vec(frame, 0..4),
        prop::collection::vec(sticky, 0..14),
        prop::collection::vec((0usize..14, 0usize..14), 0..16),
    )
        .prop_map(|(title, frames, stickies, arrows)| {
            let mut b = Board::new(BoardId(Uuid::nil()));
            b.apply_mut(&Event::BoardCreated { title });
            for (i, (name, x, y, w)) in frames.into_iter().enumerate() {
                b.apply_mut(&Event::FrameAdded {
                    id: FrameId(Uuid::from_u128(i as u128 + 1)),
                    name: name.into(),
                    rect: Rect::new(x * 600, y * 400, w * 700, 900),
                });
            }
            let mut ids = Vec::new();
            for (i, (kind, text, col, row, fields)) in stickies.into_iter().enumerate() {
                let id = StickyId(Uuid::from_u128(i as u128 + 100));
                ids.push(id);
                b.apply_mut(&Event::StickyAdded {
                    id,
                    kind,
                    text,
                    pos: Position::new(col * 300, row * 200),
                    size: kind.default_size(),
                });
                b.apply_mut(&Event::StickyFieldsSet { id, fields });
            }
            for (n, (from, to)) in arrows.into_iter().enumerate() {
                if let (Some(from), Some(to)) = (ids.get(from), ids.get(to)) {
                    b.apply_mut(&Event::ConnectorAdded {
                        id: ConnectorId(Uuid::from_u128(n as u128 + 1000)),
                        from: *from,
                        to: *to,
                        label: None,
                    });
                }
            }
            b
        })
}

#[test]
fn random_boards_generate_crates_that_pass_fmt_clippy_and_their_tests() {
    // CI checks the same 24 boards every time; a longer run draws new ones each time.
    let (cases, mut runner) = match std::env::var("STORMWALL_CODEGEN_CASES") {
        Ok(n) => (n.parse().expect("a number of cases"), TestRunner::default()),
        Err(_) => (24, TestRunner::deterministic()),
    };
    let boards: Vec<Board> = (0..cases)
        .map(|_| board().new_tree(&mut runner).unwrap().current())
        .collect();
    // Batches keep one workspace's build within reach of the machine's memory.
    for chunk in boards.chunks(48) {
        check(chunk);
    }
}
