//! What the server's tests and `stormwall-load` share: a typed WebSocket client
//! ([`Client`]), command builders ([`commands`]), HTTP helpers ([`http`]) and the server
//! binary started on a throwaway database ([`process`]). Nothing here depends on the server
//! crate, so that the server's tests can depend on it.

pub mod client;
pub mod commands;
pub mod http;
pub mod process;

pub use client::{Client, Error};
pub use process::{ServerProcess, TempDb};
