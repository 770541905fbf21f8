//! Red flags: patterns in a tender's record that the Open Contracting Partnership's red-flags
//! guide and its indicator catalogue (the `R0xx` codes of OCP's Cardinal) name as reasons to look
//! closer. Each is computed from the ledger, never a decision; each carries its definition and
//! source so the pokja and the auditor can judge it.

use super::{Ledger, Outcome, TenderFacts, View, local_day};
use crate::rules::{RuleSet, Rupiah};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use time::Duration;

/// The thresholds of the flags, from a rule set's `red_flags` (data, not constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// A submission window shorter than this many calendar days is flagged.
    pub short_window_days: i64,
    /// Every price within this share (per mille) under the HPS is "clustered under the HPS".
    pub near_estimate_permille: i64,
    /// Gaps between sorted prices that differ by at most this share (per mille) of their mean are
    /// "evenly spaced".
    pub evenly_spaced_permille: i64,
    /// A schedule change this close (days) to the deadline it moves is "late".
    pub late_change_days: i64,
    /// A winner's profile replaced within this many days before the announcement (or during the
    /// submission) is flagged.
    pub profile_change_days: i64,
    /// The same bidders meeting in at least this many awarded tenders, won by two or more of
    /// them, is a rotation.
    pub rotation_tenders: usize,
}

impl Thresholds {
    /// The thresholds of a rule set.
    pub fn of(r: &RuleSet) -> Self {
        let f = &r.red_flags;
        Self {
            short_window_days: f.short_window_days.value,
            near_estimate_permille: f.near_estimate_permille.value,
            evenly_spaced_permille: f.evenly_spaced_permille.value,
            late_change_days: f.late_change_days.value,
            profile_change_days: f.profile_change_days.value,
            rotation_tenders: usize::try_from(f.rotation_tenders.value).unwrap_or(usize::MAX),
        }
    }
}

/// A kind of red flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Only one bid at the close (OCP R018).
    SingleBid,
    /// The window from the announcement to the deadline is short (OCP R003).
    ShortWindow,
    /// Every price read out lies just under the HPS.
    NearEstimate,
    /// Two or more bids read out the same price (OCP R028).
    IdenticalPrices,
    /// Three or more prices evenly spaced.
    EvenlySpaced,
    /// The lowest price read out was disqualified (OCP R036).
    LowestDisqualified,
    /// Most bids were disqualified (OCP R035/R038).
    MostDisqualified,
    /// The same bidders take turns winning.
    Rotation,
    /// The schedule moved shortly before the deadline.
    LateScheduleChange,
    /// Bidders share an address (OCP R044).
    SharedAddress,
    /// Bidders share key personnel (OCP R044).
    SharedPersonnel,
    /// The winner's profile changed just before or during the tender.
    WinnerProfileChanged,
}

impl FlagKind {
    /// Every kind, in the order shown.
    pub const ALL: [FlagKind; 12] = [
        FlagKind::SingleBid,
        FlagKind::ShortWindow,
        FlagKind::NearEstimate,
        FlagKind::IdenticalPrices,
        FlagKind::EvenlySpaced,
        FlagKind::LowestDisqualified,
        FlagKind::MostDisqualified,
        FlagKind::Rotation,
        FlagKind::LateScheduleChange,
        FlagKind::SharedAddress,
        FlagKind::SharedPersonnel,
        FlagKind::WinnerProfileChanged,
    ];

    /// Its stable code (also its message key: `flag-<code>`, `flag-<code>-definition`).
    pub fn code(self) -> &'static str {
        match self {
            FlagKind::SingleBid => "single-bid",
            FlagKind::ShortWindow => "short-window",
            FlagKind::NearEstimate => "near-estimate",
            FlagKind::IdenticalPrices => "identical-prices",
            FlagKind::EvenlySpaced => "evenly-spaced",
            FlagKind::LowestDisqualified => "lowest-disqualified",
            FlagKind::MostDisqualified => "most-disqualified",
            FlagKind::Rotation => "rotation",
            FlagKind::LateScheduleChange => "late-schedule-change",
            FlagKind::SharedAddress => "shared-address",
            FlagKind::SharedPersonnel => "shared-personnel",
            FlagKind::WinnerProfileChanged => "winner-profile-changed",
        }
    }

    /// Where the indicator comes from.
    pub fn source(self) -> &'static str {
        match self {
            FlagKind::SingleBid => "OCP red-flags catalogue R018 (Single bid received)",
            FlagKind::ShortWindow => "OCP red-flags catalogue R003 (Short submission period)",
            FlagKind::IdenticalPrices => "OCP red-flags catalogue R028 (Identical bid prices)",
            FlagKind::LowestDisqualified => "OCP red-flags catalogue R036 (Lowest bid disqualified)",
            FlagKind::MostDisqualified => {
                "OCP red-flags catalogue R035/R038 (disqualified bids; code not confirmed)"
            }
            FlagKind::SharedAddress | FlagKind::SharedPersonnel => {
                "OCP red-flags catalogue R044 (Business similarities between suppliers)"
            }
            FlagKind::NearEstimate | FlagKind::EvenlySpaced | FlagKind::Rotation => {
                "OCP red-flags guide, bid rigging (code not confirmed)"
            }
            FlagKind::LateScheduleChange | FlagKind::WinnerProfileChanged => {
                "OCP red-flags guide (code not confirmed)"
            }
        }
    }

    /// Whether the public view may show it: the flags that read a company's confidential profile
    /// are the unit's alone.
    pub fn public(self) -> bool {
        !matches!(
            self,
            FlagKind::SharedAddress | FlagKind::SharedPersonnel | FlagKind::WinnerProfileChanged
        )
    }
}

/// A raised flag and the number behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// Which.
    pub kind: FlagKind,
    /// The figure that raised it: days (window, change), bids (identical, disqualified), tenders
    /// (rotation), the gap in rupiah (evenly spaced), the lowest price (lowest disqualified).
    pub value: i64,
}

fn prices(t: &TenderFacts) -> Vec<Rupiah> {
    let mut p: Vec<Rupiah> = t.opened.iter().filter_map(|b| b.price).collect();
    p.sort_unstable();
    p
}

/// The flags a tender raises, as `view` may see them: the public view flags only decided tenders
/// (the record is published with the decision) and never reads a company's profile.
pub fn flags(ledger: &Ledger, t: &TenderFacts, view: View, th: &Thresholds) -> Vec<Flag> {
    flags_with(ledger, t, view, th, ledger.rotation_of(t))
}

/// [`flags`], with the tender's rotation group's size already known (the dashboard computes
/// every group once: [`Ledger::rotations`]).
pub(super) fn flags_with(
    ledger: &Ledger,
    t: &TenderFacts,
    view: View,
    th: &Thresholds,
    rotation: Option<usize>,
) -> Vec<Flag> {
    let mut out = Vec::new();
    if view == View::Public && t.outcome.is_none() {
        return out;
    }
    let mut raise = |kind: FlagKind, value: i64| {
        if view == View::Unit || kind.public() {
            out.push(Flag { kind, value });
        }
    };
    let zone = ledger.zone(t.tenant_id);

    if t.closed_at.is_some() && t.bids.len() == 1 {
        raise(FlagKind::SingleBid, 1);
    }
    if let Some(a) = t.announced_at {
        // Exact from the closing; before it, the schedule's last day of submission now.
        let end = match (t.closed_at, t.deadline) {
            (Some(_), Some(d)) => Some(local_day(d, zone)),
            (_, d) => t
                .schedule
                .iter()
                .find(|s| s.kind == crate::rules::StageKind::Submission)
                .map(|s| s.last_day)
                .or(d.map(|d| local_day(d, zone))),
        };
        if let Some(end) = end {
            let window = (end - local_day(a, zone)).whole_days();
            if window < th.short_window_days {
                raise(FlagKind::ShortWindow, window);
            }
        }
    }

    let p = prices(t);
    if p.len() >= 2 {
        let floor = t.owner_estimate - t.owner_estimate.saturating_mul(th.near_estimate_permille) / 1000;
        if p.iter().all(|&x| x >= floor && x <= t.owner_estimate) {
            raise(FlagKind::NearEstimate, i64::try_from(p.len()).unwrap_or(i64::MAX));
        }
        // Sorted: a price shared is equal to a neighbour.
        let same = (0..p.len())
            .filter(|&i| (i > 0 && p[i - 1] == p[i]) || (i + 1 < p.len() && p[i + 1] == p[i]))
            .count();
        if same > 0 {
            raise(FlagKind::IdenticalPrices, i64::try_from(same).unwrap_or(i64::MAX));
        }
    }
    if p.len() >= 3 {
        // In i128: a price read out is the bidder's own number, any i64.
        let gaps: Vec<i128> = p
            .windows(2)
            .map(|w| i128::from(w[1]) - i128::from(w[0]))
            .collect();
        let (lo, hi) = (gaps.iter().min(), gaps.iter().max());
        if let (Some(&lo), Some(&hi)) = (lo, hi) {
            let mean = gaps.iter().sum::<i128>() / i128::try_from(gaps.len()).unwrap_or(1);
            if lo > 0 && (hi - lo) * 1000 <= mean * i128::from(th.evenly_spaced_permille) {
                raise(FlagKind::EvenlySpaced, i64::try_from(mean).unwrap_or(i64::MAX));
            }
        }
    }

    let failed = t.disqualified(view);
    let priced: Vec<_> = t.opened.iter().filter(|b| b.price.is_some()).collect();
    if let Some(lowest) = priced.iter().min_by_key(|b| b.price)
        && priced.len() >= 2
        && failed.contains(&lowest.bid_id)
    {
        raise(FlagKind::LowestDisqualified, lowest.price.unwrap_or(0));
    }
    let out_of = t.opened.len();
    let disqualified = t.opened.iter().filter(|b| failed.contains(&b.bid_id)).count();
    if out_of >= 2 && disqualified * 2 > out_of {
        raise(
            FlagKind::MostDisqualified,
            i64::try_from(disqualified).unwrap_or(i64::MAX),
        );
    }

    if let Some(n) = rotation.filter(|n| *n >= th.rotation_tenders) {
        raise(FlagKind::Rotation, i64::try_from(n).unwrap_or(i64::MAX));
    }

    // A change that moved the submission's last day, made fewer than the threshold's days before
    // the last day it moved.
    if let Some(days) = t
        .deadline_moves
        .iter()
        .map(|(at, before, _)| (*before - local_day(*at, zone)).whole_days())
        .find(|d| (0..th.late_change_days).contains(d))
    {
        raise(FlagKind::LateScheduleChange, days);
    }

    // Who bid is sealed until the opening: only the opened bids' companies are compared.
    if view == View::Unit {
        let bidders: BTreeSet<_> = t.opened.iter().map(|b| b.vendor_id).collect();
        let profiles: Vec<_> = bidders.iter().filter_map(|v| ledger.profile(*v)).collect();
        let mut addresses: HashMap<&str, usize> = HashMap::new();
        let mut people: HashMap<&str, usize> = HashMap::new();
        for p in &profiles {
            if !p.address.is_empty() {
                *addresses.entry(p.address.as_str()).or_default() += 1;
            }
            for n in &p.personnel {
                *people.entry(n.as_str()).or_default() += 1;
            }
        }
        if addresses.values().any(|n| *n > 1) {
            raise(FlagKind::SharedAddress, 1);
        }
        if people.values().any(|n| *n > 1) {
            raise(FlagKind::SharedPersonnel, 1);
        }
        if let (Some(w), Some(a), Some(d)) = (t.winner(), t.announced_at, t.deadline) {
            let from = a - Duration::days(th.profile_change_days);
            if let Some(at) = ledger
                .profile(w)
                .and_then(|p| p.updated.iter().find(|u| **u >= from && **u <= d))
            {
                raise(FlagKind::WinnerProfileChanged, (a - *at).whole_days());
            }
        }
    }
    out
}

/// The companies whose bids the published record lists, when two or more.
pub(super) fn bidder_set(t: &TenderFacts) -> Option<Vec<crate::ids::VendorId>> {
    let Some(Outcome::Awarded { record, .. }) = &t.outcome else {
        return None;
    };
    let set: BTreeSet<_> = record.bids.iter().map(|b| b.vendor_id).collect();
    (set.len() >= 2).then(|| set.into_iter().collect())
}
