//! The demo backend's HTTP API (axum): the real backend's endpoints and shapes, plus `/sim/*`
//! for the truth behind them. Every endpoint takes `?at=INSTANT` to answer for that simulated
//! instant instead of the simulated now, so tests and rehearsals can jump anywhere in the day.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

use super::clock::{SimClock, rfc3339};
use super::metrics;
use super::scenario::COMPONENTS;
use super::world::World;

/// The days the backend serves, one [`World`] per date from the first, and its clock.
pub struct Sim {
    pub days: Vec<World>,
    pub clock: SimClock,
}

impl Sim {
    /// The day an instant falls on, and the second of that day it is. Before the first date
    /// the first day answers (nothing has happened yet), after the last the last one does
    /// (its day is over): a run of days behaves at its ends as a single day always has.
    pub fn locate(&self, instant: chrono::DateTime<chrono::Utc>) -> Option<(&World, i64)> {
        let date = instant.with_timezone(&super::clock::ZONE).date_naive();
        let world =
            self.days
                .iter()
                .find(|w| w.date == date)
                .or_else(|| match self.days.first() {
                    Some(first) if date < first.date => Some(first),
                    _ => self.days.last(),
                })?;
        Some((world, world.second_of_day(instant)))
    }

    /// The date of the day being played now, for `?at=` given as a bare time of day.
    fn today(&self) -> Option<chrono::NaiveDate> {
        self.locate(self.clock.now()).map(|(w, _)| w.date)
    }
}

type Shared = Arc<Sim>;

#[derive(Debug, Deserialize)]
pub struct At {
    at: Option<String>,
}

pub fn router(sim: Shared) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/health/{component}", get(component_health))
        .route("/api/deliveries", get(deliveries))
        .route("/api/deliveries/summary", get(delivery_summary))
        .route("/api/tickets", get(tickets))
        .route("/api/tickets/summary", get(ticket_summary))
        .route("/api/metrics/summary", get(metrics_summary))
        .route("/api/satisfaction", get(satisfaction))
        .route("/metrics", get(prometheus))
        .route("/sim/truth", get(truth))
        .route("/sim/clock", get(clock))
        .fallback(not_found)
        .with_state(sim)
}

/// The day and second to answer for: `?at=` when given, else the simulated now. A bad
/// `?at=` is a 400 that says why (boxed: a `Response` is large for an error value).
fn second<'a>(sim: &'a Sim, at: &At) -> Result<(&'a World, i64), Box<Response>> {
    let bad = |message: String| {
        Box::new((StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response())
    };
    let today = sim
        .today()
        .ok_or_else(|| bad("the backend has no day to serve".to_string()))?;
    let instant = match &at.at {
        Some(text) => parse_at(text, today).map_err(|e| bad(format!("at: {e:#}")))?,
        None => sim.clock.now(),
    };
    sim.locate(instant)
        .ok_or_else(|| bad("the backend has no day to serve".to_string()))
}

/// `?at=`, forgiving an unencoded `+08:00`: query decoding turns that `+` into a space, and
/// clients written by hand (curl, a panel's config) rarely encode it.
fn parse_at(text: &str, date: chrono::NaiveDate) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    super::clock::parse_instant(text, date).or_else(|e| match text.trim().rsplit_once(' ') {
        Some((instant, offset)) if instant.contains('T') => {
            super::clock::parse_instant(&format!("{instant}+{offset}"), date).map_err(|_| e)
        }
        _ => Err(e),
    })
}

/// Runs `f` at the requested second, turning a bad `?at=` into a 400.
fn answer<T: serde::Serialize>(sim: &Sim, at: &At, f: impl FnOnce(&World, i64) -> T) -> Response {
    match second(sim, at) {
        Ok((world, s)) => Json(f(world, s)).into_response(),
        Err(response) => *response,
    }
}

async fn health(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    match second(&sim, &at) {
        Ok((world, s)) => {
            let h = world.health(s);
            // Like Spring Boot's actuator: a DOWN aggregate answers 503 so load balancers act.
            let code = if h.status == "UP" {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            (code, Json(h)).into_response()
        }
        Err(response) => *response,
    }
}

async fn component_health(
    State(sim): State<Shared>,
    Path(component): Path<String>,
    Query(at): Query<At>,
) -> Response {
    if !COMPONENTS.contains(&component.as_str()) {
        return not_found().await;
    }
    match second(&sim, &at) {
        Ok((world, s)) => {
            let down = world.component_down(&component, s);
            let code = if down {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::OK
            };
            let status = if down { "DOWN" } else { "UP" };
            (code, Json(json!({ "status": status }))).into_response()
        }
        Err(response) => *response,
    }
}

async fn deliveries(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    answer(&sim, &at, World::delivery_list)
}

async fn delivery_summary(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    answer(&sim, &at, World::delivery_summary)
}

async fn tickets(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    answer(&sim, &at, World::ticket_list)
}

async fn ticket_summary(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    answer(&sim, &at, World::ticket_summary)
}

async fn metrics_summary(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    answer(&sim, &at, World::metrics_summary)
}

async fn satisfaction(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    answer(&sim, &at, World::satisfaction)
}

async fn truth(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    answer(&sim, &at, World::truth)
}

async fn prometheus(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    match second(&sim, &at) {
        Ok((world, s)) => (
            [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
            metrics::exposition(world, s),
        )
            .into_response(),
        Err(response) => *response,
    }
}

async fn clock(State(sim): State<Shared>) -> Response {
    let now = sim.clock.now();
    let (day_start, day_end) = super::world::DAY_BOUNDS;
    let Some((world, _)) = sim.locate(now) else {
        return not_found().await;
    };
    let dates: Vec<String> = sim.days.iter().map(|w| w.date.to_string()).collect();
    Json(json!({
        "now": rfc3339(now),
        "start": rfc3339(sim.clock.start()),
        "speed": sim.clock.speed(),
        "seed": world.seed,
        "scenario": world.scenario.name,
        "date": world.date.to_string(),
        "dates": dates,
        "day_start": rfc3339(world.instant(day_start)),
        "day_end": rfc3339(world.instant(day_end)),
    }))
    .into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"status": 404, "error": "Not Found"})),
    )
        .into_response()
}
