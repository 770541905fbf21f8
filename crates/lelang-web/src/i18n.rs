//! Messages in Bahasa Indonesia (the default) and English, from Fluent files that translators can
//! edit without touching code. A test checks that both files define exactly the same keys.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::Arc;

/// The languages lelang speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>` and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// Parses a tag; anything but `en…` is Indonesian.
    pub fn from_tag(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "in" => Some(Lang::Id),
            "en" => Some(Lang::En),
            s if s.starts_with("id-") => Some(Lang::Id),
            s if s.starts_with("en-") => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, Indonesian if none.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or_default();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Lang::from_tag(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map_or(Lang::Id, |(_, l)| l)
    }
}

pub(crate) const ID_FTL: &str = include_str!("../locales/id.ftl");
pub(crate) const EN_FTL: &str = include_str!("../locales/en.ftl");

/// Both bundles, built once at start-up.
pub struct I18n {
    id: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

/// A locale file that does not parse (a bug caught by the tests, never by users).
#[derive(Debug, thiserror::Error)]
#[error("locale {0} does not parse: {1}")]
pub struct LocaleError(&'static str, String);

fn bundle(tag: &'static str, src: &str) -> Result<FluentBundle<FluentResource>, LocaleError> {
    let lang = tag.parse().map_err(|e| LocaleError(tag, format!("{e:?}")))?;
    let mut b = FluentBundle::new_concurrent(vec![lang]);
    b.set_use_isolating(false);
    let res =
        FluentResource::try_new(src.to_owned()).map_err(|(_, errs)| LocaleError(tag, format!("{errs:?}")))?;
    b.add_resource(res)
        .map_err(|errs| LocaleError(tag, format!("{errs:?}")))?;
    Ok(b)
}

impl I18n {
    /// Loads the compiled-in locale files.
    pub fn load() -> Result<Arc<Self>, LocaleError> {
        Ok(Arc::new(Self {
            id: bundle("id", ID_FTL)?,
            en: bundle("en", EN_FTL)?,
        }))
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }

    /// The message `key` in `lang` with arguments; the key itself if missing (and the test fails).
    pub fn msg(&self, lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let b = self.bundle(lang);
        let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        let mut errs = Vec::new();
        b.format_pattern(pattern, if args.is_empty() { None } else { Some(&fa) }, &mut errs)
            .into_owned()
    }

    /// Whether a message exists (for error codes coming from the core).
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundle(lang).has_message(key)
    }
}

/// The translator a template uses: `{{ t.get("key") }}`.
#[derive(Clone, Debug)]
pub struct Tr {
    i18n: Arc<I18n>,
    /// The language of the page.
    pub lang: Lang,
}

impl Tr {
    /// A translator for one request.
    pub fn new(i18n: Arc<I18n>, lang: Lang) -> Self {
        Self { i18n, lang }
    }

    /// A message without arguments.
    pub fn get(&self, key: &str) -> String {
        self.i18n.msg(self.lang, key, &[])
    }

    /// Whether the page's language has this message.
    pub fn has(&self, key: &str) -> bool {
        self.i18n.has(self.lang, key)
    }

    /// A message with one string argument.
    pub fn arg(&self, key: &str, name: &str, value: &str) -> String {
        self.i18n
            .msg(self.lang, key, &[(name, FluentValue::from(value.to_owned()))])
    }

    /// A message with one numeric argument `count` (plural forms). Takes anything that prints as
    /// an integer, since templates hand over references of any depth.
    pub fn count(&self, key: &str, n: impl std::fmt::Display) -> String {
        let n: i64 = n.to_string().parse().unwrap_or(0);
        self.i18n.msg(self.lang, key, &[("count", FluentValue::from(n))])
    }

    /// Two string arguments.
    pub fn arg2(&self, key: &str, a: (&str, &str), b: (&str, &str)) -> String {
        self.i18n.msg(
            self.lang,
            key,
            &[
                (a.0, FluentValue::from(a.1.to_owned())),
                (b.0, FluentValue::from(b.1.to_owned())),
            ],
        )
    }

    /// The name of a role in this language.
    pub fn role(&self, role: &lelang_core::Role) -> String {
        self.get(&format!("role-{}", role.code()))
    }

    /// The page's language tag.
    pub fn tag(&self) -> &'static str {
        self.lang.tag()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(src: &str) -> BTreeSet<String> {
        src.lines()
            .filter(|l| {
                !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with('*') && !l.starts_with('[')
            })
            .filter_map(|l| {
                l.split_once(" = ")
                    .or_else(|| l.split_once(" ="))
                    .map(|(k, _)| k.trim().to_owned())
            })
            .filter(|k| !k.is_empty())
            .collect()
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let (id, en) = (keys(ID_FTL), keys(EN_FTL));
        assert!(id.len() > 100, "parsed {} keys", id.len());
        let only_id: Vec<_> = id.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&id).collect();
        assert!(
            only_id.is_empty() && only_en.is_empty(),
            "only in id: {only_id:?}; only in en: {only_en:?}"
        );
        let i = I18n::load().expect("both parse");
        for k in &id {
            assert!(i.has(Lang::Id, k) && i.has(Lang::En, k), "{k} not loaded");
        }
    }

    #[test]
    fn every_role_and_core_error_code_has_a_message() {
        let i = I18n::load().expect("parse");
        for r in lelang_core::Role::ALL {
            assert!(i.has(Lang::En, &format!("role-{}", r.code())));
        }
        for ty in lelang_core::payload::type_names() {
            assert!(
                i.has(Lang::Id, &format!("event-{ty}")) && i.has(Lang::En, &format!("event-{ty}")),
                "{ty}"
            );
        }
        use lelang_core::password::PasswordError::*;
        for e in [TooShort, TooLong, Contextual, Weak] {
            assert!(i.has(Lang::Id, e.code()));
        }
    }

    #[test]
    fn plurals_and_accept_language() {
        let i = I18n::load().expect("parse");
        let t = Tr::new(i, Lang::En);
        assert_eq!(t.count("landing-work-units", 1), "1 work unit");
        assert_eq!(t.count("landing-work-units", 3), "3 work units");
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,id;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr, id;q=0.5"), Lang::Id);
        assert_eq!(Lang::from_accept_language("de"), Lang::Id);
    }
}
