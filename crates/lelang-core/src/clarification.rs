//! Clarification (pemberian penjelasan, aanwijzing): registered vendors ask, the pokja answers in
//! public, and the minutes are generated from the questions and answers. Who asked is hidden from
//! other vendors and from the public log (a commitment only): a question should be judged by its
//! content, and knowing one's competitors makes collusion easier.

use crate::command::{Change, CommandError};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{PackageId, QuestionId, TenantId, UserId, VendorId};
use crate::pokja::PokjaAssignment;
use crate::policy::{Action, Actor, Denied, authorize};
use crate::role::Role;
use crate::rules::StageKind;
use crate::tender::{PublicTender, TenderSetup};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A question and, once given, its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Its id.
    pub id: QuestionId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The tender.
    pub package_id: PackageId,
    /// Who asked (never shown to other vendors or the public).
    pub vendor_id: VendorId,
    /// The question.
    pub text: String,
    /// When it was asked.
    #[serde(with = "time::serde::rfc3339")]
    pub asked_at: OffsetDateTime,
    /// The pokja's answer.
    pub answer: Option<String>,
    /// Which member answered.
    pub answered_by: Option<UserId>,
    /// When.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
}

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

fn body(field: &'static str, s: &str) -> Result<String, CommandError> {
    let s = s.trim();
    let n = s.chars().count();
    if !(5..=4000).contains(&n) || !crate::text::is_clean_prose(s) {
        return Err(invalid(field, "clarification-text"));
    }
    Ok(s.replace("\r\n", "\n"))
}

/// When the clarification closes: the end of its stage (or of the announcement stage for a method
/// without one).
pub fn closes_at(setup: &TenderSetup) -> Option<OffsetDateTime> {
    let times = setup.schedule().times();
    times
        .iter()
        .find(|t| t.kind == StageKind::Clarification)
        .or_else(|| times.iter().find(|t| t.kind == StageKind::Announcement))
        .map(|t| t.end)
}

/// A registered vendor asks, from the announcement until the clarification closes.
pub fn ask(
    actor: &Actor,
    vendor: VendorId,
    tender: &PublicTender,
    setup: &TenderSetup,
    registered: bool,
    text: &str,
    cx: &Cx<'_>,
) -> Result<(Question, Change<Mutation>), CommandError> {
    let now = cx.now;
    authorize(actor, Action::ActForVendor(vendor))?;
    let by = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if !registered {
        return Err(invalid("package_id", "not-registered"));
    }
    if closes_at(setup).is_none_or(|end| now >= end) {
        return Err(invalid("text", "clarification-closed"));
    }
    let q = Question {
        id: cx.id(),
        tenant_id: tender.tenant_id,
        package_id: tender.package_id,
        vendor_id: vendor,
        text: body("text", text)?,
        asked_at: now,
        answer: None,
        answered_by: None,
        answered_at: None,
    };
    let event = NewEvent::new(
        cx,
        Some(tender.tenant_id),
        Some(by.user_id),
        Some(Role::Vendor),
        &Event::QuestionAsked {
            question_id: q.id,
            package_id: q.package_id,
            vendor_id: vendor,
            text: q.text.clone(),
        },
    )?;
    Ok((
        q.clone(),
        Change {
            events: vec![event],
            mutations: vec![Mutation::InsertQuestion(q)],
        },
    ))
}

/// A member of the tender's pokja answers a question, once, in public, until the submission
/// deadline (an answer after the clarification still helps every bidder equally).
pub fn answer(
    actor: &Actor,
    question: &Question,
    tender: &PublicTender,
    assignment: Option<&PokjaAssignment>,
    text: &str,
    cx: &Cx<'_>,
) -> Result<(Question, Change<Mutation>), CommandError> {
    let now = cx.now;
    authorize(actor, Action::RunTender(tender.tenant_id))?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if !assignment.is_some_and(|p| p.members.contains(&a.user_id)) {
        return Err(Denied::Forbidden.into());
    }
    if question.answer.is_some() {
        return Err(invalid("question_id", "already-answered"));
    }
    if now >= tender.submission_deadline {
        return Err(invalid("text", "tender-closed"));
    }
    let text = body("text", text)?;
    let q = Question {
        answer: Some(text.clone()),
        answered_by: Some(a.user_id),
        answered_at: Some(now),
        ..question.clone()
    };
    let event = NewEvent::new(
        cx,
        Some(tender.tenant_id),
        Some(a.user_id),
        Some(a.role),
        &Event::QuestionAnswered {
            question_id: q.id,
            package_id: q.package_id,
            answer: text,
        },
    )?;
    Ok((
        q.clone(),
        Change {
            events: vec![event],
            mutations: vec![Mutation::AnswerQuestion(q)],
        },
    ))
}

/// The minutes of the clarification (berita acara pemberian penjelasan) as plain text, in
/// Indonesian as the law requires: the tender, the size of its pokja, and every question with its answer,
/// numbered in the order asked, without the names of those who asked.
pub fn minutes_text(
    tender: &PublicTender,
    regency: &str,
    pokja_size: usize,
    questions: &[Question],
    local_now: &str,
) -> String {
    use std::fmt::Write;
    let mut qs: Vec<&Question> = questions.iter().collect();
    qs.sort_by_key(|q| q.asked_at);
    let mut s = String::new();
    let _ = writeln!(s, "BERITA ACARA PEMBERIAN PENJELASAN");
    let _ = writeln!(s, "{regency}");
    let _ = writeln!(s);
    let _ = writeln!(s, "Paket        : {}", tender.name);
    let _ = writeln!(s, "Kode paket   : {}", tender.package_id);
    let _ = writeln!(s, "Lokasi       : {}", tender.location);
    let _ = writeln!(s, "Dibuat pada  : {local_now}");
    let _ = writeln!(s, "Jumlah pertanyaan: {}", qs.len());
    let _ = writeln!(s);
    for (i, q) in qs.iter().enumerate() {
        let _ = writeln!(s, "{}. Pertanyaan:", i + 1);
        for line in q.text.lines() {
            let _ = writeln!(s, "   {line}");
        }
        let _ = writeln!(s, "   Jawaban:");
        match &q.answer {
            Some(a) => {
                for line in a.lines() {
                    let _ = writeln!(s, "   {line}");
                }
            }
            None => {
                let _ = writeln!(s, "   (belum dijawab)");
            }
        }
        let _ = writeln!(s);
    }
    // The minutes are public: who sits on the pokja is not, while the tender runs (its members
    // are shielded from pressure); the assignment is on the record for officials and auditors.
    let _ = writeln!(
        s,
        "Pokja Pemilihan: {pokja_size} anggota. Nama anggota tidak diumumkan selama tender berjalan;\nsusunan pokja tercatat dalam sistem dan dapat diperiksa oleh auditor."
    );
    s
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A registered company asked a clarification question (who: committed, not shown).
    QuestionAsked {
        /// The question.
        question_id: crate::ids::QuestionId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
        /// The question.
        text: String,
    },
    /// The pokja answered a question.
    QuestionAnswered {
        /// The question.
        question_id: crate::ids::QuestionId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The answer.
        answer: String,
    },
}

crate::privacy::event_table! {
    QuestionAsked "question_asked" actor: PARTICIPANT, role: PUBLIC, {
        question_id: PUBLIC => "the question",
        package_id: PUBLIC => "the tender",
        vendor_id: PARTICIPANT => "who asked is kept from competitors",
        text: PUBLIC => "questions are answered in public",
    }
    QuestionAnswered "question_answered" actor: PERSONAL, role: PUBLIC, {
        question_id: PUBLIC => "the question",
        package_id: PUBLIC => "the tender",
        answer: PUBLIC => "answers are public",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A clarification question.
    InsertQuestion(crate::clarification::Question),
    /// A question's answer (the question as answered; refused if it was answered already).
    AnswerQuestion(crate::clarification::Question),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{actor, now, world};
    use time::Duration;

    #[test]
    fn registered_vendors_ask_until_the_clarification_closes_and_the_pokja_answers_once() {
        let w = world();
        let setup = w.setup();
        let tender = w.announced(&setup);
        let vendor = VendorId::new();
        let v = actor(Role::Vendor, None, None, Some(vendor));
        let text = "Apakah beton boleh ready mix?";
        assert_eq!(
            ask(
                &v,
                vendor,
                &tender,
                &setup,
                false,
                text,
                &crate::fixtures::cx(now())
            )
            .expect_err("not registered"),
            invalid("package_id", "not-registered")
        );
        let other = actor(Role::Vendor, None, None, Some(VendorId::new()));
        assert!(matches!(
            ask(
                &other,
                vendor,
                &tender,
                &setup,
                true,
                text,
                &crate::fixtures::cx(now())
            ),
            Err(CommandError::Denied(_))
        ));
        let closes = closes_at(&setup).expect("clarification");
        assert_eq!(
            ask(
                &v,
                vendor,
                &tender,
                &setup,
                true,
                text,
                &crate::fixtures::cx(closes)
            )
            .expect_err("closed"),
            invalid("text", "clarification-closed")
        );
        let (q, change) = ask(
            &v,
            vendor,
            &tender,
            &setup,
            true,
            text,
            &crate::fixtures::cx(now()),
        )
        .expect("ask");
        assert_eq!(change.events[0].event_type, "question_asked");
        let outsider = crate::fixtures::member(UserId::new(), w.tenant);
        assert!(matches!(
            answer(
                &outsider,
                &q,
                &tender,
                Some(&w.pokja),
                "Boleh.",
                &crate::fixtures::cx(now())
            ),
            Err(CommandError::Denied(_))
        ));
        let (answered, _) = answer(
            &w.lead(),
            &q,
            &tender,
            Some(&w.pokja),
            "Boleh, mutu K-300.",
            &crate::fixtures::cx(now()),
        )
        .expect("answer");
        assert_eq!(
            answer(
                &w.lead(),
                &answered,
                &tender,
                Some(&w.pokja),
                "Lagi.",
                &crate::fixtures::cx(now())
            )
            .expect_err("once"),
            invalid("question_id", "already-answered")
        );
        let late = tender.submission_deadline + Duration::minutes(1);
        assert_eq!(
            answer(
                &w.lead(),
                &q,
                &tender,
                Some(&w.pokja),
                "Boleh.",
                &crate::fixtures::cx(late)
            )
            .expect_err("late"),
            invalid("text", "tender-closed")
        );
        let minutes = minutes_text(
            &tender,
            "Pemerintah Kabupaten Banyuwangi",
            3,
            &[answered],
            "2026-11-02 09:00 WIB",
        );
        assert!(minutes.starts_with("BERITA ACARA PEMBERIAN PENJELASAN"));
        assert!(minutes.contains("1. Pertanyaan:\n   Apakah beton boleh ready mix?"));
        assert!(minutes.contains("Boleh, mutu K-300."));
        assert!(minutes.contains("Pokja Pemilihan: 3 anggota."));
        assert!(
            !minutes.contains(&vendor.to_string()),
            "who asked stays out of the minutes"
        );
    }
}
