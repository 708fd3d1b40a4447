// Bahasa Indonesia messages of the terminal area.
import type { terminalEn } from "./terminal.en.ts";

export const terminalId: Readonly<Record<keyof typeof terminalEn, string>> = {
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
};
