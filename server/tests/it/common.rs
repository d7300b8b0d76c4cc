//! What the tests need of the server crate itself: a real server in-process on port 0 with a
//! throwaway SQLite file. The clients, commands and HTTP helpers are the test kit's
//! (`stormwall-testkit`), shared with the load tool.

use std::ops::Deref;
use stormwall::{Config, RunningServer};
use stormwall_testkit::TempDb;

/// The kit's throwaway database, with a server started on it.
pub struct TestDb(TempDb);

impl TestDb {
    pub fn new() -> Self {
        Self(TempDb::new())
    }

    pub async fn start(&self) -> RunningServer {
        self.start_with(|_| {}).await
    }

    /// Starts a server with some settings changed from the test defaults.
    pub async fn start_with(&self, change: impl FnOnce(&mut Config)) -> RunningServer {
        let mut config = Config::for_database(self.url());
        change(&mut config);
        RunningServer::start(config).await.expect("server starts")
    }
}

impl From<TempDb> for TestDb {
    fn from(db: TempDb) -> Self {
        Self(db)
    }
}

/// False (and a note on stderr) on PostgreSQL, for the tests of SQLite's file itself.
pub fn sqlite_only(db: &TempDb, what: &str) -> bool {
    if db.is_postgres() {
        eprintln!("skipped on PostgreSQL: this test is about {what}");
    }
    !db.is_postgres()
}

/// Its folder, path and URL are the kit's.
impl Deref for TestDb {
    type Target = TempDb;

    fn deref(&self) -> &TempDb {
        &self.0
    }
}
