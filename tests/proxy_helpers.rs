//! The test proxies in `common::proxy`, driven by hand over std sockets (ureq would need its `socks-proxy`
//! feature): before a test trusts a proxy to prove where the app's requests went, the proxy must relay,
//! tunnel, record and fail as a real one does.

mod common;

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use common::proxy::{HttpProxy, Socks5Proxy, Socks5Request};
use common::{Route, Server};

const FEED: &str = "<rss version=\"2.0\"><channel><title>Harbour news</title></channel></rss>";

fn feed_server() -> Server {
    let server = Server::start();
    server.route("/feed.xml", Route::feed(FEED, "application/rss+xml"));
    server
}

/// `host:port` of a `scheme://host:port` URL.
fn authority(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest).trim_end_matches('/')
}

fn connect(url: &str) -> TcpStream {
    let stream = TcpStream::connect(authority(url)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream
}

/// A port on 127.0.0.1 nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Sends `request` and reads until the other side closes.
fn exchange(mut stream: TcpStream, request: &str) -> String {
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Reads a response head, up to and with its blank line, and not a byte more.
fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0];
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

#[test]
fn http_proxy_sends_absolute_form_get_on_in_origin_form() {
    let server = feed_server();
    let proxy = HttpProxy::start();
    let target = server.url("/feed.xml");

    let request = format!("GET {target} HTTP/1.1\r\nHost: stale.example\r\nProxy-Connection: keep-alive\r\n\r\n");
    let response = exchange(connect(&proxy.url()), &request);

    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert_eq!(response.matches("Connection: close\r\n").count(), 1, "{response}");
    assert!(response.ends_with(FEED), "{response}");
    // The server counts paths from its request line: an absolute-form line would not count here.
    assert_eq!(server.hits("/feed.xml"), 1);
    assert_eq!(proxy.requests(), [format!("GET {target}")]);
    assert_eq!(proxy.count(), 1);
}

#[test]
fn http_proxy_tunnels_connect() {
    let server = feed_server();
    let proxy = HttpProxy::start();
    let origin = authority(&server.url("")).to_owned();

    let mut stream = connect(&proxy.url());
    stream.write_all(format!("CONNECT {origin} HTTP/1.1\r\nHost: {origin}\r\n\r\n").as_bytes()).unwrap();
    assert_eq!(read_head(&mut stream), "HTTP/1.1 200 Connection established\r\n\r\n");
    let response = exchange(stream, &format!("GET /feed.xml HTTP/1.1\r\nHost: {origin}\r\n\r\n"));

    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(FEED), "{response}");
    assert_eq!(server.hits("/feed.xml"), 1);
    assert_eq!(proxy.requests(), [format!("CONNECT {origin}")]);
}

#[test]
fn http_proxy_answers_bad_gateway_when_the_origin_is_down() {
    let proxy = HttpProxy::start();
    let target = format!("http://127.0.0.1:{}/feed.xml", closed_port());

    let response = exchange(connect(&proxy.url()), &format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"));

    assert!(response.starts_with("HTTP/1.1 502 "), "{response}");
    assert_eq!(proxy.requests(), [format!("GET {target}")]);
}

/// A service for one connection at `addr` that sends back whatever it reads.
fn echo(addr: &str) -> SocketAddr {
    let listener = TcpListener::bind(addr).unwrap();
    let local = listener.local_addr().unwrap();
    thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            let _ = io::copy(&mut &stream, &mut &stream);
        }
    });
    local
}

/// The SOCKS5 address (type byte and address) for `host` written as `address_type`.
fn socks_address(address_type: &str, host: &str) -> Vec<u8> {
    match address_type {
        "ipv4" => [&[0x01][..], &host.parse::<Ipv4Addr>().unwrap().octets()].concat(),
        "ipv6" => [&[0x04][..], &host.parse::<Ipv6Addr>().unwrap().octets()].concat(),
        _ => [&[0x03, host.len() as u8][..], host.as_bytes()].concat(),
    }
}

/// Greets the proxy offering no authentication, asks it to connect to `address`, and returns the reply
/// code with the stream, ready to tunnel when the code is 0.
fn socks5_connect(proxy: &Socks5Proxy, address: &[u8], port: u16) -> (u8, TcpStream) {
    let mut stream = connect(&proxy.url());
    stream.write_all(&[5, 1, 0x00]).unwrap();
    let mut chosen = [0; 2];
    stream.read_exact(&mut chosen).unwrap();
    assert_eq!(chosen, [5, 0x00]);

    stream.write_all(&[&[5, 0x01, 0][..], address, &port.to_be_bytes()].concat()).unwrap();
    let mut reply = [0; 4];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!([reply[0], reply[2]], [5, 0], "version and reserved byte");
    let mut bound = vec![0; if reply[3] == 0x04 { 16 + 2 } else { 4 + 2 }];
    stream.read_exact(&mut bound).unwrap();
    (reply[1], stream)
}

#[test]
fn socks5_proxy_tunnels_to_every_address_type() {
    // (where the target listens, address type the client sends, host the client sends)
    let cases = [
        ("127.0.0.1:0", "ipv4", "127.0.0.1"),
        ("[::1]:0", "ipv6", "::1"),
        ("127.0.0.1:0", "domain", "feeds.invalid"),
        ("127.0.0.1:0", "domain", "localhost"),
    ];
    for (listen, address_type, host) in cases {
        let proxy = Socks5Proxy::start().with_host("feeds.invalid", IpAddr::V4(Ipv4Addr::LOCALHOST));
        let port = echo(listen).port();

        let (code, mut stream) = socks5_connect(&proxy, &socks_address(address_type, host), port);
        assert_eq!(code, 0x00, "{host}");
        stream.write_all(b"ping").unwrap();
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        let mut echoed = Vec::new();
        stream.read_to_end(&mut echoed).unwrap();

        assert_eq!(echoed, b"ping", "{host}");
        assert_eq!(proxy.requests(), [Socks5Request { address_type, host: host.into(), port }]);
    }
}

#[test]
fn socks5_proxy_answers_refused_when_nothing_listens() {
    let proxy = Socks5Proxy::start();
    let port = closed_port();

    let (code, _stream) = socks5_connect(&proxy, &socks_address("ipv4", "127.0.0.1"), port);

    assert_eq!(code, 0x05);
    assert_eq!(proxy.requests(), [Socks5Request { address_type: "ipv4", host: "127.0.0.1".into(), port }]);
}

#[test]
fn socks5_proxy_turns_away_clients_that_only_offer_authentication() {
    let proxy = Socks5Proxy::start();
    let mut stream = connect(&proxy.url());

    stream.write_all(&[5, 1, 0x02]).unwrap();
    let mut chosen = Vec::new();
    stream.read_to_end(&mut chosen).unwrap();

    assert_eq!(chosen, [5, 0xFF]);
    assert_eq!(proxy.count(), 0);
}

#[test]
fn proxies_stop_listening_when_dropped() {
    let http = HttpProxy::start();
    let socks = Socks5Proxy::start();
    let addrs = [authority(&http.url()).to_owned(), authority(&socks.url()).to_owned()];
    drop((http, socks));

    for addr in addrs {
        let deadline = Instant::now() + Duration::from_secs(2);
        while TcpStream::connect(&addr).is_ok() {
            assert!(Instant::now() < deadline, "{addr} still accepts connections");
            thread::sleep(Duration::from_millis(10));
        }
    }
}
