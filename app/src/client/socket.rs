//! The WebSocket under a [`BoardClient`]: open, hello, reconnect with backoff and jitter,
//! close. What travels on it is the engine's business.

use super::BoardClient;
use leptos::prelude::*;
use std::collections::HashMap;
use stormwall_core::protocol::ClientMsg;
use uuid::Uuid;

thread_local! {
    /// Open sockets by client instance. A WebSocket is a browser object that must never leave
    /// its thread, so it lives here rather than in the (thread-safe) reactive arena; on the
    /// server the map simply stays empty.
    static SOCKETS: std::cell::RefCell<HashMap<u64, web_sys::WebSocket>> =
        std::cell::RefCell::new(HashMap::new());
}

static NEXT_INSTANCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub(super) fn next_instance() -> u64 {
    NEXT_INSTANCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl BoardClient {
    fn with_socket<R>(&self, f: impl FnOnce(Option<&web_sys::WebSocket>) -> R) -> R {
        SOCKETS.with(|s| f(s.borrow().get(&self.instance)))
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn set_socket(&self, ws: Option<web_sys::WebSocket>) {
        SOCKETS.with(|s| match ws {
            Some(ws) => s.borrow_mut().insert(self.instance, ws),
            None => s.borrow_mut().remove(&self.instance),
        });
    }

    /// Writes one message on the open socket; false when there is none.
    pub(super) fn send_now(&self, msg: &ClientMsg) -> bool {
        let text = serde_json::to_string(msg).expect("client messages always serialise");
        self.with_socket(|ws| {
            ws.filter(|ws| ws.ready_state() == web_sys::WebSocket::OPEN)
                .is_some_and(|ws| ws.send_with_str(&text).is_ok())
        })
    }

    /// Stops for good (the page is being left).
    pub fn close(&self) {
        self.closed.set_value(true);
        self.with_socket(|ws| {
            if let Some(ws) = ws {
                let _ = ws.close();
            }
        });
        self.set_socket(None);
    }

    /// Drops the connection; it comes back by itself (used after a name change, or a gap).
    pub fn reconnect_now(&self) {
        // Not live from this moment: nothing may be sent into the closing socket.
        self.engine.update_value(|e| e.disconnected());
        self.sync_signals();
        self.with_socket(|ws| {
            if let Some(ws) = ws {
                let _ = ws.close();
            }
        });
    }

    /// Opens the socket (browser only). Reconnects on close with exponential backoff and jitter.
    #[cfg(feature = "hydrate")]
    pub fn connect(self) {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        if self.closed.try_get_value() != Some(false) {
            return;
        }
        self.restore_queue();
        let location = window().location();
        let scheme = if location.protocol().unwrap_or_default() == "https:" {
            "wss:"
        } else {
            "ws:"
        };
        let host = location.host().unwrap_or_default();
        let name = String::from(js_sys::encode_uri_component(&self.name.get_untracked()));
        // After a drop, ask for just the events missed since the last one applied.
        let since = match self.engine.with_value(|e| e.can_resume().then(|| e.seq())) {
            Some(seq) => format!("&since={seq}"),
            None => String::new(),
        };
        let url = format!(
            "{scheme}//{host}/ws/boards/{}?name={name}{since}",
            self.board_id
        );
        let ws = match web_sys::WebSocket::new(&url) {
            Ok(ws) => ws,
            Err(_) => return self.schedule_reconnect(),
        };
        let onmessage =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let Some(text) = ev.data().as_string() else {
                    return;
                };
                match serde_json::from_str(&text) {
                    Ok(msg) => self.handle(msg),
                    Err(e) => leptos::logging::warn!("unreadable server message: {e}"),
                }
            });
        ws.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        // The handlers live as long as the socket; one pair per connection is a few bytes.
        onmessage.forget();
        let opened = ws.clone();
        let onopen = Closure::<dyn FnMut()>::new(move || {
            let _ = opened.send_with_str(&self.hello());
        });
        ws.set_onopen(Some(onopen.as_ref().unchecked_ref()));
        onopen.forget();
        let this_socket = ws.clone();
        let onclose =
            Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |e: web_sys::CloseEvent| {
                let current = self.with_socket(|s| s == Some(&this_socket));
                if current {
                    self.set_socket(None);
                    self.engine.update_value(|e| e.disconnected());
                    // The refusal normally came as an error just before; the code is the backstop.
                    if let Some(refusal) = super::Refusal::from_close(e.code()) {
                        return self.refuse(refusal);
                    }
                    self.schedule_reconnect();
                }
            });
        ws.set_onclose(Some(onclose.as_ref().unchecked_ref()));
        onclose.forget();
        self.set_socket(Some(ws));
    }

    #[cfg(feature = "hydrate")]
    fn schedule_reconnect(self) {
        if self.closed.try_get_value() != Some(false) {
            return;
        }
        self.sync_signals();
        self.status.set(super::ConnStatus::Reconnecting);
        let attempt = self.attempts.get_value();
        self.attempts.set_value(attempt.saturating_add(1));
        let base = 250u64.saturating_mul(1 << attempt.min(6)).min(10_000);
        let jitter = (js_sys::Math::random() * base as f64 * 0.5) as u64;
        set_timeout(
            move || self.connect(),
            std::time::Duration::from_millis(base + jitter),
        );
    }
}

/// A version 4 UUID from the browser's CSPRNG (the core never makes ids itself).
pub fn random_uuid() -> Uuid {
    let mut bytes = [0u8; 16];
    let crypto = window().crypto().expect("this browser has no Web Crypto");
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .expect("getRandomValues failed");
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}
