//! A commit the store refuses: driven on a board actor over the failing test double
//! (`stormwall::flaky`), which wraps the real SQLite store.

use std::future::Future;
use std::time::Duration;
use stormwall::access::Keys;
use stormwall::actor::{BoardError, BoardHandle, Done, Joined, Who};
use stormwall::flaky::{Failure, FlakyStore};
use stormwall::store::EventStore;
use stormwall_core::{Board, BoardId, Command, ErrorCode, Role};
use stormwall_testkit::commands::add_sticky;
use stormwall_testkit::TempDb;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use uuid::Uuid;

struct Fixture {
    _db: TempDb,
    store: EventStore,
    flaky: FlakyStore,
    handle: BoardHandle,
    key: String,
}

/// A created board (seq 1) whose actor stores through a `FlakyStore`; no snapshots.
async fn fixture() -> Fixture {
    let db = TempDb::new();
    let store = EventStore::open(&db.url()).await.unwrap();
    let flaky = FlakyStore::new(store.clone());
    let id = BoardId(Uuid::new_v4());
    let keys = Keys::fresh();
    store.save_links(id, &keys.rows()).await.unwrap();
    let handle = BoardHandle::spawn(flaky.clone(), Board::new(id), 0, 0, keys.rows());
    let title = "Failing commits".to_owned();
    let seq = handle
        .execute(
            None,
            None,
            Role::Facilitator,
            Command::CreateBoard { title },
        )
        .await
        .unwrap();
    assert_eq!(seq, 1);
    let key = keys.0[&Role::Facilitator].clone();
    Fixture {
        _db: db,
        store,
        flaky,
        handle,
        key,
    }
}

impl Fixture {
    /// Another participant, watching the board's events.
    async fn watcher(&self) -> Joined {
        let who = Who {
            id: Uuid::new_v4(),
            name: "Watcher".into(),
            voter: "watcher".into(),
        };
        self.handle.join(who, self.key.clone()).await.unwrap()
    }

    /// Queues a command under `id`; its answer to come.
    async fn submit(
        &self,
        id: Uuid,
        command: Command,
    ) -> impl Future<Output = Result<Done, BoardError>> {
        self.handle
            .submit(Some(id), Some("Ann".into()), Role::Edit, command)
            .await
            .unwrap()
    }

    /// The board in the actor's memory equals the board as the store holds it.
    async fn assert_memory_matches_store(&self) -> u64 {
        let (board, seq) = self.handle.state().await.unwrap();
        let stored = self.store.open_board(board.id).await.unwrap().unwrap();
        assert_eq!(seq, stored.seq, "the seq in memory is the stored seq");
        assert_eq!(
            *board, stored.board,
            "the board in memory is the stored board"
        );
        seq
    }
}

async fn answer(f: impl Future<Output = Result<Done, BoardError>>) -> Result<Done, BoardError> {
    tokio::time::timeout(Duration::from_secs(10), f)
        .await
        .expect("an answer within 10 s")
}

fn assert_storage_failed(answer: Result<Done, BoardError>) {
    match answer {
        Err(e @ BoardError::Storage(_)) => assert_eq!(e.code(), ErrorCode::StorageFailed),
        other => panic!("expected storage_failed, got {other:?}"),
    }
}

#[tokio::test]
async fn a_failed_commit_refuses_its_whole_group_broadcasts_nothing_and_the_board_goes_on() {
    let f = fixture().await;
    let mut watcher = f.watcher().await;
    assert_eq!(watcher.seq, 1);

    // The first command's commit waits at the gate while three more queue up behind it:
    // those three make the next group, and that group's commit fails.
    f.flaky.hold_commits();
    let first = f.submit(Uuid::new_v4(), add_sticky("stored")).await;
    f.flaky.commits_arrived(2).await;
    let ids: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
    let mut group = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        group.push(f.submit(*id, add_sticky(&format!("lost {i}"))).await);
    }
    // A retry of the group's first command inside the same group: refused with it.
    group.push(f.submit(ids[0], add_sticky("lost 0")).await);
    f.flaky.fail_next_commit(Failure::BeforeWriting);
    f.flaky.release_commits();

    assert_eq!(answer(first).await.unwrap(), Done { seq: 2, events: 1 });
    for pending in group {
        assert_storage_failed(answer(pending).await);
    }
    assert_eq!(
        f.flaky.commit_sizes(),
        vec![1, 1, 3],
        "creation, the first command, then the failed group in one commit"
    );

    // Only the stored command's event went out; every answer came after the broadcasts.
    let stored = watcher.events.try_recv().unwrap();
    assert_eq!(stored.seq, 2);
    assert!(matches!(
        watcher.events.try_recv(),
        Err(TryRecvError::Empty)
    ));
    assert_eq!(f.assert_memory_matches_store().await, 2);
    let (board, _) = f.handle.state().await.unwrap();
    assert_eq!(board.stickies.len(), 1);

    // The board goes on: the refused commands are sent again and now stored, each once.
    for (i, id) in ids.iter().enumerate() {
        let done = answer(f.submit(*id, add_sticky(&format!("again {i}"))).await)
            .await
            .unwrap();
        assert_eq!(
            done,
            Done {
                seq: 3 + i as u64,
                events: 1
            }
        );
        let event = watcher.events.recv().await.unwrap();
        assert_eq!(event.seq, done.seq);
    }
    assert_eq!(f.assert_memory_matches_store().await, 5);
    let (board, _) = f.handle.state().await.unwrap();
    assert_eq!(board.stickies.len(), 4);
}

#[tokio::test]
async fn a_commit_that_reached_the_disk_but_reported_failure_is_reloaded_from_the_store() {
    let f = fixture().await;
    let mut watcher = f.watcher().await;

    f.flaky.fail_next_commit(Failure::AfterWriting);
    let id = Uuid::new_v4();
    assert_storage_failed(answer(f.submit(id, add_sticky("maybe")).await).await);

    // The store has the event, so memory has it too; watchers missed it, so their event
    // stream ends and they start again from a fresh welcome.
    assert_eq!(f.assert_memory_matches_store().await, 2);
    assert!(matches!(
        watcher.events.recv().await,
        Err(RecvError::Closed)
    ));

    // A retry learns the command was stored after all: the same outcome, no second event.
    let retry = answer(f.submit(id, add_sticky("maybe")).await).await;
    assert_eq!(retry.unwrap(), Done { seq: 2, events: 0 });
    let mut again = f.watcher().await;
    assert_eq!(again.seq, 2);
    let done = answer(f.submit(Uuid::new_v4(), add_sticky("after")).await)
        .await
        .unwrap();
    assert_eq!(done, Done { seq: 3, events: 1 });
    assert_eq!(again.events.recv().await.unwrap().seq, 3);
    assert_eq!(f.assert_memory_matches_store().await, 3);
}
