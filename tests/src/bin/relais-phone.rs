//! A phone process for the kill -9 tests: it opens the phone's store (signed in earlier by
//! the test) and either queues contact attempts as fast as it can, printing each committed
//! one, or syncs in a loop. The test kills it with SIGKILL at any moment.
//!
//! relais-phone <server> <db> write <situation-id> <first-number> <count>
//! relais-phone <server> <db> sync

use std::io::Write;
use std::path::PathBuf;

use relais_domain::outreach::{AttemptChannel, AttemptResult};
use relais_mobile_core::phone::Phone;

/// The key the tests use (the host app's keystore hands over a random one).
const KEY: [u8; 32] = [42u8; 32];

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: relais-phone <server> <db> write <situation> <first> <count> | sync");
        std::process::exit(2);
    }
    let phone = match Phone::open(&args[1], &PathBuf::from(&args[2]), &KEY) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("open: {e}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout().lock();
    match args[3].as_str() {
        "write" if args.len() == 7 => {
            let situation = args[4].parse().unwrap_or_default();
            let first: u64 = args[5].parse().unwrap_or(0);
            let count: u64 = args[6].parse().unwrap_or(0);
            for n in first..first + count {
                let note = format!("essai {n}");
                match phone.log_attempt(
                    situation,
                    AttemptChannel::Call,
                    AttemptResult::NoAnswer,
                    Some(note),
                    chrono::Utc::now(),
                ) {
                    Ok(_) => {
                        let _ = writeln!(out, "queued {n}");
                        let _ = out.flush();
                    }
                    Err(e) => {
                        eprintln!("queue: {e}");
                        std::process::exit(1);
                    }
                }
            }
        }
        "sync" => loop {
            match phone.sync().await {
                Ok(r) => {
                    let _ = writeln!(out, "synced {} {}", r.applied, r.rejected);
                    let _ = out.flush();
                }
                Err(e) => {
                    eprintln!("sync: {e}");
                    std::process::exit(1);
                }
            }
        },
        _ => {
            eprintln!("unknown mode");
            std::process::exit(2);
        }
    }
}
