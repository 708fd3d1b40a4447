// English messages of the balance area; balance.id.ts must translate every key.

export const balanceEn = {
  "balance.title": "Check my balance",
  "balance.lead":
    "Hold your Tessera card to the back of your phone. Nothing is sent anywhere: the card is read and checked right here.",
  "balance.needsNfc":
    "Reading cards needs Chrome on an Android phone with NFC switched on. Here you can read the demo cards instead.",
  "balance.holdCard": "Hold your card to the back of the phone now.",
  "balance.read": "Read",
  "balance.noKeys":
    "This phone has not seen the scheme's public keys yet. Open this page once with the network on; after that it works offline.",
  "balance.status": "Status",
  "balance.cardId": "Card number",
  "balance.session": "Session",
  "balance.sessionOpen": "Checked in since {since}",
  "balance.sessionNone": "Not checked in",
  "balance.history": "Recent history",
  "balance.before": "{when} or earlier",
  "balance.checkedWith": "Checked with the public keys fetched {when}.",
} as const;
