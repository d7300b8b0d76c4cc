//! What the client keeps in the browser's localStorage: the unconfirmed commands of a board
//! (so closing the tab while offline loses nothing) and the display name.

use super::BoardClient;
#[cfg(feature = "hydrate")]
use leptos::prelude::*;
use stormwall_core::Command;
use uuid::Uuid;

impl BoardClient {
    /// Keeps the engine's unconfirmed commands; the next visit to the board sends them again
    /// (same ids, so a command that did reach the server is not executed twice).
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    pub(super) fn persist(&self, queue: &[(Uuid, Command)]) {
        #[cfg(feature = "hydrate")]
        {
            let Some(storage) = window().local_storage().ok().flatten() else {
                return;
            };
            let key = self.queue_key();
            if queue.is_empty() {
                let _ = storage.remove_item(&key);
            } else if let Ok(json) = serde_json::to_string(queue) {
                let _ = storage.set_item(&key, &json);
            }
        }
    }

    /// Commands a previous visit left unconfirmed, handed to the engine (once per page).
    #[cfg(feature = "hydrate")]
    pub(super) fn restore_queue(&self) {
        if self.restored.get_value() {
            return;
        }
        self.restored.set_value(true);
        let queue = window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(&self.queue_key()).ok().flatten())
            .and_then(|json| serde_json::from_str::<Vec<(Uuid, Command)>>(&json).ok())
            .unwrap_or_default();
        if !queue.is_empty() {
            let effects = self.engine.try_update_value(|e| e.restore(queue));
            self.run(effects.unwrap_or_default());
        }
    }

    #[cfg(feature = "hydrate")]
    fn queue_key(&self) -> String {
        format!("stormwall.queue.{}", self.board_id)
    }
}

/// Key of the display name in the browser's local storage.
#[cfg(feature = "hydrate")]
const NAME_KEY: &str = "stormwall.name";

/// This browser's display name, or a fresh "Guest 1234" (remembered for next time).
#[cfg(feature = "hydrate")]
pub fn stored_name() -> String {
    let storage = window().local_storage().ok().flatten();
    if let Some(name) = storage
        .as_ref()
        .and_then(|s| s.get_item(NAME_KEY).ok().flatten())
    {
        if !name.trim().is_empty() {
            return name;
        }
    }
    let name = format!("Guest {}", (js_sys::Math::random() * 9000.0) as u32 + 1000);
    store_name(&name);
    name
}

#[cfg(feature = "hydrate")]
pub fn store_name(name: &str) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(NAME_KEY, name);
    }
}
