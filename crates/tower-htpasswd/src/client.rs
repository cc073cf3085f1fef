//! The client address a request is counted under by the guessing throttle: the connection's
//! peer, or, when that peer is a trusted proxy, the address its forwarding header names.

use core::fmt;
use core::str::FromStr;
use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;

/// The peer address of a request's connection, as an extension a server inserts (hyper users
/// add it in their connection loop; axum users may pass a
/// [`client_addr`](crate::HtpasswdLayer::client_addr) function reading `ConnectInfo` instead).
/// A bare [`SocketAddr`] extension is read too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub SocketAddr);

/// An IP network (`10.0.0.0/8`, `fd00::/8`, or a bare address for a single host).
///
/// ```
/// use tower_htpasswd::IpNet;
///
/// let net: IpNet = "10.1.0.0/16".parse()?;
/// assert!(net.contains("10.1.2.3".parse()?));
/// assert!(!net.contains("10.2.0.1".parse()?));
/// assert!("::1".parse::<IpNet>()?.contains("::1".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

/// A string that is not an [`IpNet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpNetError(String);

impl fmt::Display for IpNetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an IP network (ADDRESS[/PREFIX]): {:?}", self.0)
    }
}

impl std::error::Error for IpNetError {}

impl FromStr for IpNet {
    type Err = IpNetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || IpNetError(s.to_owned());
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| err())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().map_err(|_| err())?,
            None => max,
        };
        if prefix > max {
            return Err(err());
        }
        Ok(Self { addr, prefix })
    }
}

impl IpNet {
    /// Whether `ip` is in the network (IPv4-mapped IPv6 addresses count as IPv4).
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        let prefix = u32::from(self.prefix);
        match (self.addr.to_canonical(), ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) if self.addr.is_ipv4() || prefix >= 96 => {
                let prefix = if self.addr.is_ipv4() {
                    prefix
                } else {
                    prefix - 96
                };
                let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// Which header a trusted proxy names the client in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ForwardedHeader {
    /// `X-Forwarded-For`: the right-most address that is not a trusted proxy (every proxy
    /// appends the address it saw; only the part added by trusted proxies can be believed).
    #[default]
    XForwardedFor,
    /// `X-Real-IP`: one address, set by the trusted proxy.
    XRealIp,
}

/// Parses one element of a forwarding header: an address, optionally with a port
/// (`1.2.3.4:80`, `[::1]:80`) or in brackets.
fn parse_forwarded_element(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            s.strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|r| r.parse().ok())
        })
}

/// The client of a request whose connection peer is `peer`.
pub(crate) fn resolve(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpNet],
    header: ForwardedHeader,
) -> IpAddr {
    let unknown = IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED);
    let Some(peer) = peer else {
        return unknown;
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    match header {
        ForwardedHeader::XRealIp => headers
            .get("x-real-ip")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_forwarded_element)
            .unwrap_or(peer),
        ForwardedHeader::XForwardedFor => {
            // Every X-Forwarded-For line, in order, then its elements right to left.
            let mut elements: Vec<&str> = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .collect();
            let mut client = peer;
            while let Some(element) = elements.pop() {
                let Some(ip) = parse_forwarded_element(element) else {
                    // Garbage appended by someone: do not look further left.
                    break;
                };
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            client
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks() {
        let net: IpNet = "192.168.0.0/16".parse().unwrap();
        assert!(net.contains(ip("192.168.255.1")));
        assert!(net.contains(ip("::ffff:192.168.0.1")));
        assert!(!net.contains(ip("192.169.0.1")));
        assert!(
            "0.0.0.0/0"
                .parse::<IpNet>()
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        assert!(!"0.0.0.0/0".parse::<IpNet>().unwrap().contains(ip("::1")));
        assert!("::/0".parse::<IpNet>().unwrap().contains(ip("2001:db8::1")));
        for bad in ["", "10.0.0.0/33", "::/129", "x", "10.0.0.0/"] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_right_most_untrusted() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", "6.6.6.6, 1.2.3.4".parse().unwrap());
        headers.append("x-forwarded-for", "10.0.0.7".parse().unwrap());
        let xff = ForwardedHeader::XForwardedFor;
        // Peer trusted: skip trusted hops from the right.
        assert_eq!(
            resolve(Some(ip("10.0.0.1")), &headers, &trusted, xff),
            ip("1.2.3.4")
        );
        // Peer untrusted: the header is ignored.
        assert_eq!(
            resolve(Some(ip("9.9.9.9")), &headers, &trusted, xff),
            ip("9.9.9.9")
        );
        // All hops trusted: the left-most.
        let mut only = HeaderMap::new();
        only.insert("x-forwarded-for", "10.1.1.1, 10.2.2.2:80".parse().unwrap());
        assert_eq!(
            resolve(Some(ip("10.0.0.1")), &only, &trusted, xff),
            ip("10.1.1.1")
        );
        // Garbage stops the walk at the last good hop.
        let mut junk = HeaderMap::new();
        junk.insert(
            "x-forwarded-for",
            "1.1.1.1, junk, 10.3.3.3".parse().unwrap(),
        );
        assert_eq!(
            resolve(Some(ip("10.0.0.1")), &junk, &trusted, xff),
            ip("10.3.3.3")
        );
        let mut real = HeaderMap::new();
        real.insert("x-real-ip", "5.5.5.5".parse().unwrap());
        assert_eq!(
            resolve(
                Some(ip("10.0.0.1")),
                &real,
                &trusted,
                ForwardedHeader::XRealIp
            ),
            ip("5.5.5.5")
        );
        assert!(resolve(None, &real, &trusted, xff).is_unspecified());
    }
}
