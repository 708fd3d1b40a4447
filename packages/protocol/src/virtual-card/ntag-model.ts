/** Memory maps of the NXP NTAG215 and NTAG216 chips (datasheet NTAG213/215/216, section 8.5). */

export type NtagModel = "NTAG215" | "NTAG216";

export interface NtagLayout {
  /** Pages 0..pageCount-1, 4 bytes each, including the configuration pages after user memory. */
  pageCount: number;
  firstUserPage: number;
  lastUserPage: number;
  /**
   * Page 3, written once at the factory. Its size byte (0x3E = 496, 0x6D = 872 bytes) is smaller than the
   * physical user memory (504, 888): NFC Forum stacks such as Android's size the NDEF area from it.
   */
  capabilityContainer: readonly [number, number, number, number];
}

export const NTAG_LAYOUTS: Record<NtagModel, NtagLayout> = {
  NTAG215: {
    pageCount: 135,
    firstUserPage: 4,
    lastUserPage: 129,
    capabilityContainer: [0xe1, 0x10, 0x3e, 0x00],
  },
  NTAG216: {
    pageCount: 231,
    firstUserPage: 4,
    lastUserPage: 225,
    capabilityContainer: [0xe1, 0x10, 0x6d, 0x00],
  },
};

export const PAGE_SIZE = 4;
export const UID_LENGTH = 7;
/** ISO/IEC 14443-3 cascade tag, folded into the first UID check byte. */
export const CASCADE_TAG = 0x88;
/** NXP's IC manufacturer code, the first UID byte of every genuine NTAG. */
export const NXP_MANUFACTURER_CODE = 0x04;
/** Page 2 byte 1, "internal" in the datasheet; 0x48 on NTAG21x. */
export const NTAG_INTERNAL_BYTE = 0x48;

/** Factory contents of the pages after user memory: dynamic lock, CFG0, CFG1, PWD, PACK. */
export const NTAG_TRAILER_PAGES: readonly (readonly [number, number, number, number])[] = [
  [0x00, 0x00, 0x00, 0xbd], // dynamic lock bytes, RFUI
  [0x04, 0x00, 0x00, 0xff], // CFG0: MIRROR, RFUI, MIRROR_PAGE, AUTH0 (0xFF = no password protection)
  [0x00, 0x05, 0x00, 0x00], // CFG1: ACCESS, RFUI
  [0x00, 0x00, 0x00, 0x00], // PWD: always reads back as zeros
  [0x00, 0x00, 0x00, 0x00], // PACK, RFUI
];
