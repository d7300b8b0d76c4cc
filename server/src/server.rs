//! Wires the store, the registry, the API, the WebSocket and the Leptos pages into one server.

use crate::config::Config;
use crate::export;
use crate::guard::{CspNonce, Guard};
use crate::http;
use crate::http::ApiError;
use crate::registry::Registry;
use crate::store::{EventStore, StoreError};
use crate::ws;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use stormwall_app::api::{Backend, BoxFuture, Failure, SharedBackend};
use stormwall_app::{shell, App};
use stormwall_core::limits::MAX_BOARD_FILE_BYTES;
use stormwall_core::protocol::{Created, LoggedEvent, Opened};
use stormwall_core::BoardId;
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[derive(Debug, Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    PublicUrl(#[from] crate::guard::GuardError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

#[derive(Clone)]
struct AppState {
    registry: Registry,
    leptos: LeptosOptions,
}

impl FromRef<AppState> for Registry {
    fn from_ref(state: &AppState) -> Self {
        state.registry.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// The UI's view of the server (see `stormwall_app::api::Backend`).
struct AppBackend(Registry);

/// An API error as the UI sees it: the request's fault, or the server's (logged there).
fn failure(e: ApiError) -> Failure {
    let message = e.to_string();
    let status = e.into_response().status();
    if status.is_server_error() {
        Failure::Unavailable(message)
    } else if status == axum::http::StatusCode::FORBIDDEN {
        Failure::Denied(stormwall_app::api::DENIED.into())
    } else {
        Failure::BadRequest(message)
    }
}

impl Backend for AppBackend {
    fn create_board(&self, title: String) -> BoxFuture<'_, Result<Created, Failure>> {
        Box::pin(async move { self.0.create(title).await.map_err(|e| failure(e.into())) })
    }

    fn open_board(&self, id: BoardId, key: String) -> BoxFuture<'_, Result<Opened, Failure>> {
        Box::pin(async move {
            let opened = async {
                let (handle, granted) = self.0.access(id, &key).await?;
                let summary = http::summary(&self.0, handle.id()).await?;
                Ok::<_, ApiError>(Opened {
                    summary,
                    role: granted.role,
                })
            };
            opened.await.map_err(failure)
        })
    }

    fn import(&self, file: String) -> BoxFuture<'_, Result<Created, Failure>> {
        Box::pin(async move {
            export::import_file(&self.0, file.into())
                .await
                .map_err(failure)
        })
    }

    fn history(
        &self,
        id: BoardId,
        key: String,
        from: u64,
        to: u64,
    ) -> BoxFuture<'_, Result<Vec<LoggedEvent>, Failure>> {
        Box::pin(async move {
            let events = async {
                self.0.access(id, &key).await?;
                let to = to.min(from.saturating_add(http::MAX_EVENTS_PER_REQUEST - 1));
                Ok::<_, ApiError>(self.0.store().load_range(id, from, to).await?)
            };
            events.await.map_err(failure)
        })
    }
}

fn leptos_options(config: &Config, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("stormwall")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(match std::env::var("LEPTOS_ENV").as_deref() {
            Ok("DEV") => leptos::config::Env::DEV,
            _ => leptos::config::Env::PROD,
        })
        .build()
}

/// What every server-rendered page gets in its context: the backend for the server
/// functions, and the request's CSP nonce for Leptos' inline scripts (the `guard` middleware
/// sends the same nonce in the Content-Security-Policy header).
fn page_context(backend: SharedBackend) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(backend.clone());
        let nonce = use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
        if let Some(CspNonce(nonce)) = nonce {
            provide_context(Nonce::from_value(nonce));
        }
    }
}

pub use crate::guard::{HEALTH, READY};

/// The whole HTTP surface: API, WebSocket, pages, static files, behind the `guard`.
pub fn router(registry: Registry, leptos: LeptosOptions, guard: Guard) -> Router {
    let backend: SharedBackend = Arc::new(AppBackend(registry.clone()));
    let context = page_context(backend);
    let routes = generate_route_list(App);
    let state = AppState {
        registry,
        leptos: leptos.clone(),
    };
    Router::new()
        .route("/api/boards", post(http::create_board))
        .route("/api/stats", get(http::stats))
        .route(HEALTH, get(http::healthz))
        .route(READY, get(http::readyz))
        .route("/api/boards/{id}", get(http::get_board))
        .route("/api/boards/{id}/events", get(http::board_events))
        .route("/api/boards/import", post(export::import_handler))
        .route(
            "/api/boards/{id}/export/glossary",
            get(export::glossary_handler),
        )
        .route("/api/boards/{id}/export/rust", get(export::rust_handler))
        .route(
            "/api/boards/{id}/export/rust/preview",
            get(export::rust_preview),
        )
        .route("/api/boards/{id}/export/json", get(export::json_handler))
        .route("/api/boards/{id}/export/svg", get(export::svg_handler))
        .route("/ws/boards/{id}", get(ws::upgrade))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .with_state(state)
        // Bodies up to a board file for every extractor (server functions included); the
        // guard holds each path to its own limit by Content-Length before anything is read.
        .layer(DefaultBodyLimit::max(MAX_BOARD_FILE_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(guard),
            crate::guard::guard,
        ))
}

/// A server that is listening. Dropping it does not stop it; call [`RunningServer::stop`].
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    registry: Registry,
}

impl RunningServer {
    /// Opens the database, binds the address and starts serving.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        let store = EventStore::open_with(&config.database, config.synchronous).await?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
        let guard = Guard::new(&config.public_url, addr)?;
        let registry = Registry::new(store, config.settings());
        let app = router(registry.clone(), leptos_options(&config, addr), guard);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // Small frames (an event, then its ack) must not wait for Nagle's algorithm and
            // the peer's delayed ACK: that costs ~40 ms per message.
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            // Each connection's address, for the per-address connection cap.
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
        });
        Ok(Self {
            addr,
            stop,
            task,
            registry,
        })
    }

    /// The boards and the store it serves (tests look through it).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Stops accepting, closes every session, closes the database (releasing its lock).
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.registry.stop().await;
        // Open WebSockets would hold a graceful shutdown forever; clients reconnect on their own.
        self.task.abort();
        let _ = self.task.await;
        self.registry.store().close().await;
    }

    /// Serves until `signal` resolves, then stops as `stop` does: readiness turns to 503,
    /// every WebSocket is closed with 1001 "going away" (browsers reconnect, to another
    /// instance behind the same address if there is one, and resend what was not
    /// acknowledged), boards leave their snapshots, the database closes.
    pub async fn serve_until(
        mut self,
        signal: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        tokio::select! {
            result = &mut self.task => match result {
                Ok(result) => result,
                Err(e) => Err(std::io::Error::other(e)),
            },
            () = signal => {
                tracing::info!("shutting down");
                self.stop().await;
                Ok(())
            }
        }
    }
}
