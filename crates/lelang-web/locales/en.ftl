# English
app-name = lelang
app-tagline = Regional government procurement that is safe, open, and verifiable by anyone
skip-to-content = Skip to content
nav-home = Home
nav-public = Public pages
nav-account = My account
nav-tenants = Regencies
nav-directory = Officials
nav-work-units = Work units
nav-events = Event log
nav-api = API
nav-sign-in = Sign in
nav-sign-out = Sign out
nav-main = Main navigation
lang-switch = Language
lang-switch-submit = Switch language
lang-id = Bahasa Indonesia
lang-en = English
footer-promises = Bids sealed until opening · Every action on a public log · Every role sees only what it may

role-platform_admin = Platform administrator
role-tenant_admin = Regency administrator
role-ulp_head = Head of the procurement unit (UKPBJ)
role-pokja_member = Pokja (working group) member
role-commitment_officer = Commitment officer (PPK)
role-budget_holder = Budget holder (PA/KPA)
role-vendor = Vendor
role-auditor = Auditor (APIP/Inspectorate)
role-law_enforcement = Law enforcement (APH)

landing-title = Procurement that is safe and always runs smoothly
landing-lead = lelang serves the procurement service units (UKPBJ) of many regencies: packages and owner's estimates, working groups, announcements, sealed bids, evaluation, objections and contracts — with a public record that outside tools can verify.
landing-promise-sealed = Sealed means sealed: nobody, not even an administrator, can open a bid before its time.
landing-promise-receipt = A bid committed before the deadline is never lost, and its vendor can prove it without our server.
landing-promise-log = Every action is on a tamper-evident public log.
landing-tenants = Regencies served
landing-no-tenants = No regency has been registered yet.
landing-work-units = { $count ->
    [one] 1 work unit
   *[other] { $count } work units
}

tenant-work-units = Work units (SKPD/OPD)
tenant-no-work-units = No work units yet.
tenant-time-zone = Time zone

login-title = Sign in to lelang
login-username = Username
login-password = Password
login-submit = Sign in
login-failed = Wrong username or password.
login-throttled = Too many failed sign-in attempts. Try again in { $minutes } minutes.
login-inactive = This account is disabled. Contact your regency's administrator.
signed-out = You have signed out.

home-title = Home
home-acting-as = Signed in as { $name } — { $role }
home-tenant = Regency: { $tenant }
home-platform-lead = Manage the regencies and vendors this platform serves.
home-stat-tenants = Regencies
home-stat-vendors = Registered vendors
home-stat-events = Events recorded
home-tenant-admin-lead = Manage your regency's work units and officials.
home-stat-work-units = Work units
home-stat-officials = Officials
home-ulp-lead = Assign a pokja to each tender. Pokja members' workload is shown here.
home-pokja-members = Pokja members
home-pokja-none = No pokja members yet.
home-pokja-lead = The tenders you run as a pokja member will appear here.
home-no-tenders = No tender has been assigned to you yet.
home-ppk-lead = Prepare packages and owner's estimates (HPS) from your work unit's procurement plan (RUP).
home-no-packages = No packages yet.
home-work-unit = Work unit: { $unit }
home-budget-lead = Approve your work unit's procurement plan.
home-no-plans = No procurement plan is waiting for approval.
home-vendor-lead = Your company profile. Tenders, questions and sealed bids live here.
home-vendor-company = Company
home-vendor-nib = NIB
home-auditor-lead = Examine your regency's event log. Every action is recorded and cannot be changed.
home-recent-events = Recent events
home-law-lead = Read-only access under a memorandum of understanding (MoU). Every access of yours is recorded.

account-title = My account
account-profile = Profile
account-username = Username
account-name = Name
account-role = Role
account-password = Change password
account-current-password = Current password
account-new-password = New password
account-new-password-hint = At least 8 characters; 15 or more recommended. A phrase of several words is easy to remember and hard to guess.
account-password-submit = Save password
account-password-changed = Password changed. All your sessions have ended; please sign in again.
account-wrong-password = The current password is wrong.
account-sessions = Sessions
account-sessions-count = { $count ->
    [one] You are signed in in 1 place.
   *[other] You are signed in in { $count } places.
}
account-sessions-revoke = Sign out everywhere
account-tokens = API tokens
account-tokens-lead = For other applications that use lelang's API on your behalf, in the role you are acting in now.
account-token-name = Token name
account-token-create = Create token
account-token-created = Token created. Copy it now — it will not be shown again:
account-token-revoke = Revoke
account-token-revoked = Revoked
account-token-active = Active
account-token-none = No tokens yet.
account-token-col-name = Name
account-token-col-role = Role
account-token-col-created = Created
account-token-col-last-used = Last used
account-token-col-status = Status

tenants-title = Regencies
tenants-create = Add a regency
tenants-slug = Short name (for web addresses)
tenants-name = Official name
tenants-time-zone = Time zone
tenants-created = Regency added.

directory-title = Officials of { $tenant }
directory-create = Add an official
directory-username = Username
directory-display-name = Full name
directory-email = E-mail
directory-role = Role
directory-work-unit = Work unit (for PPK and PA/KPA)
directory-no-work-unit = — none —
directory-password = Initial password
directory-created = Official added.
directory-revoke = End all sessions
directory-revoked = All of the user's sessions have ended.
directory-col-username = Username
directory-col-name = Name
directory-col-email = E-mail
directory-col-actions = Actions

work-units-title = Work units of { $tenant }
work-units-create = Add a work unit
work-units-code = Code
work-units-name = Name
work-units-created = Work unit added.

events-title = Event log of { $tenant }
events-lead = An append-only, totally ordered log. Every change of data has its event.
events-col-seq = No.
events-col-at = Time
events-col-type = Type
events-col-actor = Actor's role
events-col-payload = Content
events-none = No events yet.
events-next = Next

form-errors = Please check the following:
error-title = Something went wrong
error-back = Back to home
error-not-found = Page not found.
error-forbidden = You are not allowed to open this page.
error-csrf = The form has expired or is not valid. Reload the page and try again.
error-bad-form = The form could not be read.
error-conflict = That already exists.
error-internal = The server failed. This has been logged.
error-unavailable = The service is unavailable. Try again shortly.
error-payload-too-large = The submission is too large.

invalid-name = A name must be 2–200 characters without control characters.
invalid-slug = A short name starts with a lower-case letter, then lower-case letters, digits or hyphens (2–40 characters).
invalid-username = A username is 3–64 characters: letters, digits, dots, underscores or hyphens.
invalid-email = The e-mail address is not valid.
invalid-code = A code is 1–20 characters: upper-case letters, digits, dots, underscores or hyphens.
invalid-nib = An NIB is 13 digits.
invalid-roles = That role cannot be granted to this user.
invalid-user-kind = A user cannot be both an official and a vendor.
invalid-token-name = A token name must be 1–100 characters.
invalid-expiry = The expiry must be in the future.
invalid-time-zone = The time zone must be WIB, WITA or WIT.
invalid-role = Unknown role.
invalid-work-unit = That work unit does not exist in this regency.
token-already-revoked = The token has already been revoked.
password-too-short = A password must be at least 8 characters.
password-too-long = A password must be at most 128 characters.
password-contextual = A password must not be the username, the name, the e-mail or the application's name.
password-weak = That password is too common or easy to guess. Use a phrase of several words.

event-tenant_created = Regency added
event-work_unit_created = Work unit added
event-vendor_registered = Vendor registered
event-user_created = User created
event-role_granted = Role granted
event-password_changed = Password changed
event-sessions_revoked = All sessions ended
event-api_token_created = API token created
event-api_token_revoked = API token revoked

nav-log = Public log
log-title = The verifiable public log
log-lead = Every action in lelang is one leaf of a Merkle tree (RFC 6962). Checkpoints are signed; anyone can check that the record was never rewritten, with tools that are not ours. Personal data is replaced by salted hash commitments.
log-checkpoint = Latest checkpoint
log-origin = Log origin
log-size = Entries
log-root = Root hash
log-signed-at = Signed
log-key = Verifier key
log-verify-hint = Check it yourself with
log-entries = Newest entries
log-col-index = Index
log-col-type = Type
log-col-at = Time
log-col-leaf = Public form
log-col-proof = Proof
log-proof = inclusion proof
log-older = Older entries
