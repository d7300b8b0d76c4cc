//! What the server's tests and `stormwall-load` share: a typed WebSocket client
//! ([`Client`]), command builders ([`commands`]), HTTP helpers ([`http`]), the links of the
//! boards made through it ([`links`]) and the server binary started on a throwaway database
//! ([`process`]). Nothing here depends on the server crate, so that the server's tests can
//! depend on it.

pub mod client;
pub mod commands;
pub mod http;
pub mod links;
pub mod process;

pub use client::{hello_frame, Client, Error};
pub use links::key;
pub use process::{ServerProcess, TempDb};
