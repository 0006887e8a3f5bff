//! The simulated LuckyGas backend's world: pilot customers, the day's orders and their
//! deliveries, support tickets, and per-minute request traffic.
//!
//! Everything is laid out once, from the seed and the scenario, as a timetable (when each
//! delivery moves on, when each ticket opens and closes, what each minute's requests were).
//! The state at an instant is then read off the timetable, so it is a pure function of
//! (seed, scenario, instant): any instant can be asked for, in any order, and tests can jump.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use super::clock::{midnight, rfc3339};
use super::scenario::{COMPONENTS, DAY_END_MINUTE, DAY_START_MINUTE, Effect, Scenario, hhmm};

/// SplitMix64: tiny, fast and fully determined by its seed (no wall-clock randomness).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi] (inclusive).
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % u64::from(hi - lo + 1)) as u32
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value in [0, 1) for a point of the timetable: independent of the order in which
/// anything else was generated, so adding a route does not reshuffle the others.
fn hash_unit(seed: u64, a: u64, b: u64, c: u64) -> f64 {
    let h = mix(seed ^ mix(a.wrapping_add(mix(b.wrapping_add(mix(c))))));
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// A backend route: its share of traffic, how slow it is relative to the others, and the
/// component it cannot work without.
pub struct Route {
    pub path: &'static str,
    pub per_minute: f64,
    pub slowness: f64,
    pub needs: Option<&'static str>,
}

pub const ROUTES: [Route; 7] = [
    Route {
        path: "/api/orders",
        per_minute: 14.0,
        slowness: 1.0,
        needs: None,
    },
    Route {
        path: "/api/deliveries",
        per_minute: 22.0,
        slowness: 0.8,
        needs: None,
    },
    Route {
        path: "/api/customers",
        per_minute: 8.0,
        slowness: 0.7,
        needs: None,
    },
    Route {
        path: "/api/drivers/location",
        per_minute: 30.0,
        slowness: 0.5,
        needs: Some("redis"),
    },
    Route {
        path: "/api/routes/optimize",
        per_minute: 4.0,
        slowness: 2.0,
        needs: Some("maps"),
    },
    Route {
        path: "/api/notifications/sms",
        per_minute: 5.0,
        slowness: 1.2,
        needs: Some("sms"),
    },
    Route {
        path: "/api/auth/login",
        per_minute: 6.0,
        slowness: 0.9,
        needs: None,
    },
];

/// Latency buckets (seconds) of the request-duration histogram: Prometheus's defaults.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Latencies follow a log-logistic distribution (shape 4): its quantile function is closed
/// form, so the p95 an incident asks for is exactly where the requests put it.
const SHAPE: f64 = 4.0;

fn latency_quantile(median_ms: f64, u: f64) -> f64 {
    let u = u.clamp(1e-6, 1.0 - 1e-6);
    (median_ms * (u / (1.0 - u)).powf(1.0 / SHAPE)).min(10_000.0)
}

fn median_for_p95(p95_ms: f64) -> f64 {
    p95_ms / 19f64.powf(1.0 / SHAPE)
}

#[derive(Debug, Clone, Serialize)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub district: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Created,
    Assigned,
    OutForDelivery,
    Delivered,
    Failed,
}

/// One order's delivery, as a timetable: seconds since midnight (launch zone) of each step.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub order_id: String,
    pub customer: usize,
    pub cylinder: &'static str,
    pub created: i64,
    pub assigned: i64,
    pub out: i64,
    pub done: i64,
    pub failed: Option<&'static str>,
    /// The customer's rating (1–5), given when delivered.
    pub rating: u8,
}

impl Delivery {
    pub fn state_at(&self, s: i64) -> Option<DeliveryState> {
        if s < self.created {
            None
        } else if s < self.assigned {
            Some(DeliveryState::Created)
        } else if s < self.out {
            Some(DeliveryState::Assigned)
        } else if s < self.done {
            Some(DeliveryState::OutForDelivery)
        } else if self.failed.is_some() {
            Some(DeliveryState::Failed)
        } else {
            Some(DeliveryState::Delivered)
        }
    }
}

#[derive(Debug, Clone)]
pub struct Ticket {
    pub id: String,
    pub opened: i64,
    pub resolved: Option<i64>,
    pub priority: String,
    pub title: String,
    pub customer: usize,
}

impl Ticket {
    pub fn is_open_at(&self, s: i64) -> bool {
        s >= self.opened && self.resolved.is_none_or(|r| s < r)
    }
}

/// One route's requests during one minute.
#[derive(Debug, Clone, Default)]
pub struct RouteMinute {
    pub requests: u32,
    pub errors: u32,
    /// The status the errors were answered with (500, or 503 when a component was down).
    pub error_status: u16,
    /// Every request's latency, in milliseconds.
    pub latencies_ms: Vec<f64>,
}

/// The whole simulated day.
#[derive(Debug, Clone)]
pub struct World {
    pub seed: u64,
    pub scenario: Scenario,
    pub date: NaiveDate,
    midnight: DateTime<Utc>,
    pub customers: Vec<Customer>,
    pub deliveries: Vec<Delivery>,
    pub tickets: Vec<Ticket>,
    /// `traffic[minute of the day since 06:00][route]`.
    pub traffic: Vec<Vec<RouteMinute>>,
}

const NAMES: [&str; 20] = [
    "陳記小吃 Chen's Diner",
    "林家麵館 Lin Noodles",
    "王媽媽便當 Mama Wang Bento",
    "好味火鍋 Haowei Hotpot",
    "張府 Chang residence",
    "李府 Lee residence",
    "黃記豆花 Huang Douhua",
    "吳家早餐 Wu Breakfast",
    "劉府 Liu residence",
    "蔡記滷味 Tsai Luwei",
    "楊家牛肉麵 Yang Beef Noodles",
    "許府 Hsu residence",
    "鄭記炒飯 Cheng Fried Rice",
    "謝家餐廳 Hsieh Restaurant",
    "郭府 Kuo residence",
    "洪記魯肉飯 Hung Braised Pork",
    "曾府 Tseng residence",
    "邱家麵包 Chiu Bakery",
    "廖記熱炒 Liao Stir-fry",
    "賴府 Lai residence",
];
const DISTRICTS: [&str; 6] = ["大安區", "信義區", "中山區", "松山區", "萬華區", "士林區"];
const CYLINDERS: [&str; 3] = ["20kg", "16kg", "50kg"];
const FAILURES: [&str; 3] = ["customer not home", "address not found", "gas valve unsafe"];
const TICKET_TITLES: [&str; 10] = [
    "Driver cannot see order",
    "Wrong cylinder size delivered",
    "Payment page timeout",
    "Customer address not geocoded",
    "SMS confirmation missing",
    "Duplicate order created",
    "Driver app crash on photo upload",
    "Invoice total mismatch",
    "Route ignores road closure",
    "Login loop on LINE account",
];
const PRIORITIES: [&str; 4] = ["P1", "P2", "P3", "P4"];

const DAY_START: i64 = DAY_START_MINUTE as i64 * 60;
const DAY_END: i64 = DAY_END_MINUTE as i64 * 60;
/// Last moment a delivery may finish: the day's deliveries are over by 19:00.
const LAST_DROP: i64 = 18 * 3600 + 45 * 60;

impl World {
    pub fn new(seed: u64, scenario: Scenario, date: NaiveDate) -> Self {
        let mut rng = Rng::new(seed);
        // A hand-built Scenario may skip the file's 10–20 check; the world needs at least one
        // customer and has names for 20.
        let customers = customers(&mut rng, scenario.customers.clamp(1, NAMES.len() as u32));
        let mut deliveries = deliveries(&mut rng, customers.len());
        let mut tickets = tickets(&mut rng, customers.len());
        for incident in &scenario.incidents {
            let at = i64::from(incident.start_minute) * 60;
            match &incident.effect {
                Effect::StaleTicket { priority, title } => tickets.push(Ticket {
                    id: String::new(),
                    opened: at,
                    resolved: None,
                    priority: priority.clone(),
                    title: title.clone(),
                    customer: rng.range(0, customers.len() as u32 - 1) as usize,
                }),
                Effect::DeliveriesFailed { count } => {
                    fail_deliveries(&mut rng, &mut deliveries, customers.len(), at, *count)
                }
                _ => {}
            }
        }
        tickets.sort_by_key(|t| t.opened);
        for (n, t) in tickets.iter_mut().enumerate() {
            t.id = format!("LG-{}", 1001 + n);
        }
        let traffic = traffic(seed, &scenario);
        Self {
            seed,
            midnight: midnight(date),
            scenario,
            date,
            customers,
            deliveries,
            tickets,
            traffic,
        }
    }

    /// Seconds since midnight (launch zone) of an instant.
    pub fn second_of_day(&self, t: DateTime<Utc>) -> i64 {
        (t - self.midnight).num_seconds()
    }

    pub fn instant(&self, second_of_day: i64) -> DateTime<Utc> {
        self.midnight + Duration::seconds(second_of_day)
    }

    fn stamp(&self, second_of_day: i64) -> String {
        rfc3339(self.instant(second_of_day))
    }

    /// Minutes of traffic completed by second `s`: minute k (06:00 + k) counts once it is over.
    fn completed_minutes(&self, s: i64) -> usize {
        ((s - DAY_START).max(0) / 60).min(self.traffic.len() as i64) as usize
    }

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
        let p95 = percentile(&mut latencies, 0.95);
        let avg = if latencies.is_empty() {
            0.0
        } else {
            latencies.iter().sum::<f64>() / latencies.len() as f64
        };
        let up_minutes = (0..done)
            .filter(|m| {
                let sec = DAY_START + *m as i64 * 60;
                COMPONENTS.iter().all(|c| !self.component_down(c, sec))
            })
            .count();
        MetricsSummary {
            error_rate: if requests == 0 {
                0.0
            } else {
                round4(errors as f64 / requests as f64)
            },
            p95_ms: round1(p95),
            avg_ms: round1(avg),
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
                MinuteTruth {
                    minute: hhmm(DAY_START_MINUTE + m as u32),
                    requests: routes.iter().map(|r| r.requests).sum(),
                    errors: routes.iter().map(|r| r.errors).sum(),
                    p95_ms: round1(percentile(&mut lat, 0.95)),
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

fn customers(rng: &mut Rng, count: u32) -> Vec<Customer> {
    // A seeded shuffle picks which of the names take part, so seeds differ in who the pilot is.
    let mut names: Vec<&str> = NAMES.to_vec();
    for i in (1..names.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        names.swap(i, j);
    }
    names
        .into_iter()
        .take(count as usize)
        .enumerate()
        .map(|(n, name)| Customer {
            id: format!("C{:03}", n + 1),
            name: name.to_string(),
            district: rng.pick(&DISTRICTS).to_string(),
        })
        .collect()
}

fn deliveries(rng: &mut Rng, customers: usize) -> Vec<Delivery> {
    let mut out = Vec::new();
    for customer in 0..customers {
        for _ in 0..rng.range(1, 3) {
            // Orders come in through the morning; drivers go out in slots until late
            // afternoon, so the day has deliveries on the road at every hour.
            let created = i64::from(rng.range(6 * 60, 12 * 60)) * 60 + i64::from(rng.range(0, 59));
            let assigned = created + i64::from(rng.range(5, 40)) * 60;
            let slot = i64::from(rng.range(7 * 60, 17 * 60 + 30)) * 60;
            let out_at = slot.max(assigned + i64::from(rng.range(10, 30)) * 60);
            let done = (out_at + i64::from(rng.range(15, 75)) * 60).min(LAST_DROP);
            let out_at = out_at.min(done - 60);
            let failed = (rng.unit() < 0.03).then(|| rng.pick(&FAILURES));
            // Ratings lean high, as a pilot's first customers' do.
            let rating = match rng.unit() {
                u if u < 0.03 => 2,
                u if u < 0.10 => 3,
                u if u < 0.40 => 4,
                _ => 5,
            };
            out.push(Delivery {
                id: String::new(),
                order_id: String::new(),
                customer,
                cylinder: rng.pick(&CYLINDERS),
                created,
                assigned,
                out: out_at,
                done,
                failed,
                rating,
            });
        }
    }
    out.sort_by_key(|d| (d.created, d.customer));
    for (n, d) in out.iter_mut().enumerate() {
        d.id = format!("D-{}", 5001 + n);
        d.order_id = format!("O-{}", 20001 + n);
    }
    out
}

/// Makes `count` deliveries fail at `at`: those on the road then first, then those not yet
/// out; if the day has too few, extra afternoon orders are added for the purpose.
fn fail_deliveries(
    rng: &mut Rng,
    deliveries: &mut Vec<Delivery>,
    customers: usize,
    at: i64,
    count: u32,
) {
    let mut candidates: Vec<usize> = (0..deliveries.len())
        .filter(|i| {
            let d = &deliveries[*i];
            d.failed.is_none() && d.created < at - 120 && d.done > at
        })
        .collect();
    // On the road first, then by id: deterministic and the most plausible failures.
    candidates.sort_by_key(|i| (deliveries[*i].out > at, *i));
    for k in 0..count as usize {
        // A minute apart, and never after 19:00: the day's deliveries are settled by then.
        let when = (at + k as i64 * 60).min(DAY_END).max(at);
        match candidates.get(k) {
            Some(i) => {
                let d = &mut deliveries[*i];
                d.done = when;
                // Keep the steps in order: created ≤ assigned ≤ out ≤ failed.
                d.assigned = d.assigned.min(when - 90).max(d.created);
                d.out = d.out.min(when - 60).max(d.assigned);
                d.failed = Some(rng.pick(&FAILURES));
            }
            None => {
                let n = deliveries.len();
                let created = (at - 3 * 3600).max(DAY_START).min(when);
                let step = (when - created) / 3;
                deliveries.push(Delivery {
                    id: format!("D-{}", 5001 + n),
                    order_id: format!("O-{}", 20001 + n),
                    customer: rng.range(0, customers as u32 - 1) as usize,
                    cylinder: rng.pick(&CYLINDERS),
                    created,
                    assigned: created + step,
                    out: created + 2 * step,
                    done: when,
                    failed: Some(rng.pick(&FAILURES)),
                    rating: 5,
                });
            }
        }
    }
}

fn tickets(rng: &mut Rng, customers: usize) -> Vec<Ticket> {
    (0..rng.range(6, 9))
        .map(|_| {
            let opened = i64::from(rng.range(6 * 60 + 30, 17 * 60 + 30)) * 60;
            // Support answers within the 2 h target on a normal day; only the scenario breaches.
            let resolved = opened + i64::from(rng.range(10, 100)) * 60;
            Ticket {
                id: String::new(),
                opened,
                resolved: Some(resolved),
                priority: rng.pick(&PRIORITIES[1..]).to_string(),
                title: rng.pick(&TICKET_TITLES).to_string(),
                customer: rng.range(0, customers as u32 - 1) as usize,
            }
        })
        .collect()
}

/// Traffic through the day: volume follows the day's rhythm (a morning rush of orders, a
/// lunch lull); errors and latency follow the scenario's incidents.
fn traffic(seed: u64, scenario: &Scenario) -> Vec<Vec<RouteMinute>> {
    let mut requests_seen = Kronecker::new(seed);
    (DAY_START_MINUTE..DAY_END_MINUTE)
        .map(|minute| {
            let rhythm = match minute / 60 {
                7..=10 => 1.3,
                12 | 13 => 0.8,
                18 => 0.6,
                _ => 1.0,
            };
            let active = |f: &dyn Fn(&Effect) -> Option<f64>| {
                scenario
                    .incidents
                    .iter()
                    .filter(|i| i.covers(minute))
                    .find_map(|i| f(&i.effect))
            };
            let error_percent = active(&|e| match e {
                Effect::ErrorRate { percent } => Some(*percent),
                _ => None,
            })
            .unwrap_or(scenario.base_error_percent);
            let p95 = active(&|e| match e {
                Effect::Latency { p95_ms } => Some(*p95_ms),
                _ => None,
            });
            let down = |component: &str| {
                scenario.incidents.iter().any(|i| {
                    i.covers(minute)
                        && matches!(&i.effect, Effect::ComponentDown { component: c } if c == component)
                })
            };
            ROUTES
                .iter()
                .enumerate()
                .map(|(n, route)| {
                    let key = |k: u64| hash_unit(seed, u64::from(minute), n as u64, k);
                    let volume = route.per_minute * rhythm * (0.85 + 0.3 * key(0));
                    let requests = (volume + key(1)).floor().max(1.0) as u32;
                    let unavailable = down("db") || route.needs.is_some_and(down);
                    let median = match p95 {
                        // An incident sets the p95 of every route, so the total's p95 is it too.
                        Some(p95) => median_for_p95(p95),
                        None => median_for_p95(scenario.base_p95_ms) * route.slowness,
                    };
                    let mut errors = 0;
                    let latencies_ms = (0..requests)
                        .map(|_| {
                            let (u, v) = requests_seen.next();
                            if v < error_percent / 100.0 {
                                errors += 1;
                            }
                            round1(latency_quantile(median, u))
                        })
                        .collect();
                    let (errors, error_status) = if unavailable {
                        (requests, 503)
                    } else {
                        (errors, 500)
                    };
                    RouteMinute {
                        requests,
                        errors,
                        error_status,
                        latencies_ms,
                    }
                })
                .collect()
        })
        .collect()
}

/// The day's requests, in order, each with a point (u, v) of a 2-D Kronecker sequence:
/// u picks the latency quantile, v whether it fails. Any run of consecutive requests covers
/// [0, 1)² evenly, so every 5-minute window shows the error rate and the p95 the scenario asks
/// for within a request or two, where independent draws would stray by a percent or more.
struct Kronecker {
    k: f64,
    phase: (f64, f64),
}

impl Kronecker {
    /// 1, the golden ratio's conjugate and √2 − 1 are independent over the rationals, which
    /// makes the pairs equidistributed.
    const STEP: (f64, f64) = (0.618_033_988_749_894_9, 0.414_213_562_373_095_1);

    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0x0005_EED0_FDA7);
        Self {
            k: 0.0,
            phase: (rng.unit(), rng.unit()),
        }
    }

    fn next(&mut self) -> (f64, f64) {
        self.k += 1.0;
        (
            (self.phase.0 + self.k * Self::STEP.0).fract(),
            (self.phase.1 + self.k * Self::STEP.1).fract(),
        )
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

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentHealth {
    pub status: &'static str,
}

impl ComponentHealth {
    fn new(up: bool) -> Self {
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
    /// 5xx / requests over the last five completed minutes (0.06 = 6 %).
    pub error_rate: f64,
    pub p95_ms: f64,
    pub avg_ms: f64,
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

/// Seconds of the simulated day's bounds, for callers that clamp.
pub const DAY_BOUNDS: (i64, i64) = (DAY_START, DAY_END);
