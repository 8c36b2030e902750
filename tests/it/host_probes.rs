//! The Hemma host probes (outside view, listener inventory) on a test host:
//! a network namespace this test creates, with a documentation address
//! (192.0.2.10, TEST-NET-1) on a veth pair whose both ends stay inside it.
//! Nothing leaves it.

use std::fs::File;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use kraft_acceptance::model::HostListener;
use kraft_acceptance::probes::host;
use kraft_acceptance::verdicts::hemma_host;
use nix::sched::{setns, CloneFlags};

struct Netns(String);

impl Netns {
    fn create() -> Self {
        let name = format!("kraftacc-host-{}", std::process::id());
        let ip = |args: &[&str]| {
            let o = Command::new("ip")
                .args(args)
                .output()
                .expect("ip (iproute2)");
            assert!(
                o.status.success(),
                "ip {args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        };
        ip(&["netns", "add", &name]);
        let ns = Netns(name.clone());
        for args in [
            vec!["link", "set", "lo", "up"],
            vec!["link", "add", "kt0", "type", "veth", "peer", "name", "kt1"],
            vec!["addr", "add", "192.0.2.10/24", "dev", "kt0"],
            vec!["link", "set", "kt0", "up"],
            vec!["link", "set", "kt1", "up"],
        ] {
            let mut a = vec!["netns", "exec", name.as_str(), "ip"];
            a.extend(args);
            ip(&a);
        }
        ns
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "delete", &self.0])
            .output();
    }
}

#[test]
#[ignore = "needs root (network namespaces); scripts/test.sh runs it"]
fn outside_view_and_inventory_catch_a_wildcard_listener_in_a_test_host() {
    let ns = Netns::create();
    let path = format!("/var/run/netns/{}", ns.0);
    // A dedicated thread enters the namespace; namespaces are per thread.
    let result = std::thread::spawn(move || -> Result<(), String> {
        let f = File::open(&path).map_err(|e| e.to_string())?;
        setns(&f, CloneFlags::CLONE_NEWNET).map_err(|e| e.to_string())?;
        let addrs = host::non_loopback_addresses().map_err(|e| e.to_string())?;
        assert_eq!(
            addrs,
            vec!["192.0.2.10".parse::<std::net::IpAddr>().unwrap()],
            "only the test host's address"
        );

        // As on a host where Redis was published on every interface, Kafka on loopback.
        let open = TcpListener::bind("0.0.0.0:6379").map_err(|e| e.to_string())?;
        let _kafka = TcpListener::bind("127.0.0.1:9093").map_err(|e| e.to_string())?;
        let results = host::reach(&addrs, &[9093, 6379]);
        let f = hemma_host::outside_view(&results).expect_err("6379 answers from outside");
        assert_eq!(f.evidence, vec!["192.0.2.10:6379 accepted a connection"]);

        let socks = host::non_loopback_listeners(Path::new("/proc/thread-self/net"))
            .map_err(|e| e.to_string())?;
        let listed: Vec<HostListener> = host::attribute(&socks, &host::socket_owners(), &[]);
        assert_eq!(listed.len(), 1, "only the wildcard listener: {listed:?}");
        assert!(
            listed[0]
                .owner
                .contains(&format!("pid {}", std::process::id())),
            "attributed to this process: {listed:?}"
        );
        let f = hemma_host::inventory(&listed, &["nginx-proxy".to_string()])
            .expect_err("not an allowed service");
        assert!(f.evidence[0].starts_with("0.0.0.0:6379 owned by"), "{f}");

        // Fixed: both on loopback. Nothing answers outside, nothing is listed.
        drop(open);
        // The dropped listener's reset connections may hold the port a moment.
        let mut bound = TcpListener::bind("127.0.0.1:6379");
        for _ in 0..50 {
            match &bound {
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    bound = TcpListener::bind("127.0.0.1:6379");
                }
                _ => break,
            }
        }
        let _redis = bound.map_err(|e| e.to_string())?;
        hemma_host::outside_view(&host::reach(&addrs, &[9093, 6379])).map_err(|f| f.to_string())?;
        assert!(
            host::non_loopback_listeners(Path::new("/proc/thread-self/net"))
                .map_err(|e| e.to_string())?
                .is_empty()
        );
        Ok(())
    })
    .join()
    .expect("probe thread");
    result.unwrap();
}
