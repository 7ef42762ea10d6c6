//! Real tools for the real-tool suites: the Python virtualenv the test command installs
//! (moto, the AWS CLI, kubernetes-validate) and a moto server on a free loopback port.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A tool from the test virtualenv (`IRSA_VENV`, default `<repo>/.venv`).
/// [`venv_tool`], or `None` where the venv lacks it (benchmarks that skip a part).
pub fn venv_tool_if_present(name: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("IRSA_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::golden::repo_root().join(".venv"));
    Some(venv.join("bin").join(name)).filter(|p| p.exists())
}

pub fn venv_tool(name: &str) -> PathBuf {
    let venv = std::env::var_os("IRSA_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::golden::repo_root().join(".venv"));
    let path = venv.join("bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: run ./scripts/test, which installs the real tools",
        path.display()
    );
    path
}

/// A moto server (IAM, STS and friends) for one test, stopped when dropped.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Moto {
    pub fn start() -> Self {
        Self::start_in("123456789012")
    }

    /// A moto server whose default account (its credentials' account) is `account`.
    pub fn start_in(account: &str) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let child = Command::new(venv_tool("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("MOTO_ACCOUNT_ID", account)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on port {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
