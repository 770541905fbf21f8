//! Working calendars.

use crate::*;

/// Days off are kept by date, renamed in place, read by year, and removed once.
pub async fn calendar_days_off(store: Arc<dyn Store>) {
    use lelang_core::calendar::{DayOff, DayOffKind, remove_day_off, set_day_off};
    use time::macros::date;
    let day = |d, kind, name: &str| DayOff {
        date: d,
        kind,
        name: name.into(),
    };
    for d in [
        day(date!(2026 - 03 - 20), DayOffKind::Holiday, "Idul Fitri 1447 H"),
        day(date!(2026 - 03 - 23), DayOffKind::CutiBersama, "Cuti bersama"),
        day(
            date!(2027 - 01 - 01),
            DayOffKind::Holiday,
            "Tahun Baru 2027 Masehi",
        ),
        day(
            date!(2026 - 03 - 23),
            DayOffKind::CutiBersama,
            "Cuti bersama Idul Fitri 1447 H",
        ),
    ] {
        store
            .commit(set_day_off(&admin(), d, &crate::cx(t0())).expect("valid").lift())
            .await
            .expect("commit");
    }
    let y2026 = store.days_off(Some(2026)).await.expect("2026");
    assert_eq!(
        y2026.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["Idul Fitri 1447 H", "Cuti bersama Idul Fitri 1447 H"]
    );
    assert_eq!(store.days_off(None).await.expect("all").len(), 3);
    store
        .commit(
            remove_day_off(&admin(), date!(2027 - 01 - 01), &crate::cx(t0()))
                .expect("valid")
                .lift(),
        )
        .await
        .expect("remove");
    assert!(store.days_off(Some(2027)).await.expect("2027").is_empty());
    let again = remove_day_off(&admin(), date!(2027 - 01 - 01), &crate::cx(t0())).expect("valid");
    assert!(matches!(
        store.commit(again.lift()).await,
        Err(StoreError::NotFound(_))
    ));
}
