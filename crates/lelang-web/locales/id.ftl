# Bahasa Indonesia (bahasa bawaan lelang)
app-name = lelang
app-tagline = Pengadaan barang/jasa pemerintah daerah yang aman, terbuka, dan dapat diperiksa siapa saja
skip-to-content = Langsung ke isi
nav-home = Beranda
nav-public = Halaman publik
nav-account = Akun saya
nav-tenants = Pemerintah daerah
nav-directory = Pejabat
nav-work-units = Unit kerja
nav-events = Catatan kejadian
nav-api = API
nav-sign-in = Masuk
nav-sign-out = Keluar
nav-main = Navigasi utama
lang-switch = Bahasa
lang-switch-submit = Ganti bahasa
lang-id = Bahasa Indonesia
lang-en = English
footer-promises = Penawaran tersegel sampai pembukaan · Setiap tindakan tercatat di log publik · Setiap peran hanya melihat yang menjadi haknya

role-platform_admin = Administrator platform
role-tenant_admin = Administrator pemerintah daerah
role-ulp_head = Kepala UKPBJ
role-pokja_member = Anggota pokja pemilihan
role-commitment_officer = Pejabat Pembuat Komitmen (PPK)
role-budget_holder = Pengguna Anggaran (PA/KPA)
role-vendor = Penyedia
role-auditor = Auditor (APIP/Inspektorat)
role-law_enforcement = Aparat Penegak Hukum (APH)

landing-title = Pengadaan yang aman dan selalu lancar
landing-lead = lelang melayani unit kerja pengadaan barang/jasa (UKPBJ) di banyak pemerintah daerah: paket dan HPS, pokja, pengumuman, penawaran tersegel, evaluasi, sanggah, dan kontrak — dengan catatan publik yang dapat diperiksa alat pihak luar.
landing-promise-sealed = Tersegel berarti tersegel: tidak seorang pun, termasuk administrator, dapat membuka penawaran sebelum waktunya.
landing-promise-receipt = Penawaran yang dikirim sebelum batas waktu tidak akan hilang, dan penyedia dapat membuktikannya tanpa server kami.
landing-promise-log = Setiap tindakan tercatat di log publik yang tahan pemalsuan.
landing-tenants = Pemerintah daerah yang dilayani
landing-no-tenants = Belum ada pemerintah daerah yang terdaftar.
landing-work-units = { $count ->
    [one] 1 unit kerja
   *[other] { $count } unit kerja
}

tenant-work-units = Unit kerja (SKPD/OPD)
tenant-no-work-units = Belum ada unit kerja.
tenant-time-zone = Zona waktu

login-title = Masuk ke lelang
login-username = Nama pengguna
login-password = Kata sandi
login-submit = Masuk
login-failed = Nama pengguna atau kata sandi salah.
login-throttled = Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam { $minutes } menit.
login-inactive = Akun ini dinonaktifkan. Hubungi administrator pemerintah daerah Anda.
signed-out = Anda telah keluar.

home-title = Beranda
home-acting-as = Anda masuk sebagai { $name } — { $role }
home-tenant = Pemerintah daerah: { $tenant }
home-platform-lead = Kelola pemerintah daerah dan penyedia yang dilayani platform ini.
home-stat-tenants = Pemerintah daerah
home-stat-vendors = Penyedia terdaftar
home-stat-events = Kejadian tercatat
home-tenant-admin-lead = Kelola unit kerja dan pejabat pemerintah daerah Anda.
home-stat-work-units = Unit kerja
home-stat-officials = Pejabat
home-ulp-lead = Tetapkan pokja pemilihan untuk setiap tender. Beban kerja anggota pokja ditampilkan di sini.
home-pokja-members = Anggota pokja
home-pokja-none = Belum ada anggota pokja.
home-pokja-lead = Tender yang Anda tangani sebagai anggota pokja akan muncul di sini.
home-no-tenders = Belum ada tender yang ditugaskan kepada Anda.
home-ppk-lead = Siapkan paket pengadaan dan HPS dari rencana umum pengadaan (RUP) unit kerja Anda.
home-no-packages = Belum ada paket.
home-work-unit = Unit kerja: { $unit }
home-budget-lead = Setujui rencana pengadaan unit kerja Anda.
home-no-plans = Belum ada rencana pengadaan yang menunggu persetujuan.
home-vendor-lead = Profil perusahaan Anda. Daftar tender, pertanyaan, dan penawaran tersegel ada di sini.
home-vendor-company = Perusahaan
home-vendor-nib = NIB
home-auditor-lead = Periksa catatan kejadian pemerintah daerah Anda. Setiap tindakan tercatat dan tidak dapat diubah.
home-recent-events = Kejadian terbaru
home-law-lead = Akses hanya-baca berdasarkan nota kesepahaman (MoU). Setiap akses Anda tercatat.

account-title = Akun saya
account-profile = Profil
account-username = Nama pengguna
account-name = Nama
account-role = Peran
account-password = Ganti kata sandi
account-current-password = Kata sandi saat ini
account-new-password = Kata sandi baru
account-new-password-hint = Minimal 8 karakter; disarankan 15 atau lebih. Frasa beberapa kata mudah diingat dan sulit ditebak.
account-password-submit = Simpan kata sandi
account-password-changed = Kata sandi diganti. Semua sesi Anda telah diakhiri; silakan masuk kembali.
account-wrong-password = Kata sandi saat ini salah.
account-sessions = Sesi
account-sessions-count = { $count ->
    [one] Anda masuk di 1 tempat.
   *[other] Anda masuk di { $count } tempat.
}
account-sessions-revoke = Keluar dari semua perangkat
account-tokens = Token API
account-tokens-lead = Untuk aplikasi lain yang mengakses API lelang atas nama Anda, dengan peran yang sedang Anda gunakan.
account-token-name = Nama token
account-token-create = Buat token
account-token-created = Token dibuat. Salin sekarang — token ini tidak akan ditampilkan lagi:
account-token-revoke = Cabut
account-token-revoked = Dicabut
account-token-active = Aktif
account-token-none = Belum ada token.
account-token-col-name = Nama
account-token-col-role = Peran
account-token-col-created = Dibuat
account-token-col-last-used = Terakhir dipakai
account-token-col-status = Status

tenants-title = Pemerintah daerah
tenants-create = Tambah pemerintah daerah
tenants-slug = Nama singkat (untuk alamat web)
tenants-name = Nama resmi
tenants-time-zone = Zona waktu
tenants-created = Pemerintah daerah ditambahkan.

directory-title = Pejabat { $tenant }
directory-create = Tambah pejabat
directory-username = Nama pengguna
directory-display-name = Nama lengkap
directory-email = Surel
directory-role = Peran
directory-work-unit = Unit kerja (untuk PPK dan PA/KPA)
directory-no-work-unit = — tidak ada —
directory-password = Kata sandi awal
directory-created = Pejabat ditambahkan.
directory-revoke = Akhiri semua sesi
directory-revoked = Semua sesi pengguna diakhiri.
directory-col-username = Nama pengguna
directory-col-name = Nama
directory-col-email = Surel
directory-col-actions = Tindakan

work-units-title = Unit kerja { $tenant }
work-units-create = Tambah unit kerja
work-units-code = Kode
work-units-name = Nama
work-units-created = Unit kerja ditambahkan.

events-title = Catatan kejadian { $tenant }
events-lead = Log yang hanya dapat ditambah, berurutan total. Setiap perubahan data memiliki kejadian.
events-col-seq = No.
events-col-at = Waktu
events-col-type = Jenis
events-col-actor = Peran pelaku
events-col-payload = Isi
events-none = Belum ada kejadian.
events-next = Berikutnya

form-errors = Periksa isian berikut:
error-title = Terjadi kesalahan
error-back = Kembali ke beranda
error-not-found = Halaman tidak ditemukan.
error-forbidden = Anda tidak berwenang membuka halaman ini.
error-csrf = Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.
error-bad-form = Isian formulir tidak dapat dibaca.
error-conflict = Data tersebut sudah ada.
error-internal = Terjadi kesalahan pada server. Kejadian ini telah dicatat.
error-unavailable = Layanan sedang tidak tersedia. Coba lagi sebentar lagi.
error-payload-too-large = Isian terlalu besar.

invalid-name = Nama harus 2–200 karakter tanpa karakter kontrol.
invalid-slug = Nama singkat harus diawali huruf kecil, lalu huruf kecil, angka, atau tanda hubung (2–40 karakter).
invalid-username = Nama pengguna 3–64 karakter: huruf, angka, titik, garis bawah, atau tanda hubung.
invalid-email = Alamat surel tidak sah.
invalid-code = Kode 1–20 karakter: huruf besar, angka, titik, garis bawah, atau tanda hubung.
invalid-nib = NIB harus 13 angka.
invalid-roles = Peran tersebut tidak dapat diberikan kepada pengguna ini.
invalid-user-kind = Pengguna tidak dapat sekaligus pejabat dan penyedia.
invalid-token-name = Nama token harus 1–100 karakter.
invalid-expiry = Waktu kedaluwarsa harus di masa depan.
invalid-time-zone = Zona waktu harus WIB, WITA, atau WIT.
invalid-role = Peran tidak dikenal.
invalid-work-unit = Unit kerja tidak ditemukan di pemerintah daerah ini.
token-already-revoked = Token sudah dicabut.
password-too-short = Kata sandi minimal 8 karakter.
password-too-long = Kata sandi maksimal 128 karakter.
password-contextual = Kata sandi tidak boleh berupa nama pengguna, nama, surel, atau nama aplikasi.
password-weak = Kata sandi terlalu umum atau mudah ditebak. Gunakan frasa beberapa kata.

event-tenant_created = Pemerintah daerah ditambahkan
event-work_unit_created = Unit kerja ditambahkan
event-vendor_registered = Penyedia didaftarkan
event-user_created = Pengguna dibuat
event-role_granted = Peran diberikan
event-password_changed = Kata sandi diganti
event-sessions_revoked = Semua sesi diakhiri
event-api_token_created = Token API dibuat
event-api_token_revoked = Token API dicabut

nav-log = Log publik
log-title = Log publik yang dapat diverifikasi
log-lead = Setiap tindakan di lelang adalah satu entri pohon Merkle (RFC 6962). Checkpoint ditandatangani; siapa pun dapat memeriksa bahwa catatan tidak pernah ditulis ulang, dengan alat yang bukan buatan kami. Data pribadi diganti komitmen hash bergaram.
log-checkpoint = Checkpoint terbaru
log-origin = Asal log
log-size = Jumlah entri
log-root = Hash akar
log-signed-at = Ditandatangani
log-key = Kunci verifikasi
log-verify-hint = Periksa sendiri dengan
log-entries = Entri terbaru
log-col-index = Indeks
log-col-type = Jenis
log-col-at = Waktu
log-col-leaf = Bentuk publik
log-col-proof = Bukti
log-proof = bukti inklusi
log-older = Entri lebih lama
