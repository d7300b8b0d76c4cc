//! The server's integration tests, in one binary: each test binary links the whole server
//! (Leptos included), so one binary instead of six saves minutes of linking and gigabytes of disk.

mod common;

mod abuse;
mod access;
mod commit_failure;
mod crash;
mod exports;
mod history;
mod http;
mod instances;
mod live;
mod ops;
mod security;
mod ssr;
mod sync;
