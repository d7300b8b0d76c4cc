//! A board server in miniature for the sync engine's tests: the core's `execute`/`apply` on
//! one board, a log with contiguous seqs, command ids answered at most once (a retried id
//! gets the original ack), and a socket of two queues that a test can drop at any point.

use std::collections::{HashMap, VecDeque};
use stormwall_core::protocol::{ClientMsg, ServerMsg, PROTOCOL_VERSION};
use stormwall_core::sync::{Effect, Engine};
use stormwall_core::*;
use uuid::Uuid;

pub struct Server {
    pub board: Board,
    /// Every stored event with the command that caused it.
    pub log: Vec<(Event, Option<Uuid>)>,
    /// Each command id the server has seen, with the command it carried and its ack's seq.
    pub seen: HashMap<Uuid, (Command, Option<u64>)>,
    /// How many times each id was executed (must stay at most one).
    pub executed: HashMap<Uuid, usize>,
    /// Ids refused on their merits.
    pub refused: Vec<Uuid>,
    /// The next command is turned away for the moment (`rate_limited`).
    pub busy: bool,
    others: u128,
}

impl Server {
    pub fn new() -> Self {
        let mut server = Server {
            board: Board::new(BoardId(Uuid::nil())),
            log: Vec::new(),
            seen: HashMap::new(),
            executed: HashMap::new(),
            refused: Vec::new(),
            busy: false,
            others: 0,
        };
        let created = execute(
            &server.board,
            Command::CreateBoard {
                title: "Sync".into(),
            },
        )
        .unwrap();
        server.store(created, None);
        server
    }

    pub fn seq(&self) -> u64 {
        self.log.len() as u64
    }

    fn store(&mut self, events: Vec<Event>, command_id: Option<Uuid>) -> Vec<ServerMsg> {
        events
            .into_iter()
            .map(|event| {
                self.board.apply_mut(&event);
                self.log.push((event.clone(), command_id));
                ServerMsg::Event {
                    seq: self.seq(),
                    command_id,
                    event,
                }
            })
            .collect()
    }

    /// What the server answers a client's command with: its events, then the ack (or an error).
    pub fn command(&mut self, command_id: Uuid, command: Command) -> Vec<ServerMsg> {
        if let Some((first, ack)) = self.seen.get(&command_id) {
            assert_eq!(
                first, &command,
                "command id {command_id} sent with two commands"
            );
            if let Some(seq) = ack {
                return vec![ServerMsg::Ack {
                    command_id,
                    seq: *seq,
                }];
            }
        }
        if std::mem::take(&mut self.busy) {
            self.seen.insert(command_id, (command, None));
            return vec![ServerMsg::error(
                ErrorCode::RateLimited,
                "slow down",
                Some(command_id),
            )];
        }
        match execute(&self.board, command.clone()) {
            Ok(events) => {
                *self.executed.entry(command_id).or_default() += 1;
                let mut out = self.store(events, Some(command_id));
                self.seen.insert(command_id, (command, Some(self.seq())));
                out.push(ServerMsg::Ack {
                    command_id,
                    seq: self.seq(),
                });
                out
            }
            Err(e) => {
                self.seen.insert(command_id, (command, None));
                self.refused.push(command_id);
                vec![ServerMsg::error(e.code(), e.to_string(), Some(command_id))]
            }
        }
    }

    /// Someone else's command: its events (nothing when the core refuses it).
    pub fn other(&mut self, command: Command) -> Vec<ServerMsg> {
        match execute(&self.board, command) {
            Ok(events) => {
                self.others += 1;
                self.store(events, Some(Uuid::from_u128(u128::MAX - self.others)))
            }
            Err(_) => Vec::new(),
        }
    }

    pub fn welcome(&self) -> ServerMsg {
        ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            board: self.board.clone(),
            seq: self.seq(),
        }
    }

    /// A resume from `since`: the resume, then every event after it.
    pub fn resume(&self, since: u64) -> Vec<ServerMsg> {
        let mut out = vec![ServerMsg::Resume {
            protocol: PROTOCOL_VERSION,
            since,
        }];
        for (i, (event, command_id)) in self.log.iter().enumerate().skip(since as usize) {
            out.push(ServerMsg::Event {
                seq: i as u64 + 1,
                command_id: *command_id,
                event: event.clone(),
            });
        }
        out
    }
}

/// One client on the simulated server, with its socket.
pub struct Wire {
    pub engine: Engine,
    pub up: bool,
    pub to_server: VecDeque<ClientMsg>,
    pub to_client: VecDeque<ServerMsg>,
    pub notices: Vec<String>,
    pub now: f64,
}

impl Wire {
    pub fn new(engine: Engine) -> Self {
        Wire {
            engine,
            up: false,
            to_server: VecDeque::new(),
            to_client: VecDeque::new(),
            notices: Vec::new(),
            now: 0.0,
        }
    }

    /// Carries out what the engine asked for; true when it asked for a new connection.
    pub fn effects(&mut self, effects: Vec<Effect>) -> bool {
        let mut reconnect = false;
        for effect in effects {
            match effect {
                Effect::Send(msg) => {
                    assert!(self.up, "sent while the connection is down");
                    self.to_server.push_back(msg);
                }
                Effect::Notice(n) => self.notices.push(n),
                Effect::Reconnect => reconnect = true,
                _ => {}
            }
        }
        reconnect
    }

    /// A local command the engine must take; its effects carried out and returned.
    pub fn local(&mut self, command_id: Uuid, command: Command) -> Vec<Effect> {
        let effects = self.engine.local(command_id, command, self.now).unwrap();
        self.effects(effects.clone());
        effects
    }

    pub fn undo(&mut self, purpose: stormwall_core::sync::Purpose, command_id: Uuid) {
        let effects = self.engine.undo(purpose, command_id, self.now).unwrap();
        self.effects(effects);
    }

    pub fn connect(&mut self, server: &Server, resume: bool) {
        self.up = true;
        self.to_server.clear();
        self.to_client.clear();
        if resume && self.engine.can_resume() {
            self.to_client.extend(server.resume(self.engine.seq()));
        } else {
            self.to_client.push_back(server.welcome());
        }
    }

    pub fn drop_connection(&mut self) {
        self.up = false;
        self.to_server.clear();
        self.to_client.clear();
        self.engine.disconnected();
    }

    /// One message to the server, and its answers back (if the socket is up).
    pub fn deliver_to_server(&mut self, server: &mut Server) {
        if let Some(ClientMsg::Command {
            command_id,
            command,
        }) = self.to_server.pop_front()
        {
            let answers = server.command(command_id, command);
            self.to_client.extend(answers);
        }
    }

    /// One message to the client; a gap makes it connect again with a welcome.
    pub fn deliver_to_client(&mut self, server: &Server) {
        if let Some(msg) = self.to_client.pop_front() {
            let effects = self.engine.receive(msg, self.now);
            if self.effects(effects) {
                self.drop_connection();
                self.connect(server, false);
            }
        }
    }

    pub fn pump(&mut self) {
        let effects = self.engine.pump(self.now);
        self.effects(effects);
    }

    /// Until nothing moves: connected, every message delivered, every command answered.
    pub fn settle(&mut self, server: &mut Server) {
        if !self.up {
            self.connect(server, true);
        }
        for _ in 0..100_000 {
            if self.to_server.is_empty() && self.to_client.is_empty() {
                if self.engine.unsaved() == 0 {
                    return;
                }
                self.now += 1_000.0;
                self.pump();
                continue;
            }
            while !self.to_server.is_empty() {
                self.deliver_to_server(server);
            }
            while !self.to_client.is_empty() {
                self.deliver_to_client(server);
            }
        }
        panic!(
            "the client never settled: {} unsaved",
            self.engine.unsaved()
        );
    }
}
