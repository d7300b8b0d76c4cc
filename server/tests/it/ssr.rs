//! Server-side rendering must never panic (a panic after the response has started is an empty
//! page for the user). Its own test binary: it installs a process-wide panic hook.

use crate::common::TestDb;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use stormwall_testkit::http::{get, new_board};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rendering_pages_never_panics() {
    let panics = Arc::new(AtomicUsize::new(0));
    let seen = panics.clone();
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        seen.fetch_add(1, Ordering::SeqCst);
        default(info);
    }));

    let db = TestDb::new();
    let server = db.start().await;
    let id = new_board(server.addr, "Rendering").await;
    let base = format!("http://{}", server.addr);
    // Many requests at once, so rendering and clean-up land on different worker threads.
    let mut requests = Vec::new();
    for i in 0..40 {
        let url = match i % 3 {
            0 => format!("{base}/b/{id}"),
            1 => format!("{base}/"),
            _ => format!("{base}/b/00000000-0000-4000-8000-000000000000"),
        };
        requests.push(tokio::spawn(async move {
            let resp = get(url).await.unwrap();
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap();
            (status, body.len())
        }));
    }
    for r in requests {
        let (status, len) = r.await.unwrap();
        assert!(status == 200 || status == 404);
        assert!(len > 500, "a whole page, not an empty response");
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    server.stop().await;
    assert_eq!(
        panics.load(Ordering::SeqCst),
        0,
        "rendering panicked (see stderr)"
    );
}
