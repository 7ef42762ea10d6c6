//! A recording front for moto's IAM and STS: every request's `Action` is kept (to count
//! the calls a command makes), and is forwarded to moto unless the test made that action
//! fail, in which case the proxy answers as IAM does, with a query-protocol error. moto
//! enforces no permissions by default, so denials and partial failures are made here.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

/// An answer instead of moto's, for `left` more requests of `action` (`None`: all).
#[derive(Debug, Clone)]
struct Fault {
    action: String,
    status: u16,
    code: String,
    message: String,
    left: Option<usize>,
}

#[derive(Debug, Default)]
struct State {
    actions: Vec<String>,
    faults: Vec<Fault>,
}

#[derive(Debug)]
pub struct IamProxy {
    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`.
    pub endpoint: String,
    state: Arc<Mutex<State>>,
}

impl IamProxy {
    /// Starts a proxy in front of the moto server at `moto` (`http://127.0.0.1:PORT`).
    pub fn start(moto: &str) -> Self {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1");
        let endpoint = format!("http://{}", server.server_addr());
        let upstream = moto.trim_start_matches("http://").to_owned();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                respond(&shared, &upstream, request);
            }
        });
        IamProxy { endpoint, state }
    }

    /// The actions received since the last [`IamProxy::clear`], in order.
    pub fn actions(&self) -> Vec<String> {
        self.state.lock().expect("state").actions.clone()
    }

    pub fn clear(&self) {
        self.state.lock().expect("state").actions.clear();
    }

    /// Answers `action` with the error `code` (`AccessDenied`: 403) from now on.
    pub fn fail(&self, action: &str, code: &str) {
        let message = format!(
            "User: arn:aws:iam::111122223333:user/ci is not authorized to perform: iam:{action}"
        );
        self.add(action, code, &message, None);
    }

    /// Answers the next `times` requests of `action` with `code` and `message`.
    pub fn fail_times(&self, action: &str, code: &str, message: &str, times: usize) {
        self.add(action, code, message, Some(times));
    }

    fn add(&self, action: &str, code: &str, message: &str, left: Option<usize>) {
        let status = if code == "AccessDenied" { 403 } else { 400 };
        let mut state = self.state.lock().expect("state");
        state.faults.push(Fault {
            action: action.to_owned(),
            status,
            code: code.to_owned(),
            message: message.to_owned(),
            left,
        });
    }
}

fn respond(state: &Mutex<State>, upstream: &str, mut request: tiny_http::Request) {
    let mut body = Vec::new();
    let _ = request.as_reader().read_to_end(&mut body);
    let text = String::from_utf8_lossy(&body).into_owned();
    let action = text
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .unwrap_or_default()
        .to_owned();
    let fault = {
        let mut state = state.lock().expect("state");
        state.actions.push(action.clone());
        let fault = state
            .faults
            .iter_mut()
            .find(|f| f.action == action && f.left != Some(0));
        fault.map(|f| {
            f.left = f.left.map(|n| n - 1);
            f.clone()
        })
    };
    if let Some(Fault {
        status,
        code,
        message,
        ..
    }) = fault
    {
        let xml = format!(
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>{code}</Code>\
             <Message>{message}</Message></Error>\
             <RequestId>4f6a2b1c-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
        );
        let header = tiny_http::Header::from_bytes("Content-Type", "text/xml").expect("header");
        let response = tiny_http::Response::from_string(xml)
            .with_status_code(status)
            .with_header(header);
        let _ = request.respond(response);
        return;
    }
    let (status, content_type, answer) = forward(upstream, &request, &body);
    let header = tiny_http::Header::from_bytes("Content-Type", content_type).expect("header");
    let response = tiny_http::Response::from_data(answer)
        .with_status_code(status)
        .with_header(header);
    let _ = request.respond(response);
}

/// One HTTP/1.1 exchange with moto, the connection closed after it.
fn forward(upstream: &str, request: &tiny_http::Request, body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {upstream}\r\n",
        request.method(),
        request.url()
    );
    for header in request.headers() {
        let name = header.field.as_str().as_str();
        if !["host", "connection", "content-length", "transfer-encoding"]
            .contains(&name.to_ascii_lowercase().as_str())
        {
            head.push_str(&format!("{name}: {}\r\n", header.value));
        }
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut stream = TcpStream::connect(upstream).expect("connect to moto");
    stream.write_all(head.as_bytes()).expect("send");
    stream.write_all(body).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("moto's answer");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let content_type = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| "text/xml".to_owned());
    (status, content_type, raw[split + 4..].to_vec())
}
