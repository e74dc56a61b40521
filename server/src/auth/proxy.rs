//! The client's address behind reverse proxies. `X-Forwarded-For` is believed only when the
//! TCP peer is one of the configured proxies, and read from the right: the first address
//! that is not a trusted proxy is the client. Without configured proxies the peer is the
//! client, whatever the headers say (so one attacker cannot block every login by
//! forging the header, nor hide behind it).

use std::net::IpAddr;

/// An address or a network (`10.0.0.0/8`, `::1`, `2001:db8::/32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    pub fn parse(s: &str) -> Option<Net> {
        let (a, p) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Net { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(x)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(x) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(x)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(x) & mask
            }
            _ => false,
        }
    }
}

/// Parse a comma-separated list; `Err` names the bad entry.
pub fn parse_list(s: &str) -> Result<Vec<Net>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| Net::parse(x).ok_or_else(|| format!("`{x}` is not an address or network")))
        .collect()
}

/// The client: the peer, or, when the peer is a trusted proxy, the right-most address of
/// `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client(peer: IpAddr, forwarded_for: &[&str], trusted: &[Net]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for h in hops.iter().rev() {
        match h.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            // Garbage in the chain: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_only_from_trusted_proxies() {
        let trusted = parse_list("10.0.0.0/8, ::1").unwrap();
        // Straight from the internet: the header is ignored.
        assert_eq!(
            client(ip("203.0.113.9"), &["1.2.3.4"], &trusted),
            ip("203.0.113.9")
        );
        // Through the proxy: the right-most untrusted hop, not a forged left-most one.
        assert_eq!(
            client(
                ip("10.1.2.3"),
                &["6.6.6.6, 198.51.100.7, 10.0.0.5"],
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client(ip("::1"), &["198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        // No proxies configured: the peer, always.
        assert_eq!(
            client(ip("10.1.2.3"), &["198.51.100.7"], &[]),
            ip("10.1.2.3")
        );
        assert_eq!(
            client(ip("10.1.2.3"), &["garbage"], &trusted),
            ip("10.1.2.3")
        );
        assert!(parse_list("10.0.0.0/33").is_err());
        assert!(
            Net::parse("192.168.0.0/16")
                .unwrap()
                .contains(ip("::ffff:192.168.4.4"))
        );
    }
}
