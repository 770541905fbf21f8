//! Evaluation scenarios, one per method, with the arithmetic written out by hand.

use super::rank::{self, BidStatus, Discrepancy, FailureReason};
use super::*;
use crate::command::CommandError;
use crate::fixtures::{cx, member, now, world};
use crate::ids::CeremonyId;
use crate::policy::{Actor, Denied};
use crate::price::{PriceLine, PriceSchedule, Volume};
use crate::role::Role;
use crate::sealing::{BidOutcome, Opening, OpeningBid};
use time::Duration;

/// A schedule of (volume, unit price, amount written) lines; the written total is their sum.
pub(crate) fn schedule(lines: &[(&str, Rupiah, Rupiah)]) -> PriceSchedule {
    PriceSchedule {
        lines: lines
            .iter()
            .map(|(v, p, a)| PriceLine {
                item: "pekerjaan".into(),
                unit: "m3".into(),
                volume: Volume::parse(v).expect("volume"),
                unit_price: *p,
                amount: *a,
            })
            .collect(),
        total: lines.iter().map(|l| l.2).sum(),
        life_cycle: vec![],
    }
}

/// A test tender: the fixtures' world with the evaluation method and the opened bids given.
pub(crate) struct T {
    pub(crate) w: crate::fixtures::World,
    pub(crate) e: Evaluation,
    pub(crate) ids: Vec<BidId>,
}

pub(crate) fn start(method: EvaluationMethod, bids: Vec<Option<PriceSchedule>>) -> T {
    let w = world();
    let mut setup = w.setup();
    setup.evaluation = method;
    let tender = w.announced(&setup);
    let ids: Vec<BidId> = bids.iter().map(|_| BidId::new()).collect();
    let opening = Opening {
        tenant_id: w.tenant,
        package_id: w.package.id,
        ceremony_id: CeremonyId::new(),
        bids: bids
            .into_iter()
            .zip(&ids)
            .enumerate()
            .map(|(i, (s, id))| OpeningBid {
                bid_id: *id,
                vendor_id: VendorId::new(),
                sha256: "00".repeat(32),
                size: 1,
                log_index: Some(10 + i as u64),
                points: vec![],
                problem: None,
                outcome: Some(BidOutcome {
                    opened: true,
                    reason: None,
                    plaintext_sha256: Some("11".repeat(32)),
                    plaintext_size: Some(1),
                    price: s.as_ref().map(|s| s.total),
                    schedule: s,
                    documents: vec![],
                }),
            })
            .collect(),
        partials: vec![],
        started_at: now(),
        completed_at: Some(now()),
        version: 3,
    };
    let (e, change) = begin(
        &w.lead(),
        &Begin {
            tender: &tender,
            setup: &setup,
            assignment: &w.pokja,
            opening: &opening,
            rules: &w.rules,
        },
        None,
        &cx(now()),
    )
    .expect("begins");
    assert_eq!(change.events.len(), 1);
    T { w, e, ids }
}

impl T {
    pub(crate) fn m(&self, i: usize) -> Actor {
        member(self.w.pokja.members[i], self.w.tenant)
    }

    /// Members 0 and 1 (a majority of three) agree on a step.
    pub(crate) fn both(&mut self, bid: usize, step: Step, pass: bool) {
        for i in 0..2 {
            self.finding(i, bid, step, pass, None).expect("finding");
        }
        assert_eq!(self.e.decision(self.ids[bid], step).map(|d| d.pass), Some(pass));
    }

    pub(crate) fn finding(
        &mut self,
        m: usize,
        bid: usize,
        step: Step,
        pass: bool,
        score: Option<u32>,
    ) -> Result<(), CommandError> {
        let f = NewFinding {
            bid: self.ids[bid],
            step,
            pass,
            score,
            reason: "sesuai dokumen",
        };
        let (n, c) = record_finding(&self.m(m), &self.e, &f, &cx(now()))?;
        assert!(!c.events.is_empty());
        self.e = n;
        Ok(())
    }

    /// A bid through administrative, technical, price and qualification, and its proof.
    pub(crate) fn through(&mut self, bid: usize, proof: bool) {
        for s in [
            Step::Administrative,
            Step::Technical,
            Step::Price,
            Step::Qualification,
        ] {
            if self.e.decision(self.ids[bid], s).is_none() {
                self.both(bid, s, true);
            }
        }
        let (n, _) = schedule_proof(
            &self.m(0),
            &self.e,
            self.ids[bid],
            now() + Duration::days(1),
            "Kantor UKPBJ",
            &cx(now()),
        )
        .expect("scheduled");
        self.e = n;
        // Not before the meeting.
        assert_eq!(
            code(self.finding(0, bid, Step::Proof, true, None)),
            "proof-not-held"
        );
        for i in 0..2 {
            let later = cx(now() + Duration::days(1));
            let f = NewFinding {
                bid: self.ids[bid],
                step: Step::Proof,
                pass: proof,
                score: None,
                reason: "dokumen asli diperiksa",
            };
            let (n, _) = record_finding(&self.m(i), &self.e, &f, &later).expect("proof finding");
            self.e = n;
        }
        assert_eq!(
            self.e.decision(self.ids[bid], Step::Proof).map(|d| d.pass),
            Some(proof)
        );
    }

    pub(crate) fn vote(
        &mut self,
        m: usize,
        p: &Proposal,
    ) -> Result<Vec<crate::event::NewEvent>, CommandError> {
        let (n, c) = approve(&self.m(m), &self.e, p, true, None, &cx(now()))?;
        self.e = n;
        Ok(c.events)
    }

    pub(crate) fn awarded(&self) -> &AwardRecord {
        match &self.e.status {
            Status::Awarded { record, .. } => record,
            s => panic!("not awarded: {s:?}"),
        }
    }
}

/// HPS 900,000,000; A 730,000,000, B 750,000,000 and C 760,000,000 all pass: A wins, B and C are
/// the reserves, announced at `now()` — the award the later stages' tests start from.
pub(crate) fn three_awarded() -> T {
    let mut t = start(
        EvaluationMethod::SistemGugur,
        vec![
            Some(schedule(&[("1", 730_000_000, 730_000_000)])),
            Some(schedule(&[("1", 750_000_000, 750_000_000)])),
            Some(schedule(&[("1", 760_000_000, 760_000_000)])),
        ],
    );
    for b in 0..3 {
        t.through(b, true);
    }
    t.vote(0, &Proposal::Award).expect("vote");
    t.vote(1, &Proposal::Award).expect("vote");
    assert_eq!(t.awarded().winner, Some(t.ids[0]));
    t
}

/// The code of a refusal for invalid input (anything else fails the test).
pub(crate) fn refused<X>(r: Result<X, CommandError>) -> &'static str {
    match r {
        Err(CommandError::Invalid { code, .. }) => code,
        Err(other) => panic!("expected an invalid input, got {other:?}"),
        Ok(_) => panic!("expected a refusal"),
    }
}

/// A user of company `v`.
pub(crate) fn company(v: VendorId) -> Actor {
    Actor::User(crate::policy::UserActor {
        user_id: crate::ids::UserId::new(),
        username: "penyedia".into(),
        role: Role::Vendor,
        tenant_id: None,
        work_unit_id: None,
        vendor_id: Some(v),
    })
}

fn code(r: Result<(), CommandError>) -> &'static str {
    match r {
        Err(CommandError::Invalid { code, .. }) => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// HPS Rp 900,000,000 (the fixtures' bridge), lowest price with pass/fail.
///
/// | bid | written | corrected | why |
/// |-----|---------|-----------|-----|
/// | A | 1,000 × 700,000 = 700,000,000 | 700,000,000 | 77.8 % of HPS: under 80 %, clarified |
/// | B | 2,000 × 300,000 written 560,000,000, + 1 × 160,000,000 = 720,000,000 | 600,000,000 + 160,000,000 = 760,000,000 | the correction moves it behind C |
/// | C | 2,000 × 370,000 = 740,000,000 | 740,000,000 | |
/// | D | 1,000 × 905,000 written 880,000,000 | 905,000,000 | above HPS after correction: fails |
/// | E | 3 × 260,000,000 = 780,000,000 | 780,000,000 | fourth: waits outside the window of three |
///
/// Read out, the order was A 700, B 720, C 740, E 780, D 880; corrected it is A 700, C 740,
/// B 760, E 780, and D fails. A's clarification is accepted, so its performance guarantee is 5 %
/// of HPS (45,000,000) instead of 5 % of its price (35,000,000).
#[test]
fn lowest_price_corrects_fails_above_hps_clarifies_a_low_price_and_names_two_reserves() {
    let mut t = start(
        EvaluationMethod::SistemGugur,
        vec![
            Some(schedule(&[("1000", 700_000, 700_000_000)])),
            Some(schedule(&[
                ("2000", 300_000, 560_000_000),
                ("1", 160_000_000, 160_000_000),
            ])),
            Some(schedule(&[("2000", 370_000, 740_000_000)])),
            Some(schedule(&[("1000", 905_000, 880_000_000)])),
            Some(schedule(&[("3", 260_000_000, 780_000_000)])),
        ],
    );
    let (a, b, c, d, e) = (0, 1, 2, 3, 4);
    let corrected: Vec<Option<Rupiah>> =
        t.e.bids
            .iter()
            .map(|b| b.corrected.as_ref().map(|c| c.total))
            .collect();
    assert_eq!(
        corrected,
        vec![
            Some(700_000_000),
            Some(760_000_000),
            Some(740_000_000),
            Some(905_000_000),
            Some(780_000_000)
        ]
    );
    assert_eq!(
        t.e.bids[b].corrected.as_ref().map(|c| c.corrections.len()),
        Some(1)
    );
    assert_eq!(
        t.e.standing(t.ids[d]),
        Standing::Failed(Step::Price, "above-hps".into())
    );
    assert_eq!(t.e.candidates(), vec![t.ids[a], t.ids[c], t.ids[b], t.ids[e]]);

    // E is fourth: the pokja evaluates the three lowest first.
    assert_eq!(
        code(t.finding(0, e, Step::Administrative, true, None)),
        "evaluate-lowest-first"
    );
    // Steps go in order.
    assert_eq!(code(t.finding(0, a, Step::Technical, true, None)), "stage-order");

    t.both(a, Step::Administrative, true);
    t.both(a, Step::Technical, true);
    // A is under 80 % of HPS: no pass on price before the clarification.
    assert_eq!(
        code(t.finding(0, a, Step::Price, true, None)),
        "reasonableness-first"
    );
    let (n, _) = clarify_price(
        &t.m(1),
        &t.e,
        t.ids[a],
        true,
        "Harga satuan didukung kontrak pemasok batu",
        &cx(now()),
    )
    .expect("clarified");
    t.e = n;
    t.both(a, Step::Price, true);
    // The third member dissents on A's technical step: recorded, the decision stands.
    t.finding(2, a, Step::Technical, false, None).expect("dissent");
    assert_eq!(
        t.e.decision(t.ids[a], Step::Technical)
            .map(|d| (d.pass, d.dissent.clone())),
        Some((true, vec![t.w.pokja.members[2]]))
    );
    assert_eq!(
        code(t.finding(2, a, Step::Technical, true, None)),
        "finding-recorded"
    );
    t.e.findings.iter().for_each(|f| assert!(!f.reason.is_empty()));

    assert_eq!(code(t.vote(0, &Proposal::Award).map(drop)), "award-not-ready");
    t.through(a, true);
    t.through(c, true);
    t.through(b, true);
    assert!(t.e.award_ready());

    t.vote(0, &Proposal::Award).expect("first vote");
    assert!(matches!(t.e.status, Status::Evaluating));
    let events = t.vote(2, &Proposal::Award).expect("second vote: a majority");
    assert!(events.iter().any(|e| e.event_type == "award_announced"));
    let r = t.awarded().clone();
    assert_eq!(r.winner, Some(t.ids[a]));
    assert_eq!(r.reserves, vec![t.ids[c], t.ids[b]]);
    assert_eq!(r.bids[e].status, BidStatus::NotEvaluated);
    assert_eq!(r.bids[b].status, BidStatus::Ranked { rank: 3 });
    assert_eq!(rank::verify(&r), vec![]);
    assert_eq!(t.e.performance_guarantee(t.ids[a], &t.w.rules), Some(45_000_000));
    assert_eq!(t.e.performance_guarantee(t.ids[c], &t.w.rules), Some(37_000_000));

    // Anyone checking the record finds a changed corrected price or failure reason.
    let mut forged = r.clone();
    forged.bids[c].corrected = Some(690_000_000);
    assert!(matches!(
        rank::verify(&forged)[..],
        [Discrepancy::Award { .. }, ..] | [Discrepancy::Rank { .. }, ..]
    ));
    let mut forged = r.clone();
    forged.bids[d].status = BidStatus::Failed {
        step: Step::Administrative,
        reason: "dokumen tidak lengkap".into(),
    };
    assert_eq!(
        rank::verify(&forged),
        vec![Discrepancy::Reason {
            bid: t.ids[d],
            reason: "dokumen tidak lengkap".into()
        }]
    );
    // B's own schedule corrects to the published 760,000,000; a bidder told 750,000,000 would see it.
    let own = schedule(&[("2000", 300_000, 560_000_000), ("1", 160_000_000, 160_000_000)]);
    assert_eq!(rank::verify_schedule(&r, t.ids[b], &own), vec![]);
    let mut told = r.clone();
    told.bids[b].corrected = Some(750_000_000);
    assert_eq!(
        rank::verify_schedule(&told, t.ids[b], &own),
        vec![Discrepancy::Correction {
            bid: t.ids[b],
            published: Some(750_000_000),
            computed: 760_000_000
        }]
    );

    // The minutes, from the record: the same evaluation gives the same text; members appear by
    // their place in the pokja, never by name.
    let names: std::collections::HashMap<BidId, String> = t
        .ids
        .iter()
        .zip(["A", "B", "C", "D", "E"])
        .map(|(id, n)| (*id, format!("CV {n}")))
        .collect();
    let sha = record_sha256(&r).expect("hash");
    let text = minutes::minutes_text(
        &t.e,
        "Jembatan",
        "Banyuwangi",
        &names,
        &r,
        &sha,
        "02-11-2026 09:00",
    );
    assert_eq!(
        text,
        minutes::minutes_text(
            &t.e,
            "Jembatan",
            "Banyuwangi",
            &names,
            &r,
            &sha,
            "02-11-2026 09:00"
        )
    );
    for expected in [
        "Metode evaluasi: sistem gugur",
        "Koreksi aritmatik baris 1 (price): 2000 x Rp300.000 = Rp600.000.000 (tertulis Rp560.000.000)",
        "Klarifikasi kewajaran harga: wajar",
        "(berbeda pendapat: anggota 3)",
        "gugur pada evaluasi harga (harga terkoreksi melebihi HPS)",
        "Pemenang: CV A",
        "Pemenang cadangan 2: CV B",
        &sha,
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    assert!(!text.contains(&t.w.pokja.members[2].to_string()));

    // Concluded: no more findings.
    assert_eq!(
        code(t.finding(1, e, Step::Administrative, true, None)),
        "evaluation-concluded"
    );
}

/// A failed proof of qualification passes the award to the next ranked bid; the window moves on.
///
/// Corrected: 730, 750, 760 and 800 million, all within HPS (900 million) and at or above 80 % of
/// it (720 million), so none needs a clarification. The lowest fails its proof; the fourth enters
/// the window of three and becomes the second reserve.
#[test]
fn a_failed_proof_of_qualification_makes_the_first_reserve_win() {
    let mut t = start(
        EvaluationMethod::SistemGugur,
        vec![
            Some(schedule(&[("1", 730_000_000, 730_000_000)])),
            Some(schedule(&[("1", 750_000_000, 750_000_000)])),
            Some(schedule(&[("1", 760_000_000, 760_000_000)])),
            Some(schedule(&[("1", 800_000_000, 800_000_000)])),
        ],
    );
    t.through(0, false);
    assert_eq!(
        t.e.standing(t.ids[0]),
        Standing::Failed(Step::Proof, "dokumen asli diperiksa".into())
    );
    // The fourth bid enters the window now that the first failed.
    t.through(1, true);
    t.through(2, true);
    assert!(!t.e.award_ready(), "the second reserve is still pending");
    t.through(3, true);
    t.vote(0, &Proposal::Award).expect("vote");
    t.vote(1, &Proposal::Award).expect("vote");
    let r = t.awarded();
    assert_eq!(r.winner, Some(t.ids[1]));
    assert_eq!(r.reserves, vec![t.ids[2], t.ids[3]]);
    assert_eq!(rank::verify(r), vec![]);
}

/// Merit points: technical weight 70 %, price 30 %; price score = lowest ÷ price × 100.
///
/// | bid | corrected | technical | price score | combined (× 100 × 1000) |
/// |-----|-----------|-----------|-------------|--------------------------|
/// | P | 800,000,000 | 80.00 | 750/800 × 100 = 93.75 | 8,000 × 700 + 9,375 × 300 = 8,412,500 |
/// | Q | 750,000,000 | (70 + 74) ÷ 2 = 72.00 | 100.00 | 7,200 × 700 + 10,000 × 300 = 8,040,000 |
/// | R | 850,000,000 | 90.00 | 750/850 × 100 = 88.23 (down) | 9,000 × 700 + 8,823 × 300 = 8,946,900 |
///
/// R wins at the highest price; Q, the cheapest, is second reserve.
#[test]
fn merit_points_weigh_technical_against_price() {
    let mut t = start(
        EvaluationMethod::SistemNilai,
        vec![
            Some(schedule(&[("1", 800_000_000, 800_000_000)])),
            Some(schedule(&[("1", 750_000_000, 750_000_000)])),
            Some(schedule(&[("1", 850_000_000, 850_000_000)])),
        ],
    );
    for (bid, scores) in [(0, [80, 80]), (1, [70, 74]), (2, [90, 90])] {
        t.both(bid, Step::Administrative, true);
        assert_eq!(
            code(t.finding(0, bid, Step::Technical, true, None)),
            "score-required"
        );
        for (m, s) in scores.iter().enumerate() {
            t.finding(m, bid, Step::Technical, true, Some(*s)).expect("score");
        }
    }
    assert_eq!(
        t.e.decision(t.ids[1], Step::Technical).and_then(|d| d.score),
        Some(7_200)
    );
    assert_eq!(
        rank::combined_score(750_000_000, 850_000_000, 9_000, 700),
        8_946_900
    );
    assert_eq!(
        rank::combined_score(750_000_000, 800_000_000, 8_000, 700),
        8_412_500
    );
    assert_eq!(
        rank::combined_score(750_000_000, 750_000_000, 7_200, 700),
        8_040_000
    );
    for bid in 0..3 {
        // Qualification waits until every bid's price is decided.
        t.both(bid, Step::Price, true);
    }
    assert_eq!(t.e.candidates(), vec![t.ids[2], t.ids[0], t.ids[1]]);
    for bid in [2, 0, 1] {
        t.both(bid, Step::Qualification, true);
        let (n, _) =
            schedule_proof(&t.m(0), &t.e, t.ids[bid], now(), "Kantor UKPBJ", &cx(now())).expect("proof");
        t.e = n;
        t.both(bid, Step::Proof, true);
    }
    t.vote(1, &Proposal::Award).expect("vote");
    t.vote(2, &Proposal::Award).expect("vote");
    let r = t.awarded();
    assert_eq!(
        (r.winner, r.reserves.clone()),
        (Some(t.ids[2]), vec![t.ids[0], t.ids[1]])
    );
    assert_eq!(r.technical_weight_permille, Some(700));
    assert_eq!(rank::verify(r), vec![]);
}

/// A technical score under the passing grade (70) fails the step by the mean of the majority.
#[test]
fn a_mean_technical_score_under_the_passing_grade_fails() {
    let mut t = start(
        EvaluationMethod::SistemNilai,
        vec![Some(schedule(&[("1", 800_000_000, 800_000_000)]))],
    );
    t.both(0, Step::Administrative, true);
    t.finding(0, 0, Step::Technical, true, Some(75)).expect("score");
    t.finding(1, 0, Step::Technical, true, Some(60)).expect("score");
    // (75 + 60) ÷ 2 = 67.50 < 70.
    let d = t.e.decision(t.ids[0], Step::Technical).expect("decided");
    assert_eq!(
        (d.pass, d.score, d.dissent.clone()),
        (false, Some(6_750), vec![t.w.pokja.members[0]])
    );
}

/// Life-cycle cost: corrected price plus corrected operating costs over the economic life.
/// X: 800,000,000 + 50,000,000 = 850,000,000; Y: 780,000,000 + 100,000,000 = 880,000,000. X wins
/// although its price is higher.
#[test]
fn life_cycle_cost_adds_the_operating_costs() {
    let with_lc = |p: Rupiah, lc: Rupiah| {
        let mut s = schedule(&[("1", p, p)]);
        s.life_cycle = vec![PriceLine {
            item: "pemeliharaan 10 tahun".into(),
            unit: "tahun".into(),
            volume: Volume::parse("10").expect("volume"),
            unit_price: lc / 10,
            amount: lc,
        }];
        Some(s)
    };
    let mut t = start(
        EvaluationMethod::UmurEkonomis,
        vec![
            with_lc(800_000_000, 50_000_000),
            with_lc(780_000_000, 100_000_000),
        ],
    );
    assert_eq!(t.e.candidates(), vec![t.ids[0], t.ids[1]]);
    t.through(0, true);
    t.through(1, true);
    t.vote(0, &Proposal::Award).expect("vote");
    t.vote(1, &Proposal::Award).expect("vote");
    assert_eq!(t.awarded().winner, Some(t.ids[0]));
    assert_eq!(rank::verify(t.awarded()), vec![]);
}

/// Equal corrected prices: the earlier commitment on the log wins (the rule set's tie rule).
#[test]
fn a_tie_goes_to_the_earlier_commitment() {
    let mut t = start(
        EvaluationMethod::SistemGugur,
        vec![
            Some(schedule(&[("2", 380_000_000, 760_000_000)])),
            Some(schedule(&[("1", 760_000_000, 760_000_000)])),
        ],
    );
    t.through(1, true);
    t.through(0, true);
    t.vote(0, &Proposal::Award).expect("vote");
    t.vote(1, &Proposal::Award).expect("vote");
    assert_eq!(
        t.awarded().winner,
        Some(t.ids[0]),
        "committed at log index 10, before 11"
    );
    // The same record with the commitment order swapped ranks the other way: the rule is applied.
    let mut swapped = t.awarded().clone();
    swapped.bids[0].commit_index = 12;
    assert!(!rank::verify(&swapped).is_empty());
}

/// Quality, fixed budget and lowest cost, ranked from their records (consulting).
#[test]
fn consulting_methods_rank_by_their_rules() {
    let bid = |tech: u32, price: Rupiah| rank::BidResult {
        bid_id: BidId::new(),
        vendor_id: VendorId::new(),
        commit_index: 1,
        plaintext_sha256: None,
        read_out: Some(price),
        corrected: Some(price),
        life_cycle: 0,
        technical_score: Some(tech),
        status: BidStatus::Ranked { rank: 1 },
    };
    let (x, y, z) = (bid(8_500, 500), bid(9_000, 600), bid(9_000, 550));
    let order = |m| {
        rank::rank(m, None, &[&x, &y, &z])
            .iter()
            .map(|b| b.bid_id)
            .collect::<Vec<_>>()
    };
    // Quality: 90 (550 before 600 on the tie), then 85.
    assert_eq!(
        order(EvaluationMethod::Kualitas),
        vec![z.bid_id, y.bid_id, x.bid_id]
    );
    assert_eq!(
        order(EvaluationMethod::PaguAnggaran),
        vec![z.bid_id, y.bid_id, x.bid_id]
    );
    // Lowest cost: 500, 550, 600.
    assert_eq!(
        order(EvaluationMethod::BiayaTerendah),
        vec![x.bid_id, z.bid_id, y.bid_id]
    );
}

/// Every bid above HPS: the tender fails for that reason, and a reason the figures do not support
/// is refused.
#[test]
fn a_tender_whose_every_bid_is_above_hps_fails_with_that_reason() {
    let mut t = start(
        EvaluationMethod::SistemGugur,
        vec![
            Some(schedule(&[("1", 950_000_000, 950_000_000)])),
            Some(schedule(&[("1", 901_000_000, 901_000_000)])),
        ],
    );
    assert!(!t.e.award_ready());
    let wrong = Proposal::Fail {
        reason: FailureReason::AllFailQualification,
        note: "tidak ada yang lulus".into(),
    };
    assert_eq!(code(t.vote(0, &wrong).map(drop)), "failure-reason-unfounded");
    let p = Proposal::Fail {
        reason: FailureReason::AllAboveHps,
        note: "Seluruh penawaran di atas HPS".into(),
    };
    t.vote(0, &p).expect("vote");
    let events = t.vote(1, &p).expect("vote");
    assert!(events.iter().any(|e| e.event_type == "tender_failed"));
    assert!(
        matches!(&t.e.status, Status::Failed { record, .. } if record.failure == Some(FailureReason::AllAboveHps))
    );
}

/// A bid without a schedule, or one that did not open, fails the administrative step by itself.
#[test]
fn unopened_and_unpriced_bids_fail_with_their_reason() {
    let t = start(
        EvaluationMethod::SistemGugur,
        vec![None, Some(schedule(&[("1", 800_000_000, 800_000_000)]))],
    );
    assert_eq!(
        t.e.standing(t.ids[0]),
        Standing::Failed(Step::Administrative, "no-price-schedule".into())
    );
    assert_eq!(t.e.standing(t.ids[1]), Standing::Pending(Step::Administrative));
}

/// Above the rule set's limit the pokja proposes and the work unit's budget holder decides.
#[test]
fn a_large_award_goes_to_the_budget_holder() {
    let mut t = start(
        EvaluationMethod::SistemGugur,
        vec![Some(schedule(&[("1", 800_000_000, 800_000_000)]))],
    );
    t.e.budget_holder_decides = true;
    t.through(0, true);
    t.vote(0, &Proposal::Award).expect("vote");
    t.vote(1, &Proposal::Award).expect("vote");
    assert!(matches!(t.e.status, Status::Proposed { .. }));
    let stranger = crate::fixtures::actor(
        Role::BudgetHolder,
        Some(t.w.tenant),
        Some(crate::ids::WorkUnitId::new()),
        None,
    );
    assert!(matches!(
        decide_award(&stranger, &t.e, true, None, &cx(now())),
        Err(CommandError::Denied(Denied::Forbidden))
    ));
    let holder = crate::fixtures::actor(
        Role::BudgetHolder,
        Some(t.w.tenant),
        Some(t.w.package.work_unit_id),
        None,
    );
    // The budget holder reads the proposal it decides, not the evaluation before it.
    assert!(may_read(&holder, &t.e));
    let mut before = t.e.clone();
    before.status = Status::Evaluating;
    assert!(!may_read(&holder, &before));
    let (n, c) = decide_award(&holder, &t.e, true, None, &cx(now())).expect("confirmed");
    assert_eq!(c.events[0].event_type, "award_announced");
    assert!(matches!(n.status, Status::Awarded { .. }));
}

/// Only the tender's pokja evaluates; auditors read, and each read is an event.
#[test]
fn only_the_pokja_evaluates_and_auditors_reads_are_logged() {
    let t = start(
        EvaluationMethod::SistemGugur,
        vec![Some(schedule(&[("1", 800_000_000, 800_000_000)]))],
    );
    let other = member(UserId::new(), t.w.tenant);
    let vendor = crate::fixtures::actor(Role::Vendor, None, None, Some(t.e.bids[0].vendor_id));
    let auditor = crate::fixtures::actor(Role::Auditor, Some(t.w.tenant), None, None);
    for a in [&other, &vendor, &t.w.ppk, &auditor] {
        assert!(matches!(
            record_finding(
                a,
                &t.e,
                &NewFinding {
                    bid: t.ids[0],
                    step: Step::Administrative,
                    pass: true,
                    score: None,
                    reason: "ok ok",
                },
                &cx(now())
            ),
            Err(CommandError::Denied(_))
        ));
    }
    assert!(!may_read(&other, &t.e) && !may_read(&vendor, &t.e) && !may_read(&t.w.ppk, &t.e));
    assert!(may_read(&t.m(0), &t.e) && may_read(&auditor, &t.e));
    let c = audit_read(&auditor, &t.e, &cx(now())).expect("logged");
    assert_eq!(c.events[0].event_type, "evaluation_read");
    assert!(audit_read(&other, &t.e, &cx(now())).is_err());
}

/// A failure for an error in the evaluation is followed by a re-evaluation: the members' work is
/// set aside, the arithmetic stands, and the evaluation can reach an award again. Other failures
/// are not re-evaluated.
#[test]
fn an_evaluation_error_is_followed_by_a_re_evaluation() {
    let mut t = start(
        EvaluationMethod::SistemGugur,
        vec![
            Some(schedule(&[("1", 800_000_000, 800_000_000)])),
            Some(schedule(&[("1", 950_000_000, 950_000_000)])),
        ],
    );
    t.through(0, true);
    assert_eq!(
        code(reevaluate(&t.m(0), &t.e, "salah hitung", &cx(now())).map(drop)),
        "reevaluation-not-allowed"
    );
    let fail = Proposal::Fail {
        reason: FailureReason::EvaluationError,
        note: "Evaluasi teknis memakai kriteria yang tidak ada dalam dokumen pemilihan.".into(),
    };
    t.vote(0, &fail).expect("vote");
    t.vote(1, &fail).expect("vote");
    assert!(matches!(t.e.status, Status::Failed { .. }));
    let outsider = member(UserId::new(), t.w.tenant);
    assert!(matches!(
        reevaluate(&outsider, &t.e, "salah hitung", &cx(now())),
        Err(CommandError::Denied(_))
    ));
    let (n, c) = reevaluate(
        &t.m(2),
        &t.e,
        "Kriteria teknis diperbaiki sesuai dokumen pemilihan.",
        &cx(now()),
    )
    .expect("re-evaluation");
    assert_eq!(c.events[0].event_type, "evaluation_restarted");
    t.e = n;
    assert!(matches!(t.e.status, Status::Evaluating));
    assert!(t.e.findings.is_empty() && t.e.approvals.is_empty());
    assert_eq!(t.e.standing(t.ids[0]), Standing::Pending(Step::Administrative));
    assert_eq!(
        t.e.standing(t.ids[1]),
        Standing::Failed(Step::Price, "above-hps".into())
    );
    assert!(t.e.bids.iter().all(|b| b.proof.is_none()));
    t.through(0, true);
    t.vote(0, &Proposal::Award).expect("vote");
    t.vote(2, &Proposal::Award).expect("vote");
    assert_eq!(t.awarded().winner, Some(t.ids[0]));
}

/// Every failure ground of Pasal 51 ayat (2) that the pokja declares is a reason it may give.
#[test]
fn the_pokja_may_give_each_ground_of_pasal_51() {
    for reason in [
        FailureReason::DocumentError,
        FailureReason::UnfairCompetition,
        FailureReason::NegotiationFailed,
        FailureReason::Collusion,
    ] {
        let mut t = start(
            EvaluationMethod::SistemGugur,
            vec![Some(schedule(&[("1", 800_000_000, 800_000_000)]))],
        );
        let p = Proposal::Fail {
            reason,
            note: "Alasan yang diumumkan.".into(),
        };
        t.vote(0, &p).expect("vote");
        t.vote(1, &p).expect("vote");
        assert!(matches!(&t.e.status, Status::Failed { record, .. } if record.failure == Some(reason)));
    }
}

/// A failed tender is repeated once, as a new package of the same plan item run by the same
/// pokja; an evaluation error is cured by evaluating again instead.
#[test]
fn a_failed_tender_is_repeated_once_by_its_pokja() {
    let mut t = start(
        EvaluationMethod::SistemGugur,
        vec![Some(schedule(&[("1", 950_000_000, 950_000_000)]))],
    );
    let c = cx(now());
    assert_eq!(
        code(repeat_tender(&t.m(0), &t.e, &t.w.package, &t.w.pokja, false, &c).map(drop)),
        "repeat-not-allowed"
    );
    let p = Proposal::Fail {
        reason: FailureReason::AllAboveHps,
        note: "Seluruh penawaran di atas HPS.".into(),
    };
    t.vote(0, &p).expect("vote");
    t.vote(1, &p).expect("vote");
    let outsider = member(UserId::new(), t.w.tenant);
    assert!(matches!(
        repeat_tender(&outsider, &t.e, &t.w.package, &t.w.pokja, false, &c),
        Err(CommandError::Denied(_))
    ));
    let (repeat, change) =
        repeat_tender(&t.m(2), &t.e, &t.w.package, &t.w.pokja, false, &c).expect("repeated");
    assert_eq!(repeat.repeat_of, Some(t.w.package.id));
    assert_eq!(
        (repeat.plan_item_id, repeat.owner_estimate),
        (t.w.package.plan_item_id, t.w.package.owner_estimate)
    );
    assert_ne!(repeat.id, t.w.package.id);
    let types: Vec<&str> = change.events.iter().map(|e| e.event_type).collect();
    assert_eq!(types, ["package_created", "pokja_assigned", "tender_repeated"]);
    assert_eq!(
        code(repeat_tender(&t.m(2), &t.e, &t.w.package, &t.w.pokja, true, &c).map(drop)),
        "repeat-exists"
    );
}
