// English messages of the console area; console.id.ts must translate every key.

export const consoleEn = {
  "console.title": "Console",
  "console.lead": "Run your card scheme: terminals, policy, keys, cards and reconciliation.",
  "console.comingSoon": "Coming soon",
  "console.section.dashboard": "Dashboard",
  "console.section.finance": "Finance",
  "console.section.terminals": "Terminals",
  "console.section.cards": "Cards",
  "console.section.policy": "Policy",
  "console.section.keys": "Keys",
  "console.section.denyList": "Deny list",
  "console.section.flags": "Reconciliation flags",
  "console.section.audit": "Audit log",
} as const;
