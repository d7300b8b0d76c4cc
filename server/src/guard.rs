//! The front door, in front of every route: which host names the server answers to (DNS
//! rebinding), which pages may change state or open a WebSocket (cross-site requests), how big
//! a request body may be, and the security headers on every response.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use stormwall_core::limits::MAX_BOARD_FILE_BYTES;
use stormwall_core::ErrorCode;
use thiserror::Error;

/// Largest body of any other request: a title, a form, a definition.
pub const MAX_SMALL_BODY_BYTES: usize = 64 * 1024;

/// Paths that take a whole board file (the import endpoint and its server function).
const IMPORT_PATHS: [&str; 2] = ["/api/boards/import", "/api/import_board"];

#[derive(Debug, Error)]
pub enum GuardError {
    #[error(
        "--public-url {0:?} is not a URL people can open: give the scheme and host, \
         e.g. https://storm.example.com or http://10.0.0.5:3000"
    )]
    BadPublicUrl(String),
}

/// A request refused at the door; each variant is one HTTP outcome with a clear message.
#[derive(Debug, Error)]
enum Refusal {
    #[error(
        "this Stormwall server does not answer to the name {0:?}; its operator can allow it \
         with --public-url (see docs/security.md)"
    )]
    UnknownHost(String),
    #[error("the request names no host")]
    NoHost,
    #[error(
        "requests that change a board must come from this server's own pages; \
         {0} was refused (see docs/security.md)"
    )]
    CrossSite(String),
    #[error("the body is {size} bytes; at most {limit} bytes are accepted here")]
    TooLarge { size: u64, limit: usize },
    #[error("send the body with a Content-Length header")]
    LengthRequired,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Refusal::UnknownHost(_) => (StatusCode::MISDIRECTED_REQUEST, ErrorCode::UnknownHost),
            Refusal::NoHost => (StatusCode::BAD_REQUEST, ErrorCode::NoHost),
            Refusal::CrossSite(_) => (StatusCode::FORBIDDEN, ErrorCode::CrossSite),
            Refusal::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::TooLarge),
            Refusal::LengthRequired => (StatusCode::LENGTH_REQUIRED, ErrorCode::LengthRequired),
        };
        tracing::debug!(%status, reason = %self, "request refused at the door");
        let body = serde_json::json!({ "code": code, "message": self.to_string() });
        (status, axum::Json(body)).into_response()
    }
}

/// Who the server is: the host names it answers to and the origins its pages come from.
#[derive(Clone, Debug)]
pub struct Guard {
    /// `Host` values, lower case, as browsers send them (the port only when not the default).
    hosts: HashSet<String>,
    /// `Origin` values of the configured public URLs and of the loopback names.
    origins: HashSet<String>,
}

/// A per-request nonce for the Content-Security-Policy; Leptos puts it on its inline scripts.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl Guard {
    /// The listen address and the loopback names (`localhost`, 127.0.0.1, [::1]) on its port,
    /// plus every `--public-url`.
    pub fn new(public_urls: &[String], listen: SocketAddr) -> Result<Self, GuardError> {
        let mut guard = Self {
            hosts: HashSet::new(),
            origins: HashSet::new(),
        };
        let port = listen.port();
        let mut local = vec![
            "localhost".to_owned(),
            Ipv4Addr::LOCALHOST.to_string(),
            format!("[{}]", Ipv6Addr::LOCALHOST),
        ];
        if !listen.ip().is_unspecified() {
            local.push(host_of(listen.ip()));
        }
        for host in local {
            guard.allow("http", &host, Some(port));
        }
        for url in public_urls
            .iter()
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
        {
            let (scheme, host, port) =
                parse_url(url).ok_or_else(|| GuardError::BadPublicUrl(url.to_owned()))?;
            guard.allow(scheme, &host, port);
        }
        Ok(guard)
    }

    fn allow(&mut self, scheme: &str, host: &str, port: Option<u16>) {
        let default = if scheme == "https" { 443 } else { 80 };
        let host = host.to_ascii_lowercase();
        match port {
            Some(p) if p != default => {
                self.hosts.insert(format!("{host}:{p}"));
                self.origins.insert(format!("{scheme}://{host}:{p}"));
            }
            _ => {
                self.hosts.insert(host.clone());
                self.hosts.insert(format!("{host}:{default}"));
                self.origins.insert(format!("{scheme}://{host}"));
            }
        }
    }

    /// A host the server answers to: a configured name, or an IP address. A name is what DNS
    /// rebinding abuses (the attacker's name pointed at this server); a request for an IP
    /// address comes from a page of that very address, so it is not a rebinding.
    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.hosts.contains(&host) || is_ip_authority(&host)
    }

    /// Whether a state-changing request (or a WebSocket) comes from one of our own pages:
    /// its `Origin` is a configured origin, or the very host the request is for. Requests
    /// without `Origin` or `Sec-Fetch-Site` are not from a browser (tools, tests) and pass.
    fn same_site(&self, headers: &HeaderMap, host: &str) -> Result<(), Refusal> {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("").to_ascii_lowercase();
            let authority = origin.split_once("://").map(|(_, a)| a);
            if self.origins.contains(&origin) || authority == Some(&host.to_ascii_lowercase()) {
                return Ok(());
            }
            return Err(Refusal::CrossSite(format!(
                "a request from the page at {:?}",
                origin.chars().take(100).collect::<String>()
            )));
        }
        match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            None | Some("same-origin") | Some("none") => Ok(()),
            Some(other) => Err(Refusal::CrossSite(format!("a {other} request"))),
        }
    }
}

fn host_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// `host[:port]` where host is an IPv4 address or a bracketed IPv6 address.
fn is_ip_authority(authority: &str) -> bool {
    if let Ok(addr) = authority.parse::<SocketAddr>() {
        return !addr.ip().is_unspecified();
    }
    if let Some(inner) = authority
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
    {
        return inner.parse::<Ipv6Addr>().is_ok();
    }
    authority.parse::<Ipv4Addr>().is_ok()
}

/// `http(s)://host[:port][/...]` into its parts; `None` when it is not such a URL.
fn parse_url(url: &str) -> Option<(&'static str, String, Option<u16>)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => "http",
        "https" => "https",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, Some(p.parse::<u16>().ok()?)),
        _ => (authority, None),
    };
    let valid = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        v6.parse::<Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    };
    valid.then(|| (scheme, host.to_ascii_lowercase(), port))
}

fn body_limit(path: &str) -> usize {
    if IMPORT_PATHS.contains(&path) {
        MAX_BOARD_FILE_BYTES
    } else {
        MAX_SMALL_BODY_BYTES
    }
}

/// Methods that change state (and so must come from our pages and carry a bounded body).
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_websocket(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The policy for every response: scripts only from this server (and Leptos' inline
/// hydration script, which carries the nonce), WebAssembly compiled from them, nothing framed.
/// Inline styles stay allowed: the wall positions each sticky with a `style` attribute.
fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The middleware: refuses what is not for us, then adds the security headers.
pub async fn guard(State(guard): State<Arc<Guard>>, mut req: Request, next: Next) -> Response {
    if let Err(refusal) = check(&guard, &req) {
        return with_headers(refusal.into_response(), None);
    }
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    with_headers(next.run(req).await, Some(&nonce))
}

/// Liveness and readiness: asked by load balancers and orchestrators under whatever `Host`
/// they use (often an address the public URL does not name); they read nothing and change
/// nothing, so the host check does not apply to them.
pub const HEALTH: &str = "/healthz";
pub const READY: &str = "/readyz";

fn check(guard: &Guard, req: &Request<Body>) -> Result<(), Refusal> {
    let headers = req.headers();
    let path = req.uri().path();
    if req.method() == Method::GET && (path == HEALTH || path == READY) {
        return Ok(());
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .ok_or(Refusal::NoHost)?;
    if !guard.host_allowed(host) {
        return Err(Refusal::UnknownHost(host.chars().take(100).collect()));
    }
    let state_changing = changes_state(req.method());
    if state_changing || is_websocket(headers) {
        guard.same_site(headers, host)?;
    }
    if state_changing {
        let limit = body_limit(req.uri().path());
        match headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
        {
            Some(len) => {
                let size: u64 = len.parse().map_err(|_| Refusal::LengthRequired)?;
                if size > limit as u64 {
                    return Err(Refusal::TooLarge { size, limit });
                }
            }
            // A streamed body of unknown length could be any size; browsers always send one.
            None if headers.contains_key(header::TRANSFER_ENCODING) => {
                return Err(Refusal::LengthRequired)
            }
            None => {}
        }
    }
    Ok(())
}

fn with_headers(mut resp: Response, nonce: Option<&str>) -> Response {
    let h = resp.headers_mut();
    let csp = match nonce {
        Some(n) => content_security_policy(n),
        None => "default-src 'none'; frame-ancestors 'none'".to_owned(),
    };
    // A handler that serves a document other than the app (an SVG picture) sets a stricter
    // policy of its own; the app's would let that document run this server's scripts.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::from_str(&csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(urls: &[&str]) -> Guard {
        let urls: Vec<String> = urls.iter().map(|s| s.to_string()).collect();
        Guard::new(&urls, "127.0.0.1:3000".parse().unwrap()).unwrap()
    }

    #[test]
    fn hosts_are_the_listen_address_loopback_names_ip_addresses_and_public_urls() {
        let g = guard(&["https://Storm.Example.com", "http://wall.local:8080"]);
        for ok in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
            "storm.example.com",
            "storm.example.com:443",
            "wall.local:8080",
            "192.168.1.5:3000",
            "[fe80::1]:3000",
        ] {
            assert!(g.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example:3000",
            "localhost.evil.example:3000",
            "storm.example.com.evil:443",
            "wall.local",
            "0.0.0.0:3000",
            "",
        ] {
            assert!(!g.host_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn origins_must_be_ours_or_the_host_itself() {
        let g = guard(&["https://storm.example.com"]);
        let with_origin = |o: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
            h
        };
        assert!(g
            .same_site(&with_origin("http://127.0.0.1:3000"), "127.0.0.1:3000")
            .is_ok());
        assert!(g
            .same_site(
                &with_origin("https://storm.example.com"),
                "storm.example.com"
            )
            .is_ok());
        assert!(g
            .same_site(&with_origin("http://192.168.1.5:3000"), "192.168.1.5:3000")
            .is_ok());
        for (origin, host) in [
            ("http://evil.example", "127.0.0.1:3000"),
            ("null", "127.0.0.1:3000"),
            ("http://6.6.6.6", "192.168.1.5:3000"),
            ("https://storm.example.com.evil", "storm.example.com"),
        ] {
            assert!(g.same_site(&with_origin(origin), host).is_err(), "{origin}");
        }
        let mut cross = HeaderMap::new();
        cross.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(g.same_site(&cross, "127.0.0.1:3000").is_err());
        assert!(g.same_site(&HeaderMap::new(), "127.0.0.1:3000").is_ok());
    }

    #[test]
    fn public_urls_are_checked() {
        for bad in [
            "storm.example.com",
            "ftp://x",
            "http://",
            "http://a b",
            "http://u@x",
        ] {
            let urls = vec![bad.to_owned()];
            assert!(
                Guard::new(&urls, "127.0.0.1:3000".parse().unwrap()).is_err(),
                "{bad}"
            );
        }
        assert_eq!(
            parse_url("https://[::1]:8443/board"),
            Some(("https", "[::1]".into(), Some(8443)))
        );
    }
}
