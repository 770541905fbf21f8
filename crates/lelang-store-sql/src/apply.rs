//! One mutation of a change, applied inside the change's transaction (`span`: the positions of
//! the change's events), and what a refusal becomes: written once for both backends.

use crate::{ApplyError, Db};
use lelang_core::Mutation;
use lelang_core::store::{Conflict, StoreError, Unique};

/// A database error as the store reports it: a duplicate or a missing reference by type, the
/// rest as the backend's failure.
pub fn store_error(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        return StoreError::Conflict(Conflict::Duplicate(Unique::Record));
    }
    if let sqlx::Error::Database(db) = &e
        && db.is_foreign_key_violation()
    {
        return StoreError::NotFound(db.message().to_owned());
    }
    StoreError::Backend(e.to_string())
}

/// Why a mutation did not apply, by type: a duplicate names what must be unique.
pub fn refused(m: &Mutation, e: ApplyError) -> StoreError {
    match e {
        ApplyError::Refused(c) => StoreError::Conflict(c),
        ApplyError::Sql(sqlx::Error::RowNotFound) => {
            StoreError::NotFound(format!("{m:?}").chars().take(80).collect())
        }
        ApplyError::Sql(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            StoreError::Conflict(Conflict::Duplicate(m.unique()))
        }
        ApplyError::Sql(e) => store_error(e),
    }
}

/// Applies one mutation.
pub async fn apply<D: Db>(tx: &mut D, m: &Mutation, span: (i64, i64)) -> Result<(), ApplyError> {
    match m {
        Mutation::Directory(m) => directory(tx, m).await,
        Mutation::SecondFactor(m) => second_factor(tx, m).await,
        Mutation::Plan(m) => plan(tx, m).await,
        Mutation::Calendar(m) => calendar(tx, m).await,
        Mutation::Package(m) => package(tx, m).await,
        Mutation::Handover(m) => handover(tx, m).await,
        Mutation::Pokja(m) => pokja(tx, m).await,
        Mutation::Tender(m) => tender(tx, m).await,
        Mutation::Vendor(m) => vendor(tx, m).await,
        Mutation::Document(m) => document(tx, m).await,
        Mutation::Clarification(m) => clarification(tx, m).await,
        Mutation::Sealing(m) => sealing(tx, m).await,
        Mutation::Submission(m) => submission(tx, m, span).await,
        Mutation::Opening(m) => opening(tx, m).await,
        Mutation::Evaluation(m) => evaluation(tx, m).await,
        Mutation::Cancellation(m) => cancellation(tx, m).await,
        Mutation::Objection(m) => objection(tx, m).await,
        Mutation::Complaint(m) => complaint(tx, m).await,
        Mutation::Case(m) => case(tx, m).await,
        Mutation::AwardLetter(m) => award_letter(tx, m).await,
        Mutation::Appeal(m) => appeal(tx, m).await,
        Mutation::Contract(m) => contract(tx, m).await,
        Mutation::Execution(m) => execution(tx, m).await,
        Mutation::Period(m) => period(tx, m).await,
    }
}

async fn directory<D: Db>(tx: &mut D, m: &lelang_core::directory::Mutation) -> Result<(), ApplyError> {
    use lelang_core::directory::Mutation;
    match m {
        Mutation::InsertTenant(t) => crate::directory::insert_tenant(tx, t).await?,
        Mutation::InsertWorkUnit(w) => crate::directory::insert_work_unit(tx, w).await?,
        Mutation::InsertVendor(v) => crate::directory::insert_vendor(tx, v).await?,
        Mutation::InsertUser { user, password_hash } => {
            crate::directory::insert_user(tx, user, password_hash).await?
        }
        Mutation::InsertRoleGrant(g) => crate::directory::insert_role_grant(tx, g).await?,
        Mutation::SetPasswordHash {
            user_id,
            password_hash,
        } => crate::directory::set_password_hash(tx, *user_id, password_hash).await?,
        Mutation::DeleteSessions { user_id } => crate::access::delete_sessions(tx, *user_id).await?,
        Mutation::RevokeAllApiTokens { user_id, at } => {
            crate::access::revoke_all_api_tokens(tx, *user_id, *at).await?
        }
        Mutation::InsertApiToken(t) => crate::access::insert_api_token(tx, t).await?,
        Mutation::RevokeApiToken { id, at } => crate::access::revoke_api_token(tx, *id, *at).await?,
    }
    Ok(())
}

async fn second_factor<D: Db>(
    tx: &mut D,
    m: &lelang_core::second_factor::Mutation,
) -> Result<(), ApplyError> {
    use lelang_core::second_factor::Mutation;
    match m {
        Mutation::SetSecondFactor {
            user_id,
            secret,
            recovery_hashes,
            at,
        } => crate::access::set_second_factor(tx, *user_id, secret, recovery_hashes, *at).await?,
        Mutation::SpendRecoveryCode {
            user_id,
            code_hash,
            at,
        } => crate::access::spend_recovery_code(tx, *user_id, code_hash, *at).await?,
        Mutation::ClearSecondFactor { user_id } => crate::access::clear_second_factor(tx, *user_id).await?,
        Mutation::SetSecondFactorPolicy { tenant, required } => {
            crate::directory::set_second_factor_policy(tx, *tenant, *required).await?;
        }
    }
    Ok(())
}

async fn plan<D: Db>(tx: &mut D, m: &lelang_core::plan::Mutation) -> Result<(), ApplyError> {
    use lelang_core::plan::Mutation;
    match m {
        Mutation::InsertPlanItem(p) => crate::plan::insert_plan_item(tx, p).await?,
        Mutation::AnnouncePlanItems { ids, at } => crate::plan::announce_plan_items(tx, ids, *at).await?,
    }
    Ok(())
}

async fn calendar<D: Db>(tx: &mut D, m: &lelang_core::calendar::Mutation) -> Result<(), ApplyError> {
    use lelang_core::calendar::Mutation;
    match m {
        Mutation::UpsertDayOff(d) => crate::calendar::upsert_day_off(tx, d).await?,
        Mutation::DeleteDayOff(date) => crate::calendar::delete_day_off(tx, *date).await?,
    }
    Ok(())
}

async fn package<D: Db>(tx: &mut D, m: &lelang_core::package::Mutation) -> Result<(), ApplyError> {
    use lelang_core::package::Mutation;
    match m {
        Mutation::InsertPackage(p) => crate::plan::insert_package(tx, p).await?,
    }
    Ok(())
}

async fn pokja<D: Db>(tx: &mut D, m: &lelang_core::pokja::Mutation) -> Result<(), ApplyError> {
    use lelang_core::pokja::Mutation;
    match m {
        Mutation::InsertPokjaAssignment(a) => crate::plan::insert_pokja_assignment(tx, a).await?,
        Mutation::ReplaceMember {
            package_id,
            tenant_id,
            out,
            replacement,
            at,
        } => crate::plan::replace_member(tx, *package_id, *tenant_id, *out, *replacement, *at).await?,
        Mutation::InsertDeclaration {
            package_id,
            member,
            at,
        } => crate::plan::insert_declaration(tx, *package_id, *member, *at).await?,
        Mutation::Declarations {
            package_id,
            members,
            at,
        } => {
            for m in members {
                crate::plan::insert_declaration(tx, *package_id, *m, *at).await?;
            }
        }
    }
    Ok(())
}

async fn tender<D: Db>(tx: &mut D, m: &lelang_core::tender::Mutation) -> Result<(), ApplyError> {
    use lelang_core::tender::Mutation;
    match m {
        Mutation::UpsertTenderSetup(t) => crate::plan::upsert_tender_setup(tx, t).await?,
        Mutation::InsertPublicTender(t) => crate::tender::insert_public_tender(tx, t).await?,
        Mutation::ExpectTenderSetup(expected) => crate::plan::expect_tender_setup(tx, expected).await?,
        Mutation::SetSubmissionDeadline { package_id, deadline } => {
            crate::tender::set_submission_deadline(tx, *package_id, *deadline).await?;
        }
        Mutation::ExpectSubmissionOpen(package) => {
            crate::sealing::expect_submission_open(tx, *package).await?;
            crate::cancellation::expect_not_cancelled(tx, *package).await?
        }
        Mutation::ExpectNotCancelled(package) => {
            crate::cancellation::expect_not_cancelled(tx, *package).await?
        }
    }
    Ok(())
}

async fn vendor<D: Db>(tx: &mut D, m: &lelang_core::vendor::Mutation) -> Result<(), ApplyError> {
    use lelang_core::vendor::Mutation;
    match m {
        Mutation::Directory(m) => directory(tx, m).await?,
        Mutation::UpsertVendorProfile {
            vendor_id,
            profile,
            clear_verifications,
            at,
        } => crate::tender::upsert_vendor_profile(tx, *vendor_id, profile, *clear_verifications, *at).await?,
        Mutation::UpsertVerification(v) => crate::tender::upsert_verification(tx, v).await?,
        Mutation::InsertParticipant {
            package_id,
            vendor_id,
            at,
        } => crate::tender::insert_participant(tx, *package_id, *vendor_id, *at).await?,
    }
    Ok(())
}

async fn document<D: Db>(tx: &mut D, m: &lelang_core::document::Mutation) -> Result<(), ApplyError> {
    use lelang_core::document::Mutation;
    match m {
        Mutation::InsertDocument(d) => crate::tender::insert_document(tx, d).await?,
    }
    Ok(())
}

async fn clarification<D: Db>(
    tx: &mut D,
    m: &lelang_core::clarification::Mutation,
) -> Result<(), ApplyError> {
    use lelang_core::clarification::Mutation;
    match m {
        Mutation::InsertQuestion(q) => crate::tender::insert_question(tx, q).await?,
        Mutation::AnswerQuestion(q) => crate::tender::answer_question(tx, q).await?,
    }
    Ok(())
}

async fn sealing<D: Db>(tx: &mut D, m: &lelang_core::sealing::Mutation) -> Result<(), ApplyError> {
    use lelang_core::sealing::Mutation;
    match m {
        Mutation::UpsertMemberKey(k) => crate::sealing::upsert_member_key(tx, k).await?,
        Mutation::PutCeremony {
            ceremony,
            expected_version,
        } => crate::sealing::put_ceremony(tx, ceremony, *expected_version).await?,
        Mutation::ExpectLatestCeremony { package_id, latest } => {
            crate::sealing::expect_latest_ceremony(tx, *package_id, *latest).await?;
        }
    }
    Ok(())
}

async fn submission<D: Db>(
    tx: &mut D,
    m: &lelang_core::submission::Mutation,
    span: (i64, i64),
) -> Result<(), ApplyError> {
    use lelang_core::submission::Mutation;
    match m {
        Mutation::Tender(m) => tender(tx, m).await?,
        // The bid's commitment is the change's first event: its leaf is the receipt index.
        Mutation::InsertBid(b) => crate::sealing::insert_bid(tx, b, span.0).await?,
        Mutation::UpdateBid(b) => crate::sealing::update_bid(tx, b).await?,
        // The closing's own event is the change's last: its leaf ends the closing checkpoint.
        Mutation::InsertClosing { package_id, at } => {
            crate::sealing::insert_closing(tx, *package_id, *at, span.1).await?;
        }
    }
    Ok(())
}

async fn opening<D: Db>(tx: &mut D, m: &lelang_core::sealing::opening::Mutation) -> Result<(), ApplyError> {
    use lelang_core::sealing::opening::Mutation;
    match m {
        Mutation::Document(m) => document(tx, m).await?,
        Mutation::Tender(m) => tender(tx, m).await?,
        Mutation::PutOpening {
            opening,
            expected_version,
        } => crate::sealing::put_opening(tx, opening, *expected_version).await?,
    }
    Ok(())
}

async fn evaluation<D: Db>(tx: &mut D, m: &lelang_core::evaluation::Mutation) -> Result<(), ApplyError> {
    use lelang_core::evaluation::Mutation;
    match m {
        Mutation::Package(m) => package(tx, m).await,
        Mutation::Pokja(m) => pokja(tx, m).await,
        Mutation::Tender(m) => tender(tx, m).await,
        Mutation::PutEvaluation {
            evaluation,
            expected_version,
        } => crate::evaluation::put_evaluation(tx, evaluation, *expected_version).await,
    }
}

async fn handover<D: Db>(tx: &mut D, m: &lelang_core::handover::Mutation) -> Result<(), ApplyError> {
    use lelang_core::handover::Mutation;
    match m {
        Mutation::SaveHandover {
            handover,
            read_version,
        } => crate::handover::save_handover(tx, handover, *read_version).await,
        Mutation::InsertMessage(msg) => crate::handover::insert_message(tx, msg).await,
    }
}

async fn cancellation<D: Db>(tx: &mut D, m: &lelang_core::cancellation::Mutation) -> Result<(), ApplyError> {
    use lelang_core::cancellation::Mutation;
    match m {
        Mutation::InsertCancellation {
            cancellation,
            evaluation_version,
        } => crate::cancellation::insert_cancellation(tx, cancellation, *evaluation_version).await,
    }
}

async fn objection<D: Db>(tx: &mut D, m: &lelang_core::objection::Mutation) -> Result<(), ApplyError> {
    use lelang_core::objection::Mutation;
    match m {
        Mutation::Evaluation(m) => evaluation(tx, m).await,
        Mutation::InsertObjection(o) => crate::objection::insert_objection(tx, o).await,
        Mutation::AnswerObjection(o) => crate::objection::answer_objection(tx, o).await,
        Mutation::AddEvidence { objection, read } => {
            crate::objection::add_evidence(tx, objection, read).await
        }
    }
}

async fn complaint<D: Db>(tx: &mut D, m: &lelang_core::complaint::Mutation) -> Result<(), ApplyError> {
    use lelang_core::complaint::Mutation;
    match m {
        Mutation::InsertComplaint(c) => crate::complaint::insert(tx, c).await,
        Mutation::PutComplaint {
            complaint,
            read_version,
        } => crate::complaint::put(tx, complaint, *read_version).await,
    }
}

async fn case<D: Db>(tx: &mut D, m: &lelang_core::case::Mutation) -> Result<(), ApplyError> {
    use lelang_core::case::Mutation;
    match m {
        Mutation::InsertMou(x) => crate::case::insert_mou(tx, x).await,
        Mutation::InsertCase(x) => crate::case::insert_case(tx, x).await,
        Mutation::PutCase { case, read_version } => crate::case::put_case(tx, case, *read_version).await,
        Mutation::Complaint(m) => complaint(tx, m).await,
    }
}

async fn award_letter<D: Db>(tx: &mut D, m: &lelang_core::award_letter::Mutation) -> Result<(), ApplyError> {
    use lelang_core::award_letter::Mutation;
    match m {
        Mutation::ExpectEvaluation { package_id, version } => {
            crate::award_letter::expect_evaluation(tx, *package_id, *version).await
        }
        Mutation::PutLetters {
            letters,
            expected_version,
        } => crate::award_letter::put_letters(tx, letters, *expected_version).await,
    }
}

async fn appeal<D: Db>(tx: &mut D, m: &lelang_core::appeal::Mutation) -> Result<(), ApplyError> {
    use lelang_core::appeal::Mutation;
    match m {
        Mutation::Evaluation(m) => evaluation(tx, m).await,
        Mutation::InsertAppeal(a) => crate::appeal::insert_appeal(tx, a).await,
        Mutation::AnswerAppeal(a) => crate::appeal::answer_appeal(tx, a).await,
    }
}

async fn contract<D: Db>(tx: &mut D, m: &lelang_core::contract::Mutation) -> Result<(), ApplyError> {
    use lelang_core::contract::Mutation;
    match m {
        Mutation::PutContract {
            contract,
            expected_version,
        } => crate::contract::put_contract(tx, contract, *expected_version).await,
    }
}

async fn period<D: Db>(tx: &mut D, m: &lelang_core::period::Mutation) -> Result<(), ApplyError> {
    use lelang_core::period::Mutation;
    match m {
        Mutation::InsertPeriodEnd {
            package_id,
            evaluation_version,
            period,
            last,
        } => crate::period::insert(tx, *package_id, *evaluation_version, *period, *last).await,
    }
}

async fn execution<D: Db>(tx: &mut D, m: &lelang_core::execution::Mutation) -> Result<(), ApplyError> {
    use lelang_core::execution::Mutation;
    match m {
        Mutation::PutExecution {
            execution,
            expected_version,
        } => crate::contract::put_execution(tx, execution, *expected_version).await,
    }
}
