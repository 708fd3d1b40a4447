// English messages of the terminal area; terminal.id.ts must translate every key.

export const terminalEn = {
  "terminal.title": "Terminal",
  "terminal.status": "Terminal status",
  "terminal.connectivity": "Connection",
  "terminal.connectivity.checking": "Checking…",
  "terminal.connectivity.online": "Online",
  "terminal.connectivity.offline": "Offline",
  "terminal.connectivity.unreachable": "Backend unreachable",
  "terminal.grant": "Grant",
  "terminal.grant.none": "None yet",
  "terminal.outbox": "Waiting to upload",
  "terminal.outbox.empty": "Nothing waiting",
  "terminal.lastCard": "Last card",
  "terminal.lastCard.none": "No card yet",
  "terminal.prompt": "Tap a card",
  "terminal.notEnrolled": "This terminal is not set up yet",
  "terminal.notEnrolledHint":
    "An operator enrols it from the console with a one-time code. Enrolment arrives in a coming update.",
  "terminal.exit": "Leave terminal mode",
} as const;
