//! `/metrics`: the simulated day in the Prometheus text exposition format (version 0.0.4), so
//! that a real Prometheus can scrape the demo backend as it would scrape the real one.

use std::fmt::Write;

use super::world::{BUCKETS, DeliveryState, World};

pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The exposition at second `s` of the day: counters are cumulative since 06:00.
pub fn exposition(world: &World, s: i64) -> String {
    let mut out = String::new();
    let totals = world.route_totals(s);

    header(
        &mut out,
        "luckygas_http_requests_total",
        "counter",
        "HTTP requests served since 06:00, by route and status.",
    );
    for t in &totals {
        for (status, count) in &t.by_status {
            sample(
                &mut out,
                "luckygas_http_requests_total",
                &[("route", t.route), ("status", &status.to_string())],
                *count as f64,
            );
        }
    }

    header(
        &mut out,
        "luckygas_http_request_duration_seconds",
        "histogram",
        "HTTP request latency, by route.",
    );
    for t in &totals {
        for (le, count) in BUCKETS.iter().zip(t.buckets) {
            sample(
                &mut out,
                "luckygas_http_request_duration_seconds_bucket",
                &[("route", t.route), ("le", &format_value(*le))],
                count as f64,
            );
        }
        sample(
            &mut out,
            "luckygas_http_request_duration_seconds_bucket",
            &[("route", t.route), ("le", "+Inf")],
            t.count as f64,
        );
        sample(
            &mut out,
            "luckygas_http_request_duration_seconds_sum",
            &[("route", t.route)],
            t.sum_seconds,
        );
        sample(
            &mut out,
            "luckygas_http_request_duration_seconds_count",
            &[("route", t.route)],
            t.count as f64,
        );
    }

    header(
        &mut out,
        "luckygas_deliveries",
        "gauge",
        "Today's deliveries, by state.",
    );
    let d = world.delivery_summary(s);
    for (state, n) in [
        (DeliveryState::Created, d.created),
        (DeliveryState::Assigned, d.assigned),
        (DeliveryState::OutForDelivery, d.out_for_delivery),
        (DeliveryState::Delivered, d.delivered),
        (DeliveryState::Failed, d.failed),
    ] {
        sample(
            &mut out,
            "luckygas_deliveries",
            &[("state", state_name(state))],
            f64::from(n),
        );
    }

    let tickets = world.ticket_summary(s);
    header(
        &mut out,
        "luckygas_tickets_open",
        "gauge",
        "Support tickets open now.",
    );
    sample(
        &mut out,
        "luckygas_tickets_open",
        &[],
        f64::from(tickets.open),
    );
    header(
        &mut out,
        "luckygas_tickets_breaching_2h",
        "gauge",
        "Open support tickets older than the 2 h response target.",
    );
    sample(
        &mut out,
        "luckygas_tickets_breaching_2h",
        &[],
        f64::from(tickets.breaching_2h),
    );

    header(
        &mut out,
        "luckygas_component_up",
        "gauge",
        "1 when the backend component reports UP, else 0.",
    );
    for (name, h) in world.health(s).components {
        sample(
            &mut out,
            "luckygas_component_up",
            &[("component", &name)],
            if h.status == "UP" { 1.0 } else { 0.0 },
        );
    }
    out
}

fn state_name(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Created => "created",
        DeliveryState::Assigned => "assigned",
        DeliveryState::OutForDelivery => "out_for_delivery",
        DeliveryState::Delivered => "delivered",
        DeliveryState::Failed => "failed",
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (n, (key, val)) in labels.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            let _ = write!(out, "{key}=\"{}\"", escape(val));
        }
        out.push('}');
    }
    let _ = writeln!(out, " {}", format_value(value));
}

/// Label values escape backslash, double quote and newline, as the format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Go-style float text: integers without a fraction, others as short as they round-trip.
fn format_value(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else if v.is_nan() {
        "NaN".to_string()
    } else {
        format!("{v}")
    }
}
