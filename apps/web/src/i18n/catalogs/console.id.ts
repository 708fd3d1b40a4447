// Bahasa Indonesia messages of the console area.
import type { consoleEn } from "./console.en.ts";

export const consoleId: Readonly<Record<keyof typeof consoleEn, string>> = {
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
};
