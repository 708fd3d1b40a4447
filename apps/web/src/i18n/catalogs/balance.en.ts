// English messages of the balance area; balance.id.ts must translate every key.

export const balanceEn = {
  "balance.title": "Check my balance",
  "balance.lead":
    "Hold your Tessera card to the back of your phone. Nothing is sent anywhere: the card is read and checked right here.",
  "balance.needsNfc": "Reading cards needs Chrome on an Android phone with NFC switched on.",
  "balance.comingSoon": "Card reading arrives in a coming update.",
} as const;
