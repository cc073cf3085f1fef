//! `/metrics`: the Prometheus text format (OpenMetrics), from `prometheus-client`.
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `ingress_auth_checks_total` | counter | `protocol` (`http`), `outcome` (`allowed`, `denied`, `missing`, `malformed`, `throttled`, `busy`, `error`) |
//! | `ingress_auth_check_duration_seconds` | histogram | `protocol` |
//! | `ingress_auth_cache_hits_total` | counter | |
//! | `ingress_auth_hashes_total` | counter | |
//! | `ingress_auth_throttled_total`, `ingress_auth_busy_total` | counter | |
//! | `ingress_auth_reloads_total`, `ingress_auth_reload_failures_total` | counter | |
//! | `ingress_auth_reload_failing` | gauge | 1 while the latest load of a changed file was refused |
//! | `ingress_auth_ready`, `ingress_auth_users` | gauge | |
//!
//! The authenticator's own counters (cache hits, hashes, throttled, busy, reloads) are read from
//! [`Authenticator::stats`] and [`Authenticator::reload_status`] at each scrape.

use std::fmt;

use htpasswd_core::Authenticator;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric as _};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of `checks_total`.
type CheckLabels = [(&'static str, &'static str); 2];
/// Labels of `check_duration_seconds`.
type ProtocolLabels = [(&'static str, &'static str); 1];

/// The metrics a server updates, and its registry.
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    checks: Family<CheckLabels, Counter>,
    duration: Family<ProtocolLabels, Histogram>,
}

impl Metrics {
    /// The registry, with the authenticator's counters read at each scrape.
    pub(crate) fn new(auth: &Authenticator) -> Self {
        let mut registry = Registry::with_prefix("ingress_auth");
        let checks = Family::<CheckLabels, Counter>::default();
        registry.register(
            "checks",
            "Checks answered, by protocol and outcome",
            checks.clone(),
        );
        let duration = Family::<ProtocolLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(exponential_buckets(0.0001, 2.5, 14))) as fn() -> Histogram,
        );
        registry.register(
            "check_duration_seconds",
            "Time from a check's arrival to its answer",
            duration.clone(),
        );
        registry.register_collector(Box::new(AuthCollector { auth: auth.clone() }));
        Self {
            registry,
            checks,
            duration,
        }
    }

    /// Counts one check.
    pub(crate) fn check(&self, protocol: &'static str, outcome: &'static str, seconds: f64) {
        self.checks
            .get_or_create(&[("protocol", protocol), ("outcome", outcome)])
            .inc();
        self.duration
            .get_or_create(&[("protocol", protocol)])
            .observe(seconds);
    }

    /// The text exposition.
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Reads the authenticator's counters at scrape time.
struct AuthCollector {
    auth: Authenticator,
}

impl fmt::Debug for AuthCollector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthCollector").finish_non_exhaustive()
    }
}

impl Collector for AuthCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let stats = self.auth.stats();
        let reload = self.auth.reload_status();
        let counters: [(&str, &str, u64); 6] = [
            (
                "cache_hits",
                "Checks answered from the success cache",
                stats.cache_hits,
            ),
            (
                "hashes",
                "Password hashes run (decoys included)",
                stats.hashes,
            ),
            (
                "throttled",
                "Checks refused by the guessing throttle without a hash",
                stats.throttled,
            ),
            (
                "busy",
                "Checks answered 503 because the hash pool was full",
                stats.busy,
            ),
            (
                "reloads",
                "Successful loads of the htpasswd file",
                reload.loads,
            ),
            (
                "reload_failures",
                "Refused loads (unreadable or invalid file; the last good one stays)",
                reload.failures,
            ),
        ];
        for (name, help, value) in counters {
            let metric = ConstCounter::new(value);
            let e = encoder.encode_descriptor(name, help, None, metric.metric_type())?;
            metric.encode(e)?;
        }
        let gauges: [(&str, &str, i64); 3] = [
            (
                "ready",
                "1 once an htpasswd file has loaded",
                i64::from(self.auth.is_ready()),
            ),
            (
                "users",
                "Users in the file in force",
                i64::try_from(reload.users).unwrap_or(i64::MAX),
            ),
            (
                "reload_failing",
                "1 while the latest version of the file was refused",
                i64::from(reload.last_error.is_some()),
            ),
        ];
        for (name, help, value) in gauges {
            let metric = ConstGauge::new(value);
            let e = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
            metric.encode(e)?;
        }
        Ok(())
    }
}
