/** NDEF message and Type 2 Tag TLV codec, and Tessera's card record. */
export * from "./ndef-error.ts";
export * from "./ndef-message.ts";
export * from "./tessera-record.ts";
export * from "./tlv.ts";
