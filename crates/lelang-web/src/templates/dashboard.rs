//! The dashboard's pages.

use super::Nav;
use crate::dashboard::Section;
use crate::i18n::Tr;
use askama::Template;

/// One option of a filter.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub t: Tr,
    pub nav: Nav,
    pub regency: String,
    pub slug: String,
    /// The unit's view (the pokja's load, every flag) or the public one.
    pub unit: bool,
    pub years: Vec<Choice>,
    pub work_units: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub methods: Vec<Choice>,
    /// (label, value) of the headline figures.
    pub headline: Vec<(String, String)>,
    pub sections: Vec<Section>,
    /// The pokja forecast in a sentence, and its charts (the unit's view).
    pub forecast: Option<String>,
    pub forecast_sections: Vec<Section>,
    /// The same figures as CSV, with the same filters.
    pub csv_href: String,
    /// (label, value) of the regency's complaint figures.
    pub complaints: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "compare.html")]
pub struct ComparePage {
    pub t: Tr,
    pub nav: Nav,
    /// Every regency, ticked when compared.
    pub regencies: Vec<Choice>,
    pub years: Vec<Choice>,
    /// The compared regencies' names, in order (the table's columns).
    pub names: Vec<String>,
    /// One row per figure: its label and each regency's value.
    pub table: Vec<Vec<String>>,
    pub sections: Vec<Section>,
}
