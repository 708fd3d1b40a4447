// Bahasa Indonesia messages.
import type { MessageCatalog } from "./en.ts";

export const id: MessageCatalog = {
  "language.name": "Bahasa Indonesia",
  "language.switch": "Bahasa",

  "app.title": "Tessera",
  "app.tagline": "Pembayaran kartu yang tetap berjalan tanpa internet",
  "app.description":
    "Tessera menyimpan saldo dan riwayat singkat yang ditandatangani langsung di kartu NFC, sehingga terminal dapat menerima pembayaran tanpa jaringan. Semuanya diperiksa ulang saat terminal kembali terhubung.",
  "app.entries": "Mau ke mana?",
  "app.skipToContent": "Langsung ke konten",

  "nav.home": "Beranda",

  "entry.terminal.title": "Terminal",
  "entry.terminal.body": "Terima pembayaran, jaga gerbang, atau layani stasiun kartu — juga tanpa jaringan.",
  "entry.console.title": "Konsol",
  "entry.console.body": "Daftarkan terminal, terbitkan kebijakan, pantau rekonsiliasi dan log audit.",
  "entry.balance.title": "Cek saldo saya",
  "entry.balance.body": "Tempelkan kartu ke ponsel ber-NFC untuk melihat saldo dan riwayat terakhir.",

  "principle.card.title": "Kartu membawa datanya sendiri",
  "principle.card.body":
    "Saldo, sesi, dan riwayat anti-rusak tersimpan di kartu, ditandatangani oleh terminal yang menulisnya.",
  "principle.grant.title": "Terminal bekerja dalam batas izin",
  "principle.grant.body":
    "Izin sesi bertanda tangan yang berlaku singkat membatasi apa dan berapa banyak yang boleh dilakukan terminal saat offline.",
  "principle.reconcile.title": "Setiap tap direkonsiliasi",
  "principle.reconcile.body":
    "Saat terminal kembali terhubung, setiap kejadian diverifikasi; kloning, pemutaran ulang, dan manipulasi ditandai.",

  "terminal.title": "Terminal",
  "terminal.status": "Status terminal",
  "terminal.connectivity": "Koneksi",
  "terminal.connectivity.checking": "Memeriksa…",
  "terminal.connectivity.online": "Daring",
  "terminal.connectivity.offline": "Luring",
  "terminal.connectivity.unreachable": "Server tidak terjangkau",
  "terminal.grant": "Izin",
  "terminal.grant.none": "Belum ada",
  "terminal.outbox": "Menunggu diunggah",
  "terminal.outbox.empty": "Tidak ada antrean",
  "terminal.lastCard": "Kartu terakhir",
  "terminal.lastCard.none": "Belum ada kartu",
  "terminal.prompt": "Tempelkan kartu",
  "terminal.notEnrolled": "Terminal ini belum disiapkan",
  "terminal.notEnrolledHint":
    "Operator mendaftarkannya dari konsol dengan kode sekali pakai. Pendaftaran hadir di pembaruan berikutnya.",
  "terminal.exit": "Keluar dari mode terminal",

  "console.title": "Konsol",
  "console.lead": "Kelola skema kartu Anda: terminal, kebijakan, kunci, kartu, dan rekonsiliasi.",
  "console.comingSoon": "Segera hadir",
  "console.section.dashboard": "Dasbor",
  "console.section.finance": "Keuangan",
  "console.section.terminals": "Terminal",
  "console.section.cards": "Kartu",
  "console.section.policy": "Kebijakan",
  "console.section.keys": "Kunci",
  "console.section.denyList": "Daftar tolak",
  "console.section.flags": "Tanda rekonsiliasi",
  "console.section.audit": "Log audit",

  "balance.title": "Cek saldo saya",
  "balance.lead":
    "Tempelkan kartu Tessera ke bagian belakang ponsel Anda. Tidak ada yang dikirim ke mana pun: kartu dibaca dan diperiksa di sini.",
  "balance.needsNfc": "Membaca kartu memerlukan Chrome di ponsel Android dengan NFC menyala.",
  "balance.comingSoon": "Pembacaan kartu hadir di pembaruan berikutnya.",

  "notFound.title": "Halaman tidak ditemukan",
  "notFound.body": "Tidak ada apa pun di alamat ini.",
  "notFound.home": "Ke halaman awal",

  "error.title": "Terjadi kesalahan",
  "error.retry": "Coba lagi",
};
