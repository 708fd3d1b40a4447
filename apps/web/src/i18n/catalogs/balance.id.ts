// Bahasa Indonesia messages of the balance area.
import type { balanceEn } from "./balance.en.ts";

export const balanceId: Readonly<Record<keyof typeof balanceEn, string>> = {
  "balance.title": "Cek saldo saya",
  "balance.lead":
    "Tempelkan kartu Tessera ke bagian belakang ponsel Anda. Tidak ada yang dikirim ke mana pun: kartu dibaca dan diperiksa di sini.",
  "balance.needsNfc": "Membaca kartu memerlukan Chrome di ponsel Android dengan NFC menyala.",
  "balance.comingSoon": "Pembacaan kartu hadir di pembaruan berikutnya.",
};
