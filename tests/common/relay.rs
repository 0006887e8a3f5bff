//! A relay in front of the demo backend that adds `?at=<an instant>` to every request, so a
//! test can walk a simulated day (or week) minute by minute through the real probes, each
//! built once (building an HTTP client costs milliseconds; a day is 9 000 polls), exactly as
//! the layout declares them.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct AtRelay {
    pub addr: SocketAddr,
    at: Arc<Mutex<String>>,
    task: tokio::task::JoinHandle<()>,
}

impl AtRelay {
    pub async fn start(backend: SocketAddr) -> Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let at = Arc::new(Mutex::new(String::new()));
        let shared = Arc::clone(&at);
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let at = shared.lock().map(|a| a.clone()).unwrap_or_default();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match client.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&head);
                    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let Ok(mut upstream) = tokio::net::TcpStream::connect(backend).await else {
                        return;
                    };
                    let request = format!(
                        "GET {path}?at={at} HTTP/1.1\r\nHost: {backend}\r\nConnection: close\r\n\r\n"
                    );
                    let mut answer = Vec::new();
                    if upstream.write_all(request.as_bytes()).await.is_ok()
                        && upstream.read_to_end(&mut answer).await.is_ok()
                    {
                        let _ = client.write_all(&answer).await;
                    }
                    let _ = client.shutdown().await;
                });
            }
        });
        Ok(Self { addr, at, task })
    }

    /// The instant every request from now on asks for, already URL-encoded.
    pub fn set(&self, at: &str) {
        if let Ok(mut current) = self.at.lock() {
            *current = at.to_string();
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for AtRelay {
    fn drop(&mut self) {
        self.task.abort();
    }
}
