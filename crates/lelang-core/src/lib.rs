//! The pure domain core of lelang.
//!
//! Everything here is deterministic and free of I/O so that the rules of procurement can be tested
//! exhaustively without a database: identifiers, roles and the one authorization policy, the
//! commands that turn a request into events, canonical JSON for the event log, the password rules,
//! and the [`Store`](store::Store) trait that the backends implement.

pub mod appeal;
pub mod award_letter;
pub mod calendar;
pub mod cancellation;
pub mod canonical;
pub mod case;
pub mod clarification;
pub mod clock;
pub mod command;
pub mod complaint;
pub mod contract;
pub mod dashboard;
pub mod directory;
pub mod document;
pub mod evaluation;
pub mod event;
pub mod execution;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod fresh;
pub mod handover;
pub mod ids;
pub mod model;
pub mod mutation;
pub mod objection;
pub mod package;
pub mod password;
pub mod payload;
pub mod period;
pub mod plan;
pub mod pokja;
pub mod policy;
pub mod price;
pub mod privacy;
pub mod public;
pub mod qualification;
pub mod role;
pub mod rules;
pub mod schedule;
pub mod sealing;
pub mod second_factor;
mod stages;
pub mod stem;
pub mod store;
pub mod submission;
pub mod tender;
pub mod text;
pub mod vendor;

pub use clock::{Clock, FixedClock, SystemClock};
pub use event::Event;
pub use fresh::{Cx, Fresh};
pub use ids::{
    ApiTokenId, DocumentId, EventId, PackageId, PlanItemId, QuestionId, SessionId, TenantId, UserId,
    VendorId, WorkUnitId,
};
pub use mutation::Mutation;
pub use payload::EventPayload;
pub use policy::{Action, Actor, Denied};
pub use role::Role;
pub use store::{Conflict, Store, StoreError, Unique};
