//! Companies: their qualification profile, kept by their own users and reused by every regency,
//! and a regency's verification of it.

use crate::{App, AppError};
use lelang_core::ids::{TenantId, VendorId};
use lelang_core::policy::{Action, Actor, authorize};
use lelang_core::vendor::{VendorProfile, VerificationStatus, update_profile, verify};

/// A company's profile, new or replaced (every regency's verification lapses if it changed).
pub async fn update(
    app: &App,
    actor: &Actor,
    vendor: VendorId,
    profile: &VendorProfile,
) -> Result<(), AppError> {
    authorize(actor, Action::ActForVendor(vendor))?;
    let current = app.store.vendor_profile(vendor).await?;
    app.run(|cx| update_profile(actor, vendor, current.as_ref(), profile, cx))
        .await?;
    Ok(())
}

/// A regency records its check of a company's current profile (not found: no such company).
pub async fn check(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    vendor: VendorId,
    status: VerificationStatus,
    note: &str,
) -> Result<(), AppError> {
    authorize(actor, Action::ReviewVendors(tenant))?;
    let vendor = app.store.vendor(vendor).await?.ok_or(AppError::NotFound)?;
    let has_profile = app.store.vendor_profile(vendor.id).await?.is_some();
    app.run(|cx| verify(actor, tenant, &vendor, has_profile, status, note, cx))
        .await?;
    Ok(())
}
