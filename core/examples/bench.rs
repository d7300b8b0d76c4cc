//! Core speed figures: `cargo run --release -p stormwall-core --example bench`.
//! Each figure is the median of 7 runs (the machines are shared and noisy).

use std::time::{Duration, Instant};
use stormwall_core::export::{glossary, json, rust};
use stormwall_core::*;
use uuid::Uuid;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(f: impl Fn() -> T) -> Duration {
    median(
        (0..7)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

/// A busy workshop: `n` commands, mostly adds, moves and edits over a few hundred stickies,
/// with frames and arrows.
fn commands(n: usize) -> Vec<Command> {
    let mut out = vec![Command::CreateBoard {
        title: "Bench".into(),
    }];
    // The latest sticky added at or before step `i` (adds happen when i % 10 is 0, 1 or 2).
    let added = |i: usize| StickyId(Uuid::from_u128((i - i % 10) as u128 + 1_000_000));
    for i in 0..n {
        out.push(match i % 10 {
            0..=2 => Command::AddSticky {
                id: StickyId(Uuid::from_u128(i as u128 + 1_000_000)),
                kind: StickyKind::ALL[i % 8],
                text: format!("Sticky number {i}"),
                pos: Position::new((i % 40) as i32 * 180, (i / 40 % 20) as i32 * 140),
                size: None,
            },
            3..=5 => Command::MoveSticky {
                id: added(i),
                pos: Position::new(i as i32 % 5000, (i % 7) as i32 * 100),
            },
            6 | 7 => Command::EditStickyText {
                id: added(i),
                text: format!("Edited {i}"),
            },
            8 if i >= 10 => Command::AddConnector {
                id: ConnectorId(Uuid::from_u128(i as u128 + 2_000_000)),
                from: added(i),
                to: added(i - 10),
                label: None,
            },
            // A bounded context now and then (a few dozen on the whole board).
            _ if i % 500 == 9 => Command::AddFrame {
                id: FrameId(Uuid::from_u128(i as u128 + 3_000_000)),
                name: format!("Context {i}"),
                rect: Rect::new(
                    (i / 500 % 8) as i32 * 900,
                    (i / 4000) as i32 * 1000,
                    850,
                    950,
                ),
            },
            _ => Command::DescribeSticky {
                id: added(i),
                description: format!("Definition {i}"),
            },
        });
    }
    out
}

fn run(commands: &[Command]) -> (Board, Vec<Event>) {
    let mut board = Board::new(BoardId(Uuid::nil()));
    let mut log = Vec::new();
    for c in commands {
        if let Ok(events) = execute(&board, c.clone()) {
            for e in &events {
                board.apply_mut(e);
            }
            log.extend(events);
        }
    }
    (board, log)
}

fn main() {
    let n = 20_000;
    let cmds = commands(n);
    let (board, log) = run(&cmds);
    println!(
        "board: {} stickies, {} frames, {} arrows, {} events",
        board.stickies.len(),
        board.frames.len(),
        board.connectors.len(),
        log.len()
    );

    let t = time(|| run(&cmds));
    println!(
        "execute + apply, {n} commands: {:.1} ms median ({:.0} commands/s)",
        ms(t),
        n as f64 / t.as_secs_f64()
    );

    let t = time(|| Board::replay(board.id, &log));
    println!(
        "replay {} events: {:.1} ms median ({:.0} events/s)",
        log.len(),
        ms(t),
        log.len() as f64 / t.as_secs_f64()
    );

    let stored: Vec<(String, u32, serde_json::Value)> = log
        .iter()
        .map(|e| (e.event_type().to_owned(), e.schema_version(), e.payload()))
        .collect();
    let t = time(|| {
        stored
            .iter()
            .map(|(ty, v, p)| Event::decode(ty, *v, p.clone()).unwrap())
            .fold(Board::new(board.id), |b, e| apply(b, &e))
    });
    println!(
        "decode (upcast) + replay {} stored events: {:.1} ms median",
        log.len(),
        ms(t)
    );

    let snapshot = serde_json::to_string(&board).unwrap();
    let t = time(|| serde_json::to_string(&board).unwrap());
    println!(
        "snapshot write: {:.2} ms median, {} KiB",
        ms(t),
        snapshot.len() / 1024
    );
    let t = time(|| serde_json::from_str::<Board>(&snapshot).unwrap());
    println!("snapshot read: {:.2} ms median", ms(t));

    let t = time(|| glossary::glossary(&board).to_markdown());
    println!("glossary (Markdown) of that board: {:.1} ms median", ms(t));
    let near = stormwall_core::sample::near_duplicates(5_000);
    let md = glossary::glossary(&near).to_markdown();
    let t = time(|| glossary::glossary(&near).to_markdown());
    println!(
        "glossary (Markdown) of 5,000 stickies that are all near duplicates: {:.1} ms median, {} KiB",
        ms(t),
        md.len() / 1024
    );
    let t = time(|| rust::generate(&board));
    println!("Rust crate of that board: {:.1} ms median", ms(t));
    let t = time(|| json::to_string(&board));
    println!("board JSON: {:.2} ms median", ms(t));

    let mut older = board.clone();
    let keep: Vec<_> = older
        .stickies
        .keys()
        .copied()
        .take(older.stickies.len() / 2)
        .collect();
    older.stickies.retain(|k, _| keep.contains(k));
    older.connectors.clear();
    let t = time(|| undo::restore(&board, &older));
    println!("plan a restore (half the stickies): {:.1} ms median", ms(t));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
