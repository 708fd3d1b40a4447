// Bahasa Indonesia messages of the balance area.
import type { balanceEn } from "./balance.en.ts";

export const balanceId: Readonly<Record<keyof typeof balanceEn, string>> = {
  "balance.title": "Cek saldo saya",
  "balance.lead":
    "Tempelkan kartu Tessera ke bagian belakang ponsel Anda. Tidak ada yang dikirim ke mana pun: kartu dibaca dan diperiksa di sini.",
  "balance.needsNfc":
    "Membaca kartu memerlukan Chrome di ponsel Android dengan NFC menyala. Di sini Anda dapat membaca kartu demo sebagai gantinya.",
  "balance.holdCard": "Tempelkan kartu Anda ke bagian belakang ponsel sekarang.",
  "balance.read": "Baca",
  "balance.noKeys":
    "Ponsel ini belum pernah menerima kunci publik skema. Buka halaman ini sekali dengan jaringan menyala; setelah itu bekerja tanpa jaringan.",
  "balance.status": "Status",
  "balance.cardId": "Nomor kartu",
  "balance.session": "Sesi",
  "balance.sessionOpen": "Masuk sejak {since}",
  "balance.sessionNone": "Belum masuk",
  "balance.history": "Riwayat terakhir",
  "balance.before": "{when} atau sebelumnya",
  "balance.checkedWith": "Diperiksa dengan kunci publik yang diambil {when}.",
};
