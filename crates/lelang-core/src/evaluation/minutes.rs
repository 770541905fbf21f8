//! The minutes of the evaluation and award (berita acara hasil evaluasi dan penetapan pemenang),
//! in Indonesian as the law requires: generated from the record, so the same evaluation always
//! gives the same text. Members are named by their place in the pokja, not by name: who sits on
//! a tender's pokja is not published while the tender runs (auditors read the membership). The
//! record's SHA-256, which each member's vote binds, is printed in them.

use super::rank::{AwardRecord, BidStatus};
use super::{Evaluation, Status, Step};
use crate::ids::BidId;
use crate::text::rupiah;
use std::collections::HashMap;
use std::fmt::Write;

fn method_name(m: crate::rules::EvaluationMethod) -> &'static str {
    use crate::rules::EvaluationMethod as M;
    match m {
        M::SistemGugur => "sistem gugur",
        M::SistemNilai => "sistem nilai",
        M::UmurEkonomis => "biaya selama umur ekonomis",
        M::KualitasBiaya => "kualitas dan biaya",
        M::Kualitas => "kualitas",
        M::PaguAnggaran => "pagu anggaran",
        M::BiayaTerendah => "biaya terendah",
    }
}

/// A stable reason code in words (a pokja's own reason is kept as written).
fn reason_words(r: &str) -> &str {
    match r {
        super::rank::ABOVE_HPS => "harga terkoreksi melebihi HPS",
        super::rank::ABOVE_PAGU => "harga terkoreksi melebihi pagu anggaran",
        super::rank::NOT_OPENED => "penawaran tidak dapat dibuka",
        super::rank::NO_SCHEDULE => "tidak ada daftar harga",
        super::rank::BAD_SCHEDULE => "daftar harga tidak dapat dikoreksi",
        super::rank::UNREASONABLY_LOW => "harga tidak wajar setelah klarifikasi",
        "moot" => "diputus oleh koreksi harga",
        other => other,
    }
}

fn failure_words(f: super::rank::FailureReason) -> &'static str {
    use super::rank::FailureReason as F;
    match f {
        F::NoBids => "tidak ada penawaran",
        F::NoValidBids => "tidak ada penawaran yang lulus evaluasi",
        F::AllAboveHps => "seluruh penawaran di atas HPS",
        F::AllFailQualification => "seluruh calon gugur kualifikasi atau pembuktian",
        F::Collusion => "ditemukan persekongkolan atau KKN",
        F::EvaluationError => "kesalahan dalam proses evaluasi",
        F::DocumentError => "kesalahan dalam dokumen pemilihan",
        F::UnfairCompetition => "seluruh peserta terlibat persaingan usaha tidak sehat",
        F::NegotiationFailed => "negosiasi biaya tidak tercapai",
    }
}

fn step_name(s: Step) -> &'static str {
    match s {
        Step::Administrative => "administrasi",
        Step::Technical => "teknis",
        Step::Price => "harga",
        Step::Qualification => "kualifikasi",
        Step::Proof => "pembuktian kualifikasi",
    }
}

/// The minutes as plain text. `companies` names each bid's company; `record_sha256` is the hash
/// of the record the votes bind (the published one once announced).
pub fn minutes_text(
    e: &Evaluation,
    tender_name: &str,
    regency: &str,
    companies: &HashMap<BidId, String>,
    record: &AwardRecord,
    record_sha256: &str,
    local_now: &str,
) -> String {
    let mut s = String::new();
    let member_no = |u| e.members.iter().position(|m| *m == u).map_or(0, |i| i + 1);
    let _ = writeln!(s, "BERITA ACARA HASIL EVALUASI DAN PENETAPAN PEMENANG\n");
    let _ = writeln!(
        s,
        "Paket: {tender_name}\nPemerintah: {regency}\nWaktu: {local_now}"
    );
    let _ = writeln!(
        s,
        "Metode evaluasi: {}\nHPS: {}\nPagu: {}\nAturan: {}\nPokja Pemilihan: {} anggota; keputusan setiap tahap diambil oleh sekurang-kurangnya {} anggota.\n",
        method_name(e.method),
        rupiah(e.owner_estimate),
        rupiah(e.budget_ceiling),
        e.rule_set,
        e.members.len(),
        e.majority()
    );
    let _ = writeln!(s, "I. HASIL PER PENAWARAN");
    for (n, b) in e.bids.iter().enumerate() {
        let name = companies.get(&b.bid_id).map_or("-", String::as_str);
        let _ = writeln!(s, "{}. {name}", n + 1);
        let _ = writeln!(
            s,
            "   Harga dibacakan: {}; harga terkoreksi: {}",
            b.read_out.map_or("-".into(), rupiah),
            b.corrected.as_ref().map_or("-".into(), |c| rupiah(c.total))
        );
        if let Some(c) = &b.corrected {
            for x in &c.corrections {
                let _ = writeln!(
                    s,
                    "   Koreksi aritmatik baris {} ({}): {} x {} = {} (tertulis {})",
                    x.line,
                    x.part,
                    x.volume,
                    rupiah(x.unit_price),
                    rupiah(x.corrected),
                    rupiah(x.written)
                );
            }
        }
        if let Some(r) = &b.reasonableness {
            let _ = writeln!(
                s,
                "   Klarifikasi kewajaran harga: {} — {}",
                if r.accepted { "wajar" } else { "tidak wajar" },
                r.reason
            );
        }
        for st in Step::ALL {
            if let Some(d) = e.decision(b.bid_id, st) {
                let mut line = format!(
                    "   Evaluasi {}: {}",
                    step_name(st),
                    if d.pass { "memenuhi" } else { "tidak memenuhi" }
                );
                if let Some(score) = d.score {
                    let _ = write!(line, ", nilai {}.{:02}", score / 100, score % 100);
                }
                if !d.reason.is_empty() {
                    let _ = write!(line, " — {}", reason_words(&d.reason));
                }
                if !d.dissent.is_empty() {
                    let who: Vec<String> = d
                        .dissent
                        .iter()
                        .map(|u| format!("anggota {}", member_no(*u)))
                        .collect();
                    let _ = write!(line, " (berbeda pendapat: {})", who.join(", "));
                }
                let _ = writeln!(s, "{line}");
            }
        }
        let result = record
            .bids
            .iter()
            .find(|r| r.bid_id == b.bid_id)
            .map(|r| &r.status);
        let _ = writeln!(
            s,
            "   Hasil: {}",
            match result {
                Some(BidStatus::Ranked { rank }) => format!("lulus, peringkat {rank}"),
                Some(BidStatus::Failed { step, reason }) => format!(
                    "gugur pada evaluasi {} ({})",
                    step_name(*step),
                    reason_words(reason)
                ),
                Some(BidStatus::NotEvaluated) | None => "tidak dievaluasi".into(),
            }
        );
    }
    let _ = writeln!(s, "\nII. PENETAPAN");
    let _ = writeln!(s, "Aturan peringkat: {}", record.ranking_rule);
    match (record.winner, record.failure) {
        (Some(w), _) => {
            let _ = writeln!(s, "Pemenang: {}", companies.get(&w).map_or("-", String::as_str));
            for (i, r) in record.reserves.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "Pemenang cadangan {}: {}",
                    i + 1,
                    companies.get(r).map_or("-", String::as_str)
                );
            }
        }
        (None, Some(f)) => {
            let _ = writeln!(s, "Tender dinyatakan gagal: {}", failure_words(f));
        }
        (None, None) => {
            let _ = writeln!(s, "Belum ditetapkan.");
        }
    }
    let _ = writeln!(s, "\nIII. PERSETUJUAN ANGGOTA POKJA");
    for a in &e.approvals {
        let _ = writeln!(
            s,
            "Anggota {}: {}{}",
            member_no(a.member),
            if a.agree { "setuju" } else { "tidak setuju" },
            a.reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default()
        );
    }
    let state = match &e.status {
        Status::Evaluating => "dalam evaluasi",
        Status::Proposed { .. } => "diusulkan kepada Pengguna Anggaran",
        Status::Awarded { .. } => "pemenang diumumkan",
        Status::Failed { .. } => "tender gagal",
    };
    let _ = writeln!(s, "Status: {state}");
    let _ = writeln!(
        s,
        "\nSHA-256 catatan hasil (record) yang disetujui: {record_sha256}\nCatatan hasil dapat diperiksa siapa pun dengan: lelang verify award"
    );
    s
}
