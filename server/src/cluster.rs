//! Several servers on one PostgreSQL database. Each keeps its own actor per open board; an
//! append is optimistic on the `(board_id, seq)` key, and a commit rings the others with a
//! `NOTIFY` (see `store::Notice`). Here the listening side: one connection per server that
//! `LISTEN`s and hands each notice to the board's actor, which reads what was stored.
//!
//! Presence goes the same way on its own channel (`Peers`, `Beacon`), never stored; every
//! `BEAT` each server says who is on its sockets, so that the people of a server that died
//! leave the others' rosters once `EXPIRY` passes without a word from it.
//!
//! `NOTIFY` is only a doorbell: notices sent while the listening connection is down are lost.
//! After every (re)connection each open board reads its log's end, so nothing is missed for
//! long; the table stays the truth.

use crate::registry::{Inner, Registry};
use crate::store::{Notice, MAX_NOTICE, PG_CHANNEL};
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool};
use std::sync::Weak;
use std::time::Duration;
use stormwall_core::protocol::{Participant, ServerMsg};
use stormwall_core::BoardId;
use tokio::sync::mpsc;
use uuid::Uuid;

/// Wait before connecting again after the listening connection failed.
const RETRY: Duration = Duration::from_secs(1);

/// Listens for the other servers' notices until the registry is gone or the pool closes.
pub(crate) async fn listen(pool: PgPool, registry: Weak<Inner>) {
    loop {
        if pool.is_closed() {
            return;
        }
        match listen_once(&pool, &registry).await {
            Ok(()) => return,
            Err(e) => {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!(error = %e, "listening for other servers failed; retrying");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// One listening connection, until it fails (`Err`) or the server stops (`Ok`).
async fn listen_once(pool: &PgPool, registry: &Weak<Inner>) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([PG_CHANNEL, PRESENCE_CHANNEL]).await?;
    let Some(r) = Registry::upgrade(registry) else {
        return Ok(());
    };
    // Whatever was stored before this connection listened is read now.
    r.catch_up_all();
    let stopping = r.stopping();
    tokio::pin!(stopping);
    drop(r);
    loop {
        let received = tokio::select! {
            received = listener.try_recv() => received?,
            () = &mut stopping => return Ok(()),
        };
        let Some(r) = Registry::upgrade(registry) else {
            return Ok(());
        };
        match received {
            Some(n) if n.channel() == PRESENCE_CHANNEL => {
                match serde_json::from_str::<Beacon>(n.payload()) {
                    Ok(beacon) => r.beacon(beacon),
                    Err(e) => tracing::debug!(error = %e, "unreadable presence notice ignored"),
                }
            }
            Some(n) => match Notice::parse(n.payload()) {
                Some(notice) => r.notice(notice),
                None => tracing::debug!(payload = n.payload(), "unknown notice ignored"),
            },
            // The connection dropped and was made again: notices may have been lost.
            None => {
                tracing::warn!("the listening connection to PostgreSQL was lost and made again");
                r.catch_up_all();
            }
        }
    }
}

/// The channel presence goes over between servers (never stored: presence is ephemeral).
pub const PRESENCE_CHANNEL: &str = "stormwall_presence";
/// How often a server says who is on each of its open boards.
pub const BEAT: Duration = Duration::from_secs(1);
/// A participant of another server not heard of for this long is gone: its server died.
pub const EXPIRY: Duration = Duration::from_secs(3);
/// Notices waiting to be sent; more are dropped (presence is superseded by the next one).
const QUEUE: usize = 1024;

/// What a board's actor needs to tell the other servers about presence: this server's id
/// and the queue of notices to send.
#[derive(Clone)]
pub struct Peers {
    instance: Uuid,
    tx: mpsc::Sender<String>,
}

/// A presence notice from one server about one board.
#[derive(Debug, Serialize, Deserialize)]
pub struct Beacon {
    /// The server that sent it.
    pub from: Uuid,
    pub board: BoardId,
    pub said: Said,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Said {
    /// A presence message of someone on the sender's sockets (`presence`, `left`, `follow`).
    Msg { msg: Box<ServerMsg> },
    /// Who is on the sender's sockets, every `BEAT`: how others learn of people who came
    /// before they opened the board, and how they notice a server that died.
    Here { people: Vec<Participant> },
}

impl Peers {
    /// Starts the task that sends this server's presence notices on `pool`.
    pub(crate) fn start(pool: PgPool) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(send_notices(pool, rx));
        Self {
            instance: Uuid::new_v4(),
            tx,
        }
    }

    pub fn instance(&self) -> Uuid {
        self.instance
    }

    /// Queues a notice; dropped when the queue is full or it is too big for PostgreSQL.
    pub fn say(&self, board: BoardId, said: Said) {
        let beacon = Beacon {
            from: self.instance,
            board,
            said,
        };
        let json = serde_json::to_string(&beacon).expect("presence serialises");
        if json.len() > MAX_NOTICE {
            tracing::debug!(bytes = json.len(), "presence notice too big; dropped");
            return;
        }
        let _ = self.tx.try_send(json);
    }

    /// Says who is here, in as many notices as it takes to stay under the payload limit.
    pub fn here(&self, board: BoardId, people: &[Participant]) {
        let mut chunk: Vec<Participant> = Vec::new();
        let mut bytes = 0;
        for p in people {
            let size = serde_json::to_string(p).map_or(0, |s| s.len()) + 1;
            if bytes + size > MAX_NOTICE - 200 && !chunk.is_empty() {
                let people = std::mem::take(&mut chunk);
                self.say(board, Said::Here { people });
                bytes = 0;
            }
            chunk.push(p.clone());
            bytes += size;
        }
        if !chunk.is_empty() {
            self.say(board, Said::Here { people: chunk });
        }
    }
}

/// Sends queued notices, as many per round trip as are waiting.
async fn send_notices(pool: PgPool, mut rx: mpsc::Receiver<String>) {
    let sql = "SELECT pg_notify('stormwall_presence', p) FROM unnest($1::text[]) AS p";
    let mut batch = Vec::new();
    while rx.recv_many(&mut batch, 256).await > 0 {
        if let Err(e) = sqlx::query(sql).bind(&batch).execute(&pool).await {
            if pool.is_closed() {
                return;
            }
            tracing::debug!(error = %e, "presence notices lost");
        }
        batch.clear();
    }
}

/// Every `BEAT`, each open board says who is here and forgets those of dead servers.
pub(crate) async fn beat(registry: Weak<Inner>) {
    let mut tick = tokio::time::interval(BEAT);
    loop {
        tick.tick().await;
        let Some(r) = Registry::upgrade(&registry) else {
            return;
        };
        if r.is_stopping() {
            return;
        }
        r.beat_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stormwall_core::Role;

    fn person(n: usize) -> Participant {
        Participant {
            id: Uuid::new_v4(),
            // The longest name a participant can have.
            name: format!(
                "{n:03}{}",
                "é".repeat(stormwall_core::limits::MAX_NAME_CHARS - 3)
            ),
            colour: "#e8590c".into(),
            cursor: None,
            editing: None,
            role: Role::Edit,
        }
    }

    #[test]
    fn a_crowd_is_said_in_notices_under_postgresqls_limit_and_nobody_is_lost() {
        let (tx, mut rx) = mpsc::channel(QUEUE);
        let peers = Peers {
            instance: Uuid::new_v4(),
            tx,
        };
        let board = BoardId(Uuid::new_v4());
        let crowd: Vec<Participant> = (0..300).map(person).collect();
        peers.here(board, &crowd);
        let mut heard = Vec::new();
        while let Ok(json) = rx.try_recv() {
            assert!(json.len() <= MAX_NOTICE, "{} bytes", json.len());
            let beacon: Beacon = serde_json::from_str(&json).unwrap();
            assert_eq!((beacon.from, beacon.board), (peers.instance, board));
            let Said::Here { people } = beacon.said else {
                panic!("not a roll call")
            };
            heard.extend(people.into_iter().map(|p| p.id));
        }
        assert_eq!(heard, crowd.iter().map(|p| p.id).collect::<Vec<_>>());
    }
}
