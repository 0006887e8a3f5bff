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

pub struct Sim {
    pub world: World,
    pub clock: SimClock,
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

/// The second of the day to answer for: `?at=` when given, else the simulated now.
/// A bad `?at=` is a 400 that says why (boxed: a `Response` is large for an error value).
fn second(sim: &Sim, at: &At) -> Result<i64, Box<Response>> {
    let instant = match &at.at {
        Some(text) => parse_at(text, sim.world.date).map_err(|e| {
            Box::new(
                (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": format!("at: {e:#}")})),
                )
                    .into_response(),
            )
        })?,
        None => sim.clock.now(),
    };
    Ok(sim.world.second_of_day(instant))
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
        Ok(s) => Json(f(&sim.world, s)).into_response(),
        Err(response) => *response,
    }
}

async fn health(State(sim): State<Shared>, Query(at): Query<At>) -> Response {
    match second(&sim, &at) {
        Ok(s) => {
            let h = sim.world.health(s);
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
        Ok(s) => {
            let down = sim.world.component_down(&component, s);
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
        Ok(s) => (
            [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
            metrics::exposition(&sim.world, s),
        )
            .into_response(),
        Err(response) => *response,
    }
}

async fn clock(State(sim): State<Shared>) -> Response {
    let now = sim.clock.now();
    let (day_start, day_end) = super::world::DAY_BOUNDS;
    Json(json!({
        "now": rfc3339(now),
        "start": rfc3339(sim.clock.start()),
        "speed": sim.clock.speed(),
        "seed": sim.world.seed,
        "scenario": sim.world.scenario.name,
        "day_start": rfc3339(sim.world.instant(day_start)),
        "day_end": rfc3339(sim.world.instant(day_end)),
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
