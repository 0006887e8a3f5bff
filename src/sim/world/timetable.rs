//! The day laid out once as a timetable: the routes and their traffic per minute, the pilot's
//! customers, each delivery's steps and each ticket's life, from the seed and the scenario.

use super::rng::{Kronecker, Rng, hash_unit};
use crate::sim::scenario::{DAY_END_MINUTE, DAY_START_MINUTE, Effect, Scenario};
use serde::Serialize;

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

pub(super) fn latency_quantile(median_ms: f64, u: f64) -> f64 {
    let u = u.clamp(1e-6, 1.0 - 1e-6);
    (median_ms * (u / (1.0 - u)).powf(1.0 / SHAPE)).min(10_000.0)
}

pub(super) fn median_for_p95(p95_ms: f64) -> f64 {
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

pub(super) const NAMES: [&str; 20] = [
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

pub(super) const DAY_START: i64 = DAY_START_MINUTE as i64 * 60;
pub(super) const DAY_END: i64 = DAY_END_MINUTE as i64 * 60;
/// Last moment a delivery may finish: the day's deliveries are over by 19:00.
const LAST_DROP: i64 = 18 * 3600 + 45 * 60;

pub(super) fn customers(rng: &mut Rng, count: u32) -> Vec<Customer> {
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

pub(super) fn deliveries(rng: &mut Rng, customers: usize) -> Vec<Delivery> {
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
pub(super) fn fail_deliveries(
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

pub(super) fn tickets(rng: &mut Rng, customers: usize) -> Vec<Ticket> {
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
pub(super) fn traffic(seed: u64, scenario: &Scenario) -> Vec<Vec<RouteMinute>> {
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

/// One decimal, as the backend answers its latencies.
pub(super) fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
