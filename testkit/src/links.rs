//! The links of the boards made through this kit, kept so that a test can open a board by its
//! id alone (the server gives a link's key once, when the board is made).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use stormwall_core::protocol::Created;
use stormwall_core::{BoardId, Role};

/// Process-wide: tests running in parallel make boards with distinct ids.
static LINKS: LazyLock<Mutex<HashMap<BoardId, Created>>> = LazyLock::new(Default::default);

/// Keeps a new board's links.
pub fn remember(created: &Created) {
    let mut links = LINKS.lock().unwrap_or_else(|e| e.into_inner());
    links.insert(created.id, created.clone());
}

/// The key of one of a board's links; panics for a board not made through this kit.
pub fn key(board: BoardId, role: Role) -> String {
    let links = LINKS.lock().unwrap_or_else(|e| e.into_inner());
    let created = links
        .get(&board)
        .expect("a board made through the test kit");
    created
        .key(role)
        .expect("every board has three links")
        .to_owned()
}

/// The board (made through this kit) named in a URL, if any.
pub fn board_in(url: &str) -> Option<BoardId> {
    let links = LINKS.lock().unwrap_or_else(|e| e.into_inner());
    links.keys().find(|b| url.contains(&b.to_string())).copied()
}
