/**
 * The Idempotency-Key hash covers `JSON.stringify` of the parsed body; assembling that text from the events'
 * own JSON must give the very same string, or a retry after a deploy would be refused as another body.
 */
import { describe, expect, it } from "vitest";
import { UploadBody, uploadBodyJson } from "./schemas.ts";

const bodies: unknown[] = [
  {
    events: [
      { id: "a", n: 1 },
      { id: "b", nested: { x: [1, "two", null] } },
    ],
  },
  { grants: ["eyJ.a.b"], events: [{ id: "a" }] },
  { events: [{ id: 'é\u{1F600}"\\' }], grants: [], extra: true },
  { events: [1, "two", null, [3]] },
];

describe("upload body JSON", () => {
  it("is JSON.stringify of the parsed body, whatever order and extra members the upload had", () => {
    for (const body of bodies) {
      const parsed = UploadBody.parse(body);
      const events = parsed.events.map((raw) => ({ json: JSON.stringify(raw) }));
      expect(uploadBodyJson(events, parsed.grants)).toBe(JSON.stringify(parsed));
    }
  });
});
