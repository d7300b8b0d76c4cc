use clap::Parser;
use stormwall::{Config, RunningServer};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        // Standard output is for what a command prints (an export, an imported board's id).
        .with_writer(std::io::stderr)
        .init();
    let config = Config::parse();
    if let Some(cmd) = &config.command {
        match stormwall::cli::run(&config, cmd).await {
            Ok(out) => {
                print!("{out}");
                return;
            }
            Err(e) => {
                eprintln!("stormwall: {e}");
                std::process::exit(1);
            }
        }
    }
    let server = match RunningServer::start(config.clone()).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("stormwall: {e}");
            std::process::exit(1);
        }
    };
    // Tests and scripts read this line to find the port when --addr ends in :0.
    println!("stormwall listening on http://{}", server.addr);
    let database = stormwall::store::redacted(&config.database);
    tracing::info!(%database, "serving");
    if let Err(e) = server.serve_until(shutdown_signal()).await {
        eprintln!("stormwall: server failed: {e}");
        std::process::exit(1);
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
