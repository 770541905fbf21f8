//! Every stage's mutations under one enum: what the store applies.
//!
//! Each stage owns the enum of its mutations (`crate::plan::Mutation`, …) and its commands return
//! a [`Change`](crate::command::Change) of them; [`Change::lift`](crate::command::Change::lift)
//! turns it into a change of this enum for the store.

use crate::sealing::opening;
use crate::{
    appeal, award_letter, calendar, cancellation, case, clarification, complaint, contract, directory,
    document, evaluation, execution, handover, objection, package, period, plan, pokja, sealing,
    second_factor, submission, tender, vendor,
};

/// Writes the top-level enum over each stage's `Mutation` and its conversions.
macro_rules! stages {
    ($( $(#[$doc:meta])* $stage:ident => $module:ident ),* $(,)?) => {
        /// A state mutation of whichever stage, always applied together with the events that
        /// explain it.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Mutation {
            $( $(#[$doc])* $stage($module::Mutation), )*
        }

        $( impl From<$module::Mutation> for Mutation {
            fn from(m: $module::Mutation) -> Self {
                Self::$stage(m)
            }
        } )*
    };
}

crate::stages::for_each_stage!(stages);
