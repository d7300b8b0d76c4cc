//! `stormwall export ...` and `stormwall import FILE`: the exports a build pipeline needs,
//! against the same database the server uses.

use crate::access::Keys;
use crate::config::{Cmd, Config, ExportCmd};
use crate::export;
use crate::registry::Registry;
use crate::store::{EventStore, StoreError};
use std::io::Read;
use stormwall_core::export::{json, rust};
use stormwall_core::{Board, BoardId};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0:?} is not a board id (a UUID, the last part of the board's URL)")]
    BadId(String),
    #[error("there is no board {0} in this database")]
    UnknownBoard(BoardId),
    #[error("{0}")]
    Export(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the board was not imported: {0}")]
    Import(String),
    #[error("{0} already exists: a backup goes to a new file")]
    Exists(String),
}

fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
    move |source| CliError::Io {
        path: path.display().to_string(),
        source,
    }
}

async fn read_board(config: &Config, id: &str) -> Result<Board, CliError> {
    let board_id: BoardId = id.parse().map_err(|_| CliError::BadId(id.into()))?;
    let store = EventStore::open_read_only(&config.database).await?;
    let opened = store.open_board(board_id).await?;
    store.close().await;
    Ok(opened.ok_or(CliError::UnknownBoard(board_id))?.board)
}

/// Runs a command; returns what to print on standard output.
pub async fn run(config: &Config, cmd: &Cmd) -> Result<String, CliError> {
    match cmd {
        Cmd::Export { what } => match what {
            ExportCmd::Glossary { board, format } => {
                let board = read_board(config, board).await?;
                let (_, _, text) = export::glossary_file(&board, format)
                    .map_err(|e| CliError::Export(e.to_string()))?;
                Ok(text)
            }
            ExportCmd::Json { board } => {
                Ok(json::to_string(&read_board(config, board).await?) + "\n")
            }
            ExportCmd::Svg { board, frame } => {
                let board = read_board(config, board).await?;
                let scope = export::picture_scope(frame.clone());
                let (_, text) = export::svg_file(&board, &scope)
                    .map_err(|e| CliError::Export(e.to_string()))?;
                Ok(text)
            }
            ExportCmd::Rust { board, out } => {
                let generated = rust::generate(&read_board(config, board).await?);
                for f in &generated.files {
                    let path = out.join(&f.path);
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir).map_err(io(dir))?;
                    }
                    std::fs::write(&path, &f.contents).map_err(io(&path))?;
                }
                let mut report = format!(
                    "wrote crate {} ({} files) to {}\n",
                    generated.name,
                    generated.files.len(),
                    out.display()
                );
                for w in &generated.warnings {
                    report.push_str(&format!("warning: {w}\n"));
                }
                Ok(report)
            }
        },
        Cmd::Boards => {
            let store = EventStore::open_read_only(&config.database).await?;
            let boards = store.list_boards().await;
            store.close().await;
            let mut out = String::new();
            for b in boards? {
                out.push_str(&format!("{}  {}  {}\n", b.id, b.created_at, b.title));
            }
            Ok(out)
        }
        Cmd::Links { board } => {
            let board_id: BoardId = board.parse().map_err(|_| CliError::BadId(board.clone()))?;
            let store = EventStore::open_admin(&config.database).await?;
            let outcome = async {
                store
                    .board_summary(board_id)
                    .await?
                    .ok_or(CliError::UnknownBoard(board_id))?;
                let keys = Keys::fresh();
                store.save_links(board_id, &keys.rows()).await?;
                Ok::<_, CliError>(keys)
            }
            .await;
            store.close().await;
            let keys = outcome?;
            let base = config
                .public_url
                .first()
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| format!("http://{}", config.addr));
            let mut out = String::new();
            for link in keys.links() {
                out.push_str(&format!(
                    "{:<12} {base}{}\n",
                    link.role.name(),
                    stormwall_app::api::board_link(board_id, &link.key)
                ));
            }
            Ok(out)
        }
        Cmd::Backup { out } => {
            if !config.database.starts_with("sqlite:") {
                return Err(StoreError::NotSqlite.into());
            }
            if out.exists() {
                return Err(CliError::Exists(out.display().to_string()));
            }
            let store = EventStore::open_read_only(&config.database).await?;
            let done = store.backup(out).await;
            store.close().await;
            done?;
            let bytes = std::fs::metadata(out).map_err(io(out))?.len();
            Ok(format!("wrote {} ({bytes} bytes)\n", out.display()))
        }
        Cmd::Import { file } => {
            let mut text = String::new();
            if file.as_os_str() == "-" {
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(io(file))?;
            } else {
                text = std::fs::read_to_string(file).map_err(io(file))?;
            }
            let parsed = json::parse(&text).map_err(|e| CliError::Import(e.to_string()))?;
            let store = EventStore::open(&config.database).await?;
            let registry = Registry::new(store.clone(), config.settings());
            let outcome = registry.import(parsed).await;
            registry.stop().await;
            store.close().await;
            let created = outcome.map_err(|e| CliError::Import(e.to_string()))?;
            let mut out = format!("{}\n", created.id);
            for link in &created.links {
                out.push_str(&format!(
                    "{:<12} {}\n",
                    link.role.name(),
                    stormwall_app::api::board_link(created.id, &link.key)
                ));
            }
            Ok(out)
        }
    }
}
