//! Two real proxies on 127.0.0.1 for tests that prove every request of the app goes through the proxy it
//! was given: a forward HTTP proxy (absolute-form requests and `CONNECT`) and a SOCKS5 proxy that resolves
//! names itself, as `socks5h://` asks. Each records what it was asked for, serves each connection on a
//! thread of its own and stops when dropped. Every socket has a timeout and every request head a size cap,
//! so a broken test fails instead of hanging.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(20);
const MAX_HEAD: u64 = 64 * 1024;

/// A forward HTTP proxy. Absolute-form requests are sent on in origin form, one per connection
/// (`Connection: close` both ways); `CONNECT` opens a tunnel.
pub struct HttpProxy {
    listening: Listening,
    requests: Arc<Mutex<Vec<String>>>,
}

impl HttpProxy {
    pub fn start() -> HttpProxy {
        let requests = Arc::<Mutex<Vec<String>>>::default();
        let recorded = requests.clone();
        let listening = Listening::start(move |client| {
            let _ = serve_http(client, &recorded);
        });
        HttpProxy { listening, requests }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.listening.addr)
    }

    /// Every request received, in order: `GET http://127.0.0.1:1234/feed.xml` or `CONNECT host:port`,
    /// the port always written out.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// A SOCKS5 proxy (RFC 1928): no authentication, `CONNECT` only. Domain names are resolved here, from the
/// hosts given to [`Socks5Proxy::with_host`] first, so a name only the proxy knows proves the client did
/// not resolve it.
pub struct Socks5Proxy {
    listening: Listening,
    hosts: Arc<Mutex<HashMap<String, IpAddr>>>,
    requests: Arc<Mutex<Vec<Socks5Request>>>,
}

/// One request as the client addressed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socks5Request {
    /// `"ipv4"`, `"domain"` or `"ipv6"`.
    pub address_type: &'static str,
    /// An IPv6 address is written without brackets.
    pub host: String,
    pub port: u16,
}

impl Socks5Proxy {
    pub fn start() -> Socks5Proxy {
        let hosts = Arc::<Mutex<HashMap<String, IpAddr>>>::default();
        let requests = Arc::<Mutex<Vec<Socks5Request>>>::default();
        let (known, recorded) = (hosts.clone(), requests.clone());
        let listening = Listening::start(move |client| {
            let _ = serve_socks5(client, &known, &recorded);
        });
        Socks5Proxy { listening, hosts, requests }
    }

    /// Resolves `name` to `ip` without asking DNS: a made-up name such as `feeds.invalid` only the proxy knows.
    pub fn with_host(self, name: &str, ip: IpAddr) -> Socks5Proxy {
        self.hosts.lock().unwrap().insert(name.to_ascii_lowercase(), ip);
        self
    }

    /// `socks5h://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("socks5h://{}", self.listening.addr)
    }

    /// Every request whose address the proxy could read, in order.
    pub fn requests(&self) -> Vec<Socks5Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// A listener on 127.0.0.1 that hands each connection, with timeouts set, to `serve` on a thread of its
/// own until dropped.
struct Listening {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Listening {
    fn start(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> Listening {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let listening = Listening { addr, stop: Arc::default() };
        let (stop, serve) = (listening.stop.clone(), Arc::new(serve));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let serve = serve.clone();
                thread::spawn(move || {
                    if bounded(&stream).is_ok() {
                        serve(stream);
                    }
                });
            }
        });
        listening
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

/// Headers that belong to one connection and are not sent on (RFC 9110, section 7.6.1).
const HOP_BY_HOP: &[&str] =
    &["connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate"];

/// A request or response head: its first line and its header lines, without line ends.
struct Head {
    start: String,
    headers: Vec<String>,
}

/// Where a client asked the HTTP proxy to go. `path` is `None` for `CONNECT`.
struct Target {
    method: String,
    version: String,
    /// As written in the request: an IPv6 address keeps its brackets.
    host: String,
    port: u16,
    path: Option<String>,
}

impl Target {
    fn parse(request_line: &str) -> Option<Target> {
        let mut parts = request_line.split(' ');
        let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let (authority, path, default_port) = if method.eq_ignore_ascii_case("CONNECT") {
            (target, None, None)
        } else {
            let scheme = target.get(..7).filter(|scheme| scheme.eq_ignore_ascii_case("http://"))?;
            let rest = &target[scheme.len()..];
            let (authority, path) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
            let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
            (authority, Some(path), Some(80))
        };
        let (host, port) = split_authority(authority, default_port)?;
        Some(Target { method: method.into(), version: version.into(), host, port, path })
    }

    fn record(&self) -> String {
        match &self.path {
            Some(path) => format!("{} http://{}:{}{path}", self.method, self.host, self.port),
            None => format!("{} {}:{}", self.method, self.host, self.port),
        }
    }
}

/// `host[:port]` (userinfo dropped, IPv6 in brackets) as host and port.
fn split_authority(authority: &str, default_port: Option<u16>) -> Option<(String, u16)> {
    let authority = authority.rsplit_once('@').map_or(authority, |(_, hostport)| hostport);
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            let port = if after.is_empty() { None } else { Some(after.strip_prefix(':')?) };
            (format!("[{inside}]"), port)
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), Some(port)),
            None => (authority.to_owned(), None),
        },
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => default_port?,
    };
    (!host.is_empty()).then_some((host, port))
}

fn serve_http(client: TcpStream, requests: &Mutex<Vec<String>>) -> io::Result<()> {
    let mut from_client = BufReader::new(client.try_clone()?);
    let parsed = read_head(&mut from_client).ok().and_then(|head| Some((Target::parse(&head.start)?, head)));
    let Some((target, head)) = parsed else {
        return answer(&client, "400 Bad Request");
    };
    requests.lock().unwrap().push(target.record());
    let host = target.host.trim_start_matches('[').trim_end_matches(']');
    let Ok(origin) = resolve(host, target.port).and_then(connect) else {
        return answer(&client, "502 Bad Gateway");
    };
    match &target.path {
        None => {
            (&client).write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
            tunnel(from_client, &client, origin)
        }
        Some(path) => relay(&target, path, head.headers, from_client, &client, origin),
    }
}

/// Sends one absolute-form request on to `origin` in origin form, and its response back.
fn relay(
    target: &Target,
    path: &str,
    headers: Vec<String>,
    from_client: BufReader<TcpStream>,
    client: &TcpStream,
    origin: TcpStream,
) -> io::Result<()> {
    // RFC 9112, section 3.2.2: the Host of an absolute-form request is its target's.
    let mut headers: Vec<String> = headers.into_iter().filter(|line| header_name(line) != "host").collect();
    headers.push(format!("Host: {}:{}", target.host, target.port));
    let request_line = format!("{} {path} {}", target.method, target.version);
    (&origin).write_all(closing(&request_line, &headers).as_bytes())?;
    // The body, if any, follows the head as it is.
    let upload = send_on(from_client, origin.try_clone()?);
    let mut from_origin = BufReader::new(origin);
    let response = match read_head(&mut from_origin) {
        Ok(response) => response,
        Err(_) => return answer(client, "502 Bad Gateway"),
    };
    (&*client).write_all(closing(&response.start, &response.headers).as_bytes())?;
    pipe(from_origin, client);
    let _ = upload.join();
    Ok(())
}

/// Reads a head up to its blank line, at most [`MAX_HEAD`] bytes; what follows stays in `reader`.
fn read_head(reader: &mut BufReader<TcpStream>) -> io::Result<Head> {
    let mut limited = reader.take(MAX_HEAD);
    let mut lines = Vec::new();
    loop {
        let mut line = Vec::new();
        limited.read_until(b'\n', &mut line)?;
        let Some(line) = line.strip_suffix(b"\n") else {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head cut short or too long"));
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        lines.push(String::from_utf8(line.to_vec()).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?);
    }
    let mut lines = lines.into_iter();
    let start = lines.next().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "empty head"))?;
    Ok(Head { start, headers: lines.collect() })
}

/// The head to send on: hop-by-hop headers, and those its `Connection` names, replaced by `Connection: close`.
fn closing(start: &str, headers: &[String]) -> String {
    let named: Vec<String> = headers
        .iter()
        .filter(|line| header_name(line) == "connection")
        .filter_map(|line| line.split_once(':'))
        .flat_map(|(_, value)| value.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    let mut head = format!("{start}\r\n");
    for line in headers {
        let name = header_name(line);
        if !HOP_BY_HOP.contains(&name.as_str()) && !named.contains(&name) {
            head.push_str(&format!("{line}\r\n"));
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    head
}

fn header_name(line: &str) -> String {
    line.split_once(':').map_or(line, |(name, _)| name).trim().to_ascii_lowercase()
}

/// An answer from the proxy itself, after which it sends nothing more.
fn answer(mut client: &TcpStream, status: &str) -> io::Result<()> {
    client.write_all(format!("HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").as_bytes())?;
    client.shutdown(Shutdown::Write)
}

// ---------------------------------------------------------------------------------------------------------
// SOCKS5

const NO_AUTHENTICATION: u8 = 0x00;
const NO_ACCEPTABLE_METHODS: u8 = 0xFF;
const CONNECT: u8 = 0x01;
const SUCCEEDED: u8 = 0x00;
const HOST_UNREACHABLE: u8 = 0x04;
const CONNECTION_REFUSED: u8 = 0x05;
const COMMAND_NOT_SUPPORTED: u8 = 0x07;
const ADDRESS_TYPE_NOT_SUPPORTED: u8 = 0x08;

fn serve_socks5(
    mut client: TcpStream,
    hosts: &Mutex<HashMap<String, IpAddr>>,
    requests: &Mutex<Vec<Socks5Request>>,
) -> io::Result<()> {
    let [version, method_count] = read_array(&mut client)?;
    let mut methods = vec![0; method_count.into()];
    client.read_exact(&mut methods)?;
    if version != 5 {
        return Ok(());
    }
    if !methods.contains(&NO_AUTHENTICATION) {
        return client.write_all(&[5, NO_ACCEPTABLE_METHODS]);
    }
    client.write_all(&[5, NO_AUTHENTICATION])?;

    let [version, command, _reserved, address_type] = read_array(&mut client)?;
    if version != 5 {
        return Ok(());
    }
    let (kind, host, ip) = match address_type {
        0x01 => {
            let ip = Ipv4Addr::from(read_array::<4>(&mut client)?);
            ("ipv4", ip.to_string(), Some(IpAddr::V4(ip)))
        }
        0x03 => {
            let [length] = read_array(&mut client)?;
            let mut name = vec![0; length.into()];
            client.read_exact(&mut name)?;
            ("domain", String::from_utf8_lossy(&name).into_owned(), None)
        }
        0x04 => {
            let ip = Ipv6Addr::from(read_array::<16>(&mut client)?);
            ("ipv6", ip.to_string(), Some(IpAddr::V6(ip)))
        }
        _ => return reply(&client, ADDRESS_TYPE_NOT_SUPPORTED, None),
    };
    let port = u16::from_be_bytes(read_array(&mut client)?);
    requests.lock().unwrap().push(Socks5Request { address_type: kind, host: host.clone(), port });
    if command != CONNECT {
        return reply(&client, COMMAND_NOT_SUPPORTED, None);
    }

    let known = ip.or_else(|| hosts.lock().unwrap().get(&host.to_ascii_lowercase()).copied());
    let addrs = match known {
        Some(ip) => Ok(vec![SocketAddr::new(ip, port)]),
        None => resolve(&host, port),
    };
    let upstream = match addrs.and_then(connect) {
        Ok(upstream) => upstream,
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => return reply(&client, CONNECTION_REFUSED, None),
        Err(_) => return reply(&client, HOST_UNREACHABLE, None),
    };
    reply(&client, SUCCEEDED, Some(upstream.local_addr()?))?;
    tunnel(client.try_clone()?, &client, upstream)
}

/// A reply with the address the proxy connected from; `0.0.0.0:0` when it did not connect.
fn reply(mut client: &TcpStream, code: u8, bound: Option<SocketAddr>) -> io::Result<()> {
    let bound = bound.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
    let mut message = vec![5, code, 0];
    match bound.ip() {
        IpAddr::V4(ip) => {
            message.push(0x01);
            message.extend(ip.octets());
        }
        IpAddr::V6(ip) => {
            message.push(0x04);
            message.extend(ip.octets());
        }
    }
    message.extend(bound.port().to_be_bytes());
    client.write_all(&message)
}

fn read_array<const N: usize>(stream: &mut TcpStream) -> io::Result<[u8; N]> {
    let mut bytes = [0; N];
    stream.read_exact(&mut bytes)?;
    Ok(bytes)
}

// ---------------------------------------------------------------------------------------------------------
// Both

fn bounded(stream: &TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))
}

fn resolve(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    Ok((host, port).to_socket_addrs()?.collect())
}

/// The first of `addrs` that accepts, with timeouts set; else the last failure.
fn connect(addrs: Vec<SocketAddr>) -> io::Result<TcpStream> {
    let mut failure = io::Error::new(io::ErrorKind::NotFound, "the name has no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, TIMEOUT) {
            Ok(stream) => {
                bounded(&stream)?;
                return Ok(stream);
            }
            Err(e) => failure = e,
        }
    }
    Err(failure)
}

/// Copies bytes both ways until each side has finished sending, passing each end of stream on.
fn tunnel(from_client: impl Read + Send + 'static, client: &TcpStream, upstream: TcpStream) -> io::Result<()> {
    let upload = send_on(from_client, upstream.try_clone()?);
    pipe(upstream, client);
    let _ = upload.join();
    Ok(())
}

/// Copies `from` into `to` on a thread of its own.
fn send_on(from: impl Read + Send + 'static, to: TcpStream) -> JoinHandle<()> {
    thread::spawn(move || pipe(from, &to))
}

/// Copies `from` into `to` until `from` ends (or fails, or times out), then ends `to`'s sending side.
fn pipe(mut from: impl Read, mut to: &TcpStream) {
    let _ = io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}
