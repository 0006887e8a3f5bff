//! The simulated LuckyGas backend's world: pilot customers, the day's orders and their
//! deliveries, support tickets, and per-minute request traffic.
//!
//! Everything is laid out once, from the seed, the date and the scenario, as a timetable (when
//! each delivery moves on, when each ticket opens and closes, what each minute's requests
//! were). The state at an instant is then read off the timetable, so it is a pure function of
//! (seed, scenario, date, instant): any instant can be asked for, in any order, and tests can
//! jump. Each date is a day of its own (a pilot week is seven different days), and the same
//! seed and date always give the same day, whether it is served alone or within a run of days.
//!
//! - [`rng`]: the seeded randomness. [`timetable`]: the day laid out.
//! - [`queries`]: the state at an instant. [`views`]: the answers' shapes.

mod queries;
mod rng;
mod timetable;
mod views;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::clock::{midnight, rfc3339};
use super::scenario::{Effect, Scenario};
use timetable::{
    DAY_END, DAY_START, NAMES, customers, deliveries, fail_deliveries, tickets, traffic,
};

pub use rng::Rng;
pub use timetable::{
    BUCKETS, Customer, Delivery, DeliveryState, ROUTES, Route, RouteMinute, Ticket,
};
pub use views::*;

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

impl World {
    pub fn new(seed: u64, scenario: Scenario, date: NaiveDate) -> Self {
        let day_seed = day_seed(seed, date);
        let mut rng = Rng::new(day_seed);
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
        let traffic = traffic(day_seed, &scenario);
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
}

/// The seed of one date's day: the run's seed and the date, mixed, so that every date of a
/// pilot is a day of its own and a day does not depend on which run serves it.
pub fn day_seed(seed: u64, date: NaiveDate) -> u64 {
    use chrono::Datelike;
    rng::mix(seed ^ rng::mix(date.num_days_from_ce() as u64))
}

/// Seconds of the simulated day's bounds, for callers that clamp.
pub const DAY_BOUNDS: (i64, i64) = (DAY_START, DAY_END);
