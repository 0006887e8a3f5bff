//! The state of the day at an instant, read off the timetable: what each endpoint answers.

use super::World;
use super::timetable::{BUCKETS, DAY_START, DeliveryState, ROUTES, round1};
use super::views::*;
use crate::sim::scenario::{COMPONENTS, DAY_START_MINUTE, Effect, hhmm};

impl World {
    /// Whether `component` is DOWN at second `s`.
    pub fn component_down(&self, component: &str, s: i64) -> bool {
        let minute = s.div_euclid(60);
        self.scenario.incidents.iter().any(|i| {
            matches!(&i.effect, Effect::ComponentDown { component: c } if c == component)
                && minute >= i64::from(i.start_minute)
                && minute < i64::from(i.end_minute())
        })
    }

    pub fn health(&self, s: i64) -> Health {
        let components = COMPONENTS
            .iter()
            .map(|c| {
                let up = !self.component_down(c, s);
                (c.to_string(), ComponentHealth::new(up))
            })
            .collect::<Vec<_>>();
        let up = components.iter().all(|(_, h)| h.status == "UP");
        Health {
            status: if up { "UP" } else { "DOWN" },
            components: components.into_iter().collect(),
        }
    }

    pub fn delivery_summary(&self, s: i64) -> DeliverySummary {
        let mut sum = DeliverySummary::default();
        for state in self.deliveries.iter().filter_map(|d| d.state_at(s)) {
            sum.total += 1;
            match state {
                DeliveryState::Created => sum.created += 1,
                DeliveryState::Assigned => sum.assigned += 1,
                DeliveryState::OutForDelivery => sum.out_for_delivery += 1,
                DeliveryState::Delivered => sum.delivered += 1,
                DeliveryState::Failed => sum.failed += 1,
            }
        }
        sum.completion_rate = if sum.total == 0 {
            0.0
        } else {
            round4(f64::from(sum.delivered) / f64::from(sum.total))
        };
        sum
    }

    pub fn delivery_list(&self, s: i64) -> Vec<DeliveryView> {
        let at = |step: i64| (s >= step).then(|| self.stamp(step));
        self.deliveries
            .iter()
            .filter_map(|d| {
                let state = d.state_at(s)?;
                let customer = &self.customers[d.customer];
                let done = state == DeliveryState::Delivered || state == DeliveryState::Failed;
                Some(DeliveryView {
                    id: d.id.clone(),
                    order_id: d.order_id.clone(),
                    customer_id: customer.id.clone(),
                    customer: customer.name.clone(),
                    district: customer.district.clone(),
                    cylinder: d.cylinder,
                    state,
                    created_at: self.stamp(d.created),
                    assigned_at: at(d.assigned),
                    out_for_delivery_at: at(d.out),
                    delivered_at: (state == DeliveryState::Delivered).then(|| self.stamp(d.done)),
                    failed_at: (state == DeliveryState::Failed).then(|| self.stamp(d.done)),
                    failure_reason: if done { d.failed } else { None },
                    rating: (state == DeliveryState::Delivered).then_some(d.rating),
                })
            })
            .collect()
    }

    pub fn ticket_list(&self, s: i64) -> Vec<TicketView> {
        self.tickets
            .iter()
            .filter(|t| s >= t.opened)
            .map(|t| {
                let resolved = t.resolved.filter(|r| s >= *r);
                let age_end = resolved.unwrap_or(s);
                TicketView {
                    id: t.id.clone(),
                    opened_at: self.stamp(t.opened),
                    resolved_at: resolved.map(|r| self.stamp(r)),
                    priority: t.priority.clone(),
                    title: t.title.clone(),
                    customer: self.customers[t.customer].name.clone(),
                    state: if resolved.is_some() {
                        "resolved"
                    } else {
                        "open"
                    },
                    age_minutes: (age_end - t.opened) / 60,
                }
            })
            .collect()
    }

    pub fn ticket_summary(&self, s: i64) -> TicketSummary {
        let open: Vec<i64> = self
            .tickets
            .iter()
            .filter(|t| t.is_open_at(s))
            .map(|t| (s - t.opened) / 60)
            .collect();
        TicketSummary {
            open: open.len() as u32,
            oldest_open_minutes: open.iter().copied().max(),
            breaching_2h: open.iter().filter(|age| **age >= 120).count() as u32,
            resolved: self
                .tickets
                .iter()
                .filter(|t| t.resolved.is_some_and(|r| s >= r))
                .count() as u32,
        }
    }

    /// Error rate, latency and throughput over the last five completed minutes; uptime over
    /// every completed minute since 06:00.
    pub fn metrics_summary(&self, s: i64) -> MetricsSummary {
        let done = self.completed_minutes(s);
        let window = &self.traffic[done.saturating_sub(5)..done];
        let (mut requests, mut errors) = (0u64, 0u64);
        let mut latencies: Vec<f64> = Vec::new();
        for minute in window {
            for r in minute {
                requests += u64::from(r.requests);
                errors += u64::from(r.errors);
                latencies.extend(&r.latencies_ms);
            }
        }
        let none = latencies.is_empty();
        let p95 = (!none).then(|| round1(percentile(&mut latencies, 0.95)));
        let avg = (!none).then(|| round1(latencies.iter().sum::<f64>() / latencies.len() as f64));
        let up_minutes = (0..done)
            .filter(|m| {
                let sec = DAY_START + *m as i64 * 60;
                COMPONENTS.iter().all(|c| !self.component_down(c, sec))
            })
            .count();
        MetricsSummary {
            error_rate: (requests > 0).then(|| round4(errors as f64 / requests as f64)),
            p95_ms: p95,
            avg_ms: avg,
            requests_per_min: if window.is_empty() {
                0.0
            } else {
                round1(requests as f64 / window.len() as f64)
            },
            uptime_pct: if done == 0 {
                100.0
            } else {
                round4(100.0 * up_minutes as f64 / done as f64)
            },
            window_minutes: window.len() as u32,
        }
    }

    pub fn satisfaction(&self, s: i64) -> Satisfaction {
        let ratings: Vec<u8> = self
            .deliveries
            .iter()
            .filter(|d| d.state_at(s) == Some(DeliveryState::Delivered))
            .map(|d| d.rating)
            .collect();
        let mut distribution = [0u32; 5];
        for r in &ratings {
            distribution[usize::from(*r - 1)] += 1;
        }
        let sum: u32 = ratings.iter().map(|r| u32::from(*r)).sum();
        Satisfaction {
            avg: if ratings.is_empty() {
                None
            } else {
                Some(round4(f64::from(sum) / ratings.len() as f64))
            },
            ratings: ratings.len() as u32,
            distribution,
        }
    }

    /// Cumulative counters since 06:00 for the Prometheus exposition: per route, requests by
    /// status, histogram bucket counts, latency sum and count.
    pub fn route_totals(&self, s: i64) -> Vec<RouteTotals> {
        let done = self.completed_minutes(s);
        ROUTES
            .iter()
            .enumerate()
            .map(|(n, route)| {
                let mut t = RouteTotals {
                    route: route.path,
                    by_status: Vec::new(),
                    buckets: [0; BUCKETS.len()],
                    sum_seconds: 0.0,
                    count: 0,
                };
                let (mut ok, mut e500, mut e503) = (0u64, 0u64, 0u64);
                for minute in &self.traffic[..done] {
                    let r = &minute[n];
                    ok += u64::from(r.requests - r.errors);
                    match r.error_status {
                        503 => e503 += u64::from(r.errors),
                        _ => e500 += u64::from(r.errors),
                    }
                    for ms in &r.latencies_ms {
                        let secs = ms / 1000.0;
                        t.sum_seconds += secs;
                        t.count += 1;
                        for (b, le) in BUCKETS.iter().enumerate() {
                            if secs <= *le {
                                t.buckets[b] += 1;
                            }
                        }
                    }
                }
                t.by_status = vec![(200, ok), (500, e500), (503, e503)];
                t
            })
            .collect()
    }

    /// The exact state at second `s`, for tests and for checking what panels show.
    pub fn truth(&self, s: i64) -> Truth {
        let done = self.completed_minutes(s);
        let per_minute = self.traffic[..done]
            .iter()
            .enumerate()
            .map(|(m, routes)| {
                let mut lat: Vec<f64> =
                    routes.iter().flat_map(|r| r.latencies_ms.clone()).collect();
                let avg = if lat.is_empty() {
                    0.0
                } else {
                    lat.iter().sum::<f64>() / lat.len() as f64
                };
                MinuteTruth {
                    minute: hhmm(DAY_START_MINUTE + m as u32),
                    requests: routes.iter().map(|r| r.requests).sum(),
                    errors: routes.iter().map(|r| r.errors).sum(),
                    p95_ms: round1(percentile(&mut lat, 0.95)),
                    avg_ms: round1(avg),
                    routes: ROUTES
                        .iter()
                        .zip(routes)
                        .map(|(route, r)| {
                            let mut lat = r.latencies_ms.clone();
                            let count = RouteCount {
                                requests: r.requests,
                                errors: r.errors,
                                p95_ms: round1(percentile(&mut lat, 0.95)),
                            };
                            (route.path, count)
                        })
                        .collect(),
                }
            })
            .collect::<Vec<_>>();
        let tickets = self.ticket_list(s);
        Truth {
            now: self.stamp(s),
            seed: self.seed,
            scenario: self.scenario.name.clone(),
            deliveries: self.delivery_summary(s),
            delivery_states: self
                .deliveries
                .iter()
                .filter_map(|d| Some((d.id.clone(), d.state_at(s)?)))
                .collect(),
            tickets: self.ticket_summary(s),
            ticket_items: tickets,
            requests_total: per_minute.iter().map(|m| u64::from(m.requests)).sum(),
            errors_total: per_minute.iter().map(|m| u64::from(m.errors)).sum(),
            per_minute,
            health: self.health(s),
            incidents: self
                .scenario
                .incidents
                .iter()
                .map(|i| {
                    let start = i64::from(i.start_minute) * 60;
                    let end = i64::from(i.end_minute()) * 60;
                    IncidentTruth {
                        kind: i.effect.kind(),
                        start: self.stamp(start),
                        end: self.stamp(end),
                        active: s >= start && (s < end || (start == end && s == start)),
                        started: s >= start,
                        effect: i.effect.clone(),
                    }
                })
                .collect(),
            metrics: self.metrics_summary(s),
            satisfaction: self.satisfaction(s),
        }
    }
}

/// Nearest-rank percentile (0 when there is nothing to rank).
fn percentile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}
