// Bahasa Indonesia messages.
import { balanceId } from "./balance.id.ts";
import { consoleId } from "./console.id.ts";
import type { MessageCatalog } from "./en.ts";
import { terminalId } from "./terminal.id.ts";

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

  "notFound.title": "Halaman tidak ditemukan",
  "notFound.body": "Tidak ada apa pun di alamat ini.",
  "notFound.home": "Ke halaman awal",

  "error.title": "Terjadi kesalahan",
  "error.retry": "Coba lagi",
  ...terminalId,
  ...consoleId,
  ...balanceId,
};
