//! Board links: who may do what on a board (see `stormwall_core::workshop::Role`).
//!
//! Each board has three links (facilitator, edit, view), each with its own key: 160 bits from
//! the operating system's random generator, shown once as 40 hex digits. The database holds
//! only a SHA-256 hash of each key, compared in constant time, and the lesser roles' keys
//! sealed under each role's key (a one-time pad from SHA-256 of the key and a fresh nonce), so
//! that a holder can be shown the links they may hand out and a copy of the database alone
//! opens nothing.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use stormwall_core::protocol::Link;
use stormwall_core::Role;

/// Bytes of randomness in a key.
const KEY_BYTES: usize = 20;

/// One role's stored row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRow {
    pub role: Role,
    /// SHA-256 of the key, hex.
    pub key_hash: String,
    /// The lesser roles' keys, sealed under this role's key: role name -> hex(nonce ‖ pad ⊕ key).
    pub sealed: String,
}

/// The three keys of a board, in clear: only ever in memory, on their way to the people.
#[derive(Clone, Debug)]
pub struct Keys(pub HashMap<Role, String>);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    bytes
}

/// A fresh key.
pub fn new_key() -> String {
    hex(&random::<KEY_BYTES>())
}

pub fn hash(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

/// Equal or not, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn pad(holder_key: &str, nonce: &[u8], role: Role, len: usize) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"stormwall link seal v1\0");
    h.update(holder_key.as_bytes());
    h.update(nonce);
    h.update(role.name().as_bytes());
    h.finalize().iter().copied().take(len).collect()
}

fn seal(holder_key: &str, role: Role, key: &str) -> Option<String> {
    let plain = unhex(key)?;
    let nonce = random::<16>();
    let pad = pad(holder_key, &nonce, role, plain.len());
    let cipher: Vec<u8> = plain.iter().zip(&pad).map(|(p, k)| p ^ k).collect();
    Some(hex(&nonce) + &hex(&cipher))
}

fn unseal(holder_key: &str, role: Role, sealed: &str) -> Option<String> {
    let bytes = unhex(sealed)?;
    let (nonce, cipher) = bytes.split_at_checked(16)?;
    let pad = pad(holder_key, nonce, role, cipher.len());
    Some(hex(&cipher
        .iter()
        .zip(&pad)
        .map(|(c, k)| c ^ k)
        .collect::<Vec<u8>>()))
}

impl Keys {
    /// Three fresh keys.
    pub fn fresh() -> Self {
        Keys(Role::ALL.into_iter().map(|r| (r, new_key())).collect())
    }

    /// The rows to store: hashes, and each role's view of the lesser keys (in role order, as
    /// the store reads them back).
    pub fn rows(&self) -> Vec<LinkRow> {
        let mut rows: Vec<LinkRow> = Role::ALL
            .into_iter()
            .filter_map(|holder| {
                let key = self.0.get(&holder)?;
                let sealed: HashMap<&str, String> = Role::ALL
                    .into_iter()
                    .filter(|r| *r < holder)
                    .filter_map(|r| Some((r.name(), seal(key, r, self.0.get(&r)?)?)))
                    .collect();
                Some(LinkRow {
                    role: holder,
                    key_hash: hash(key),
                    sealed: serde_json::to_string(&sealed).expect("a map of strings serialises"),
                })
            })
            .collect();
        rows.sort_by_key(|r| r.role);
        rows
    }

    /// The links, strongest first.
    pub fn links(&self) -> Vec<Link> {
        Role::ALL
            .into_iter()
            .filter_map(|role| {
                Some(Link {
                    role,
                    key: self.0.get(&role)?.clone(),
                })
            })
            .collect()
    }
}

/// What a key opens: its role, and the keys it may hand out (its own included).
#[derive(Clone, Debug)]
pub struct Granted {
    pub role: Role,
    pub keys: Keys,
}

/// Which of a board's links `key` is, if any. Every row is compared, whatever matches.
pub fn check(rows: &[LinkRow], key: &str) -> Option<Granted> {
    let presented = hash(key.trim());
    let mut found = None;
    for row in rows {
        if same(&row.key_hash, &presented) && found.is_none() {
            found = Some(row);
        }
    }
    let row = found?;
    let sealed: HashMap<String, String> = serde_json::from_str(&row.sealed).unwrap_or_default();
    let mut keys: HashMap<Role, String> = HashMap::from([(row.role, key.trim().to_owned())]);
    for (name, sealed) in sealed {
        let Some(role) = Role::parse(&name).filter(|r| *r < row.role) else {
            continue;
        };
        if let Some(k) = unseal(key.trim(), role, &sealed) {
            // A row that does not unseal to its role's stored hash is ignored, not trusted.
            if rows
                .iter()
                .any(|r| r.role == role && same(&r.key_hash, &hash(&k)))
            {
                keys.insert(role, k);
            }
        }
    }
    Some(Granted {
        role: row.role,
        keys: Keys(keys),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_opens_its_role_and_shows_the_lesser_links() {
        let keys = Keys::fresh();
        let rows = keys.rows();
        for (role, shown) in [(Role::Facilitator, 3), (Role::Edit, 2), (Role::View, 1)] {
            let granted = check(&rows, &keys.0[&role]).unwrap();
            assert_eq!(granted.role, role);
            assert_eq!(granted.keys.0.len(), shown, "{role:?}");
            for (r, k) in &granted.keys.0 {
                assert_eq!(k, &keys.0[r]);
            }
        }
        assert!(check(&rows, &new_key()).is_none());
        assert!(check(&rows, "").is_none());
        assert_eq!(keys.0[&Role::View].len(), 2 * KEY_BYTES);
    }

    #[test]
    fn the_rows_hold_no_key_in_clear() {
        let keys = Keys::fresh();
        for row in keys.rows() {
            for key in keys.0.values() {
                assert!(!row.key_hash.contains(key.as_str()) && !row.sealed.contains(key.as_str()));
            }
        }
    }
}
