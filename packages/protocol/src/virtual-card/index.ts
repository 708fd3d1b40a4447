/** The virtual NTAG card and the card transport interface the terminal writes through. */
export * from "./mulberry32.ts";
export * from "./ntag-model.ts";
export * from "./transport.ts";
export * from "./virtual-card-transport.ts";
export * from "./virtual-ntag.ts";
