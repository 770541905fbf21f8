//! The stages, listed once: [`crate::payload`] gathers their events and [`crate::mutation`] their
//! mutations from this list, so a new stage is one line here, after the stages it builds on.

/// Calls `$callback!` with every stage as `Variant => module`, each with its doc comment.
macro_rules! for_each_stage {
    ($callback:ident) => {
        $callback! {
            /// Regencies, work units, companies, users, roles, sessions and tokens.
            Directory => directory,
            /// Officials' second factor.
            SecondFactor => second_factor,
            /// The procurement plan (RUP).
            Plan => plan,
            /// Days off.
            Calendar => calendar,
            /// Packages and their owner's estimate.
            Package => package,
            /// Packages handed over to the procurement unit, and their conversations.
            Handover => handover,
            /// Pokja assignment and declarations.
            Pokja => pokja,
            /// A tender's schedule and announcement.
            Tender => tender,
            /// Companies' profiles, verifications and registrations for tenders.
            Vendor => vendor,
            /// Tender documents.
            Document => document,
            /// Questions and answers.
            Clarification => clarification,
            /// Sealing keys and the key ceremony.
            Sealing => sealing,
            /// Sealed bids and the closing.
            Submission => submission,
            /// The opening.
            Opening => opening,
            /// Evaluation, qualification and award.
            Evaluation => evaluation,
            /// A tender cancelled by its budget holder.
            Cancellation => cancellation,
            /// Objections to an award (sanggah).
            Objection => objection,
            /// Appeals of construction bidders (sanggah banding).
            Appeal => appeal,
            /// The ends of the periods after an award, put on the log by the server's timer.
            Period => period,
            /// The letter of award (SPPBJ) and the company's response.
            AwardLetter => award_letter,
            /// The contract: drafted, guaranteed, signed, and its work order.
            Contract => contract,
            /// The contract's execution: milestones, payments, amendments, handover, rating.
            Execution => execution,
            /// Complaints (pengaduan) to the regency's auditor.
            Complaint => complaint,
            /// MoUs with law enforcement and the cases escalated under them.
            Case => case,
        }
    };
}
pub(crate) use for_each_stage;
