//! The boards this browser has opened, with the key of the link it opened each with
//! (localStorage `stormwall.boards`, newest first). There are no accounts: this list is how a
//! browser finds its boards again, and the only place a key is kept after the address bar
//! has dropped it.

use serde::{Deserialize, Serialize};
use stormwall_core::{BoardId, Role};

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const KEY: &str = "stormwall.boards";

/// Boards kept, at most; the oldest go first.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const MAX_BOARDS: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: BoardId,
    pub title: String,
    pub role: Role,
    pub key: String,
    /// When this browser last opened it, RFC 3339 (UTC).
    pub opened_at: String,
}

/// Every board this browser knows, newest first (empty on the server).
pub fn boards() -> Vec<Entry> {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
fn save(entries: &[Entry]) {
    #[cfg(feature = "hydrate")]
    if let (Some(storage), Ok(json)) = (
        leptos::prelude::window().local_storage().ok().flatten(),
        serde_json::to_string(entries),
    ) {
        let _ = storage.set_item(KEY, &json);
    }
}

/// The key this browser opened the board with last.
pub fn key_for(id: BoardId) -> Option<String> {
    boards().into_iter().find(|e| e.id == id).map(|e| e.key)
}

/// Puts a board (just opened) at the top of the list.
pub fn remember(entry: Entry) {
    let mut entries = boards();
    entries.retain(|e| e.id != entry.id);
    entries.insert(0, entry);
    entries.truncate(MAX_BOARDS);
    save(&entries);
}

/// Changes a known board in place (a new key after a rotation, a new title).
pub fn update(id: BoardId, change: impl FnOnce(&mut Entry)) {
    let mut entries = boards();
    if let Some(e) = entries.iter_mut().find(|e| e.id == id) {
        let before = e.clone();
        change(e);
        if *e != before {
            save(&entries);
        }
    }
}

/// Now, as stored in `opened_at`.
pub fn now_rfc3339() -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_sys::Date::new_0().to_iso_string())
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}
