//! What the backend answers, as serde types: the real API's shapes and `/sim/truth`.

use serde::Serialize;

use super::timetable::{BUCKETS, DeliveryState};
use crate::sim::scenario::Effect;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentHealth {
    pub status: &'static str,
}

impl ComponentHealth {
    pub(super) fn new(up: bool) -> Self {
        Self {
            status: if up { "UP" } else { "DOWN" },
        }
    }
}

/// Spring Boot actuator's health shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub components: std::collections::BTreeMap<String, ComponentHealth>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DeliverySummary {
    pub total: u32,
    pub created: u32,
    pub assigned: u32,
    pub out_for_delivery: u32,
    pub delivered: u32,
    pub failed: u32,
    /// delivered / total.
    pub completion_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryView {
    pub id: String,
    pub order_id: String,
    pub customer_id: String,
    pub customer: String,
    pub district: String,
    pub cylinder: &'static str,
    pub state: DeliveryState,
    pub created_at: String,
    pub assigned_at: Option<String>,
    pub out_for_delivery_at: Option<String>,
    pub delivered_at: Option<String>,
    pub failed_at: Option<String>,
    pub failure_reason: Option<&'static str>,
    pub rating: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketView {
    pub id: String,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    pub priority: String,
    pub title: String,
    pub customer: String,
    pub state: &'static str,
    /// Minutes open: until now for an open ticket, until resolution for a resolved one.
    pub age_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketSummary {
    pub open: u32,
    pub oldest_open_minutes: Option<i64>,
    pub breaching_2h: u32,
    pub resolved: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsSummary {
    /// 5xx / requests over the last five completed minutes (0.06 = 6 %); null before the
    /// first request, as the latencies: no traffic is no data, not a perfect 0.
    pub error_rate: Option<f64>,
    pub p95_ms: Option<f64>,
    pub avg_ms: Option<f64>,
    pub requests_per_min: f64,
    /// Share of completed minutes since 06:00 with every component UP, in percent.
    pub uptime_pct: f64,
    pub window_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Satisfaction {
    /// Average rating (1–5) of delivered orders; null before the first delivery.
    pub avg: Option<f64>,
    pub ratings: u32,
    /// How many 1, 2, 3, 4 and 5 ratings.
    pub distribution: [u32; 5],
}

pub struct RouteTotals {
    pub route: &'static str,
    pub by_status: Vec<(u16, u64)>,
    /// Cumulative: bucket b counts requests with latency ≤ BUCKETS[b].
    pub buckets: [u64; BUCKETS.len()],
    pub sum_seconds: f64,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MinuteTruth {
    pub minute: String,
    pub requests: u32,
    pub errors: u32,
    pub p95_ms: f64,
    /// The mean latency of the minute's requests.
    pub avg_ms: f64,
    pub routes: std::collections::BTreeMap<&'static str, RouteCount>,
}

/// One route's requests in one minute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteCount {
    pub requests: u32,
    pub errors: u32,
    pub p95_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentTruth {
    pub kind: &'static str,
    pub start: String,
    pub end: String,
    pub started: bool,
    pub active: bool,
    pub effect: Effect,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    pub now: String,
    pub seed: u64,
    pub scenario: String,
    pub deliveries: DeliverySummary,
    pub delivery_states: std::collections::BTreeMap<String, DeliveryState>,
    pub tickets: TicketSummary,
    pub ticket_items: Vec<TicketView>,
    pub requests_total: u64,
    pub errors_total: u64,
    pub per_minute: Vec<MinuteTruth>,
    pub health: Health,
    pub incidents: Vec<IncidentTruth>,
    pub metrics: MetricsSummary,
    pub satisfaction: Satisfaction,
}
