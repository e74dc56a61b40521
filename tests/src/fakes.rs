//! Local stand-ins for the outside world, speaking the real protocols over real sockets:
//! an SMS gateway (HTTP/1.1, written by hand so it can stall, reset or garble on command)
//! that checks the exact request of each provider we support, and an SMTP sink.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

pub const SECRET: &str = "test-secret-do-not-log";
pub const TWILIO_ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";

/// How the gateway answers the next sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Ok,
    /// This status, with this `Retry-After` if any; nothing recorded.
    Status(u16, Option<String>),
    /// Read the request, never answer, record nothing.
    Stall,
    /// Record the message (the provider accepted it), then never answer.
    RecordThenStall,
    /// Read the request and reset the connection; nothing recorded.
    Reset,
    /// Record the message and answer 200 with a body that is not JSON.
    Malformed,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(|s| s.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    pub fn form(&self) -> HashMap<String, String> {
        url_decode_pairs(&String::from_utf8_lossy(&self.body))
    }
}

fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(h, 16).unwrap_or(b'?'));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn url_decode_pairs(s: &str) -> HashMap<String, String> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (url_decode(k), url_decode(v))
        })
        .collect()
}

/// One message the gateway accepted.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub key: String,
    pub to: String,
    pub text: String,
    pub id: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Default)]
struct Inner {
    mode: Option<Mode>,
    requests: Vec<Request>,
    accepted: Vec<Accepted>,
    /// Requests refused because they did not follow the provider's format.
    malformed_requests: Vec<String>,
    in_flight: usize,
    /// Keep every request (tests) or only what was accepted (the burn-down benchmark).
    lean: bool,
}

#[derive(Clone)]
pub struct FakeGateway {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl FakeGateway {
    pub async fn start() -> FakeGateway {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", l.local_addr().unwrap());
        let g = FakeGateway {
            base,
            inner: Arc::new(Mutex::new(Inner::default())),
        };
        let me = g.clone();
        tokio::spawn(async move {
            loop {
                let Ok((s, _)) = l.accept().await else { break };
                let me = me.clone();
                tokio::spawn(async move { me.serve(s).await });
            }
        });
        g
    }

    /// Stop keeping every request (for long runs).
    pub fn lean(&self) {
        self.inner.lock().unwrap().lean = true;
    }

    pub fn set_mode(&self, m: Mode) {
        self.inner.lock().unwrap().mode = Some(m);
    }
    pub fn accepted(&self) -> Vec<Accepted> {
        self.inner.lock().unwrap().accepted.clone()
    }
    pub fn requests(&self) -> Vec<Request> {
        self.inner.lock().unwrap().requests.clone()
    }
    pub fn malformed_requests(&self) -> Vec<String> {
        self.inner.lock().unwrap().malformed_requests.clone()
    }
    pub fn in_flight(&self) -> usize {
        self.inner.lock().unwrap().in_flight
    }
    /// How many times each key was accepted.
    pub fn counts(&self) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for a in self.inner.lock().unwrap().accepted.iter() {
            *m.entry(a.key.clone()).or_insert(0) += 1;
        }
        m
    }

    async fn serve(&self, s: TcpStream) {
        let mut r = BufReader::new(s);
        loop {
            let Some(req) = read_request(&mut r).await else {
                return;
            };
            let mode = self.inner.lock().unwrap().mode.clone().unwrap_or(Mode::Ok);
            let is_send = req.method == "POST";
            {
                let mut i = self.inner.lock().unwrap();
                if !i.lean {
                    i.requests.push(req.clone());
                }
            }
            let (status, body) = if is_send {
                match self.check_send(&req) {
                    Err(why) => {
                        self.inner
                            .lock()
                            .unwrap()
                            .malformed_requests
                            .push(why.clone());
                        (400, json!({"error": why}).to_string())
                    }
                    Ok(msg) => match mode {
                        Mode::Ok => {
                            let reply = self.reply_for(&req, &msg);
                            self.inner.lock().unwrap().accepted.push(msg);
                            reply
                        }
                        Mode::Status(code, after) => {
                            let extra = after
                                .map(|a| format!("Retry-After: {a}\r\n"))
                                .unwrap_or_default();
                            let body = json!({"error": "fault"}).to_string();
                            let _ = write_response(r.get_mut(), code, &extra, &body).await;
                            continue;
                        }
                        Mode::Stall => {
                            self.inner.lock().unwrap().in_flight += 1;
                            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                            return;
                        }
                        Mode::RecordThenStall => {
                            {
                                let mut i = self.inner.lock().unwrap();
                                i.accepted.push(msg);
                                i.in_flight += 1;
                            }
                            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                            return;
                        }
                        Mode::Reset => {
                            let s = r.into_inner();
                            // SO_LINGER 0: the close sends a TCP reset, not a FIN.
                            #[allow(deprecated)]
                            let _ = s.set_linger(Some(std::time::Duration::ZERO));
                            drop(s);
                            return;
                        }
                        Mode::Malformed => {
                            self.inner.lock().unwrap().accepted.push(msg);
                            let _ = write_response(r.get_mut(), 200, "", "<html>oops").await;
                            continue;
                        }
                    },
                }
            } else {
                self.lookup(&req)
            };
            if write_response(r.get_mut(), status, "", &body)
                .await
                .is_err()
            {
                return;
            }
        }
    }

    /// The provider's request format, checked field by field.
    fn check_send(&self, req: &Request) -> Result<Accepted, String> {
        let now = chrono::Utc::now();
        let id = format!("{:x}", rand_id());
        if req.path == "/send" {
            // Generic webhook.
            if req.header("authorization") != Some(&format!("Bearer {SECRET}")) {
                return Err("webhook: missing or wrong Authorization".into());
            }
            if req.header("content-type") != Some("application/json") {
                return Err("webhook: content-type".into());
            }
            let v = req.json();
            let (Some(to), Some(text), Some(key)) =
                (v["to"].as_str(), v["text"].as_str(), v["id"].as_str())
            else {
                return Err(format!("webhook: body fields to/text/id in {v}"));
            };
            if req.header("idempotency-key") != Some(key) {
                return Err("webhook: Idempotency-Key header".into());
            }
            return Ok(Accepted {
                key: key.into(),
                to: to.into(),
                text: text.into(),
                id,
                at: now,
            });
        }
        if req.path == format!("/2010-04-01/Accounts/{TWILIO_ACCOUNT}/Messages.json") {
            let expected = format!(
                "Basic {}",
                data_encoding::BASE64.encode(format!("{TWILIO_ACCOUNT}:{SECRET}").as_bytes())
            );
            if req.header("authorization") != Some(expected.as_str()) {
                return Err("twilio: basic auth".into());
            }
            if req.header("content-type") != Some("application/x-www-form-urlencoded") {
                return Err("twilio: content-type".into());
            }
            let f = req.form();
            let (Some(to), Some(body)) = (f.get("To"), f.get("Body")) else {
                return Err("twilio: To and Body".into());
            };
            if !f.contains_key("From") && !f.contains_key("MessagingServiceSid") {
                return Err("twilio: From or MessagingServiceSid".into());
            }
            if !to.starts_with('+') {
                return Err("twilio: To in E.164".into());
            }
            let key = f
                .get("StatusCallback")
                .and_then(|cb| cb.split("?n=").nth(1))
                .unwrap_or("")
                .to_owned();
            return Ok(Accepted {
                key,
                to: to.clone(),
                text: body.clone(),
                id: format!("SM{id}"),
                at: now,
            });
        }
        if req.path == "/v3/transactionalSMS/send" {
            if req.header("api-key") != Some(SECRET) {
                return Err("brevo: api-key".into());
            }
            let v = req.json();
            let (Some(sender), Some(to), Some(text), Some(tag)) = (
                v["sender"].as_str(),
                v["recipient"].as_str(),
                v["content"].as_str(),
                v["tag"].as_str(),
            ) else {
                return Err(format!("brevo: sender/recipient/content/tag in {v}"));
            };
            if sender.len() > 11 || v["type"] != "transactional" || to.starts_with('+') {
                return Err(format!("brevo: sender, type or recipient format in {v}"));
            }
            return Ok(Accepted {
                key: tag.into(),
                to: to.into(),
                text: text.into(),
                id: (rand_id() % 1_000_000_000_000).to_string(),
                at: now,
            });
        }
        Err(format!("unknown path {}", req.path))
    }

    fn reply_for(&self, req: &Request, msg: &Accepted) -> (u16, String) {
        if req.path.starts_with("/2010-04-01") {
            (
                201,
                json!({"sid": msg.id, "status": "queued", "to": msg.to, "body": msg.text})
                    .to_string(),
            )
        } else if req.path.starts_with("/v3/") {
            (
                201,
                json!({"messageId": msg.id.parse::<u64>().unwrap_or(1)}).to_string(),
            )
        } else {
            (200, json!({"id": msg.id, "status": "accepted"}).to_string())
        }
    }

    /// The providers' own ways of asking about a message.
    fn lookup(&self, req: &Request) -> (u16, String) {
        let i = self.inner.lock().unwrap();
        let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
        let q = url_decode_pairs(query);
        if let Some(key) = path.strip_prefix("/messages/") {
            return match i.accepted.iter().find(|a| a.key == key) {
                Some(a) => (200, json!({"id": a.id, "status": "accepted"}).to_string()),
                None => (404, json!({"error": "not found"}).to_string()),
            };
        }
        if path.starts_with("/2010-04-01") {
            let to = q.get("To").cloned().unwrap_or_default();
            let messages: Vec<Value> = i
                .accepted
                .iter()
                .filter(|a| a.to == to)
                .map(|a| json!({"sid": a.id, "body": a.text, "date_created": a.at.to_rfc2822()}))
                .collect();
            return (200, json!({ "messages": messages }).to_string());
        }
        if path == "/v3/transactionalSMS/statistics/events" {
            let tag = q.get("tags").cloned().unwrap_or_default();
            let events: Vec<Value> = i
                .accepted
                .iter()
                .filter(|a| a.key == tag)
                .map(|a| json!({"messageId": a.id.parse::<u64>().unwrap_or(1), "event": "sent", "tag": a.key}))
                .collect();
            return (200, json!({ "events": events }).to_string());
        }
        (404, "{}".into())
    }
}

fn rand_id() -> u128 {
    uuid::Uuid::new_v4().as_u128()
}

async fn read_request(r: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if r.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).await.ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).await.ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

async fn write_response(
    s: &mut TcpStream,
    status: u16,
    extra_headers: &str,
    body: &str,
) -> std::io::Result<()> {
    let text = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra_headers}\r\n{body}",
        body.len()
    );
    s.write_all(text.as_bytes()).await?;
    s.flush().await
}

/// One e-mail the sink received.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// What a person reads of an e-mail: its subject and its parts, decoded.
#[derive(Debug, Clone, Default)]
pub struct ReadMail {
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// The message as a mail client shows it: headers unfolded and RFC 2047-decoded, each
    /// part's transfer encoding (base64, quoted-printable) undone. A part or header it
    /// cannot decode panics: a check over an undecoded text could never fail.
    pub fn read(&self) -> ReadMail {
        let (head, body) = split_head(&self.data);
        let mut out = ReadMail {
            from: decode_words(&header(&head, "from").unwrap_or_default()),
            subject: decode_words(&header(&head, "subject").unwrap_or_default()),
            ..Default::default()
        };
        let ctype = header(&head, "content-type").unwrap_or_default();
        let mut parts = Vec::new();
        if let Some(b) = boundary(&ctype) {
            collect_parts(body, &b, &mut parts);
        } else {
            parts.push((head.clone(), body.to_owned()));
        }
        for (h, b) in parts {
            let ct = header(&h, "content-type")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let cte = header(&h, "content-transfer-encoding").unwrap_or_default();
            let text = decode_body(&b, &cte);
            if ct.starts_with("text/html") {
                out.html.push_str(&text);
            } else if ct.starts_with("text/plain") || ct.is_empty() {
                out.text.push_str(&text);
            }
        }
        assert!(
            !out.text.is_empty() || !out.html.is_empty(),
            "no readable part: {}",
            self.data
        );
        out
    }
}

fn split_head(data: &str) -> (Vec<(String, String)>, &str) {
    let data_n = data
        .find("\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| data.find("\n\n").map(|i| (i, 2)));
    let (h, b) = match data_n {
        Some((i, n)) => (&data[..i], &data[i + n..]),
        None => (data, ""),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in h.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    (headers, b)
}

fn header(h: &[(String, String)], name: &str) -> Option<String> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn boundary(ctype: &str) -> Option<String> {
    if !ctype.to_ascii_lowercase().starts_with("multipart/") {
        return None;
    }
    let i = ctype.to_ascii_lowercase().find("boundary=")?;
    let b = ctype[i + 9..].split(';').next()?.trim().trim_matches('"');
    Some(b.to_owned())
}

fn collect_parts(body: &str, delimiter: &str, out: &mut Vec<(Vec<(String, String)>, String)>) {
    let delim = format!("--{delimiter}");
    for chunk in body.split(&delim).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk.trim_start_matches(['\r', '\n']);
        let (h, b) = split_head(chunk);
        let ct = header(&h, "content-type").unwrap_or_default();
        match boundary(&ct) {
            Some(inner) => collect_parts(b, &inner, out),
            None => out.push((h, b.to_owned())),
        }
    }
}

fn decode_body(b: &str, cte: &str) -> String {
    match cte.trim().to_ascii_lowercase().as_str() {
        "base64" => {
            let clean: String = b.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = data_encoding::BASE64
                .decode(clean.as_bytes())
                .unwrap_or_else(|e| panic!("base64 part: {e}"));
            String::from_utf8(bytes).expect("a UTF-8 part")
        }
        "quoted-printable" => quoted_printable(b, false),
        _ => b.to_owned(),
    }
}

/// Quoted-printable (RFC 2045; `underscore` for the Q encoding of RFC 2047).
fn quoted_printable(s: &str, underscore: bool) -> String {
    let mut bytes = Vec::new();
    let raw = s.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'=' if raw.get(i + 1) == Some(&b'\r') && raw.get(i + 2) == Some(&b'\n') => i += 3,
            b'=' if raw.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' => {
                let hex = std::str::from_utf8(&raw[i + 1..(i + 3).min(raw.len())]).unwrap_or("");
                let v = u8::from_str_radix(hex, 16)
                    .unwrap_or_else(|_| panic!("bad QP escape `={hex}`"));
                bytes.push(v);
                i += 3;
            }
            b'_' if underscore => {
                bytes.push(b' ');
                i += 1;
            }
            c => {
                bytes.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(bytes).expect("a UTF-8 text")
}

/// RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`), the rest as it is.
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let Some(end) = rest[start + 2..].find("?=").map(|e| start + 2 + e) else {
            break;
        };
        let word = &rest[start + 2..end];
        let mut it = word.splitn(3, '?');
        let (_charset, enc, text) = (it.next(), it.next(), it.next());
        let between = &rest[..start];
        // Between two encoded words, white space is not part of the text.
        if !(after_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        after_word = true;
        let decoded = match (enc.map(str::to_ascii_lowercase).as_deref(), text) {
            (Some("b"), Some(t)) => String::from_utf8(
                data_encoding::BASE64
                    .decode(t.as_bytes())
                    .unwrap_or_else(|e| panic!("{e}")),
            )
            .expect("UTF-8"),
            (Some("q"), Some(t)) => quoted_printable(t, true),
            _ => panic!("encoded word `{word}`"),
        };
        out.push_str(&decoded);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A local SMTP server speaking enough of RFC 5321 for a real client: greeting, EHLO,
/// MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT. Can answer 451 (transient) on
/// command.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    transient_failures: Arc<Mutex<u32>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = SmtpSink {
            port: l.local_addr().unwrap().port(),
            mails: Arc::default(),
            transient_failures: Arc::default(),
        };
        let me = sink.clone();
        tokio::spawn(async move {
            loop {
                let Ok((s, _)) = l.accept().await else { break };
                let me = me.clone();
                tokio::spawn(async move {
                    let _ = me.session(s).await;
                });
            }
        });
        sink
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// Answer the next `n` DATA with 451.
    pub fn fail_next(&self, n: u32) {
        *self.transient_failures.lock().unwrap() = n;
    }

    async fn session(&self, s: TcpStream) -> std::io::Result<()> {
        let mut r = BufReader::new(s);
        r.get_mut()
            .write_all(b"220 sink.test ESMTP ready\r\n")
            .await?;
        let (mut from, mut to) = (String::new(), Vec::new());
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end().to_owned();
            let up = cmd.to_ascii_uppercase();
            let reply: &[u8] = if up.starts_with("EHLO") {
                b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            } else if up.starts_with("HELO") {
                b"250 sink.test\r\n"
            } else if up.starts_with("MAIL FROM:") {
                from = cmd[10..].trim().to_owned();
                b"250 OK\r\n"
            } else if up.starts_with("RCPT TO:") {
                to.push(cmd[8..].trim().to_owned());
                b"250 OK\r\n"
            } else if up == "DATA" {
                r.get_mut().write_all(b"354 go ahead\r\n").await?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l).await? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                }
                let fail = {
                    let mut f = self.transient_failures.lock().unwrap();
                    if *f > 0 {
                        *f -= 1;
                        true
                    } else {
                        false
                    }
                };
                if fail {
                    b"451 4.3.0 try again later\r\n"
                } else {
                    self.mails.lock().unwrap().push(Mail {
                        from: std::mem::take(&mut from),
                        to: std::mem::take(&mut to),
                        data,
                    });
                    b"250 2.0.0 queued\r\n"
                }
            } else if up == "RSET" {
                from.clear();
                to.clear();
                b"250 OK\r\n"
            } else if up == "NOOP" {
                b"250 OK\r\n"
            } else if up == "QUIT" {
                r.get_mut().write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                b"502 not implemented\r\n"
            };
            r.get_mut().write_all(reply).await?;
        }
    }
}
