import { describe, expect, it } from "vitest";
import { useMemoryLocalStorage } from "../testing/memory-local-storage.ts";
import {
  hasOperatorPin,
  OPERATOR_PIN_STORAGE_KEY,
  setOperatorPin,
  verifyOperatorPin,
} from "./operator-pin.ts";

useMemoryLocalStorage();

describe("the operator PIN", () => {
  it("is kept only as a salted hash and unlocks with the same digits only", async () => {
    expect(hasOperatorPin()).toBe(false);
    await setOperatorPin("2468");
    const stored = localStorage.getItem(OPERATOR_PIN_STORAGE_KEY)!;
    expect(stored).not.toContain("2468");
    expect(JSON.parse(stored)).toMatchObject({ iterations: 600_000 });
    await expect(verifyOperatorPin("2468")).resolves.toBe(true);
    await expect(verifyOperatorPin("2469")).resolves.toBe(false);
    await expect(verifyOperatorPin("")).resolves.toBe(false);
  });

  it("salts each PIN, so two kiosks with one PIN store different hashes", async () => {
    await setOperatorPin("1234");
    const first = localStorage.getItem(OPERATOR_PIN_STORAGE_KEY);
    await setOperatorPin("1234");
    expect(localStorage.getItem(OPERATOR_PIN_STORAGE_KEY)).not.toBe(first);
  });

  it("refuses a PIN that is not 4 to 8 digits", async () => {
    await expect(setOperatorPin("12a4")).rejects.toThrow(RangeError);
    await expect(setOperatorPin("123")).rejects.toThrow(RangeError);
    expect(hasOperatorPin()).toBe(false);
  });
});
