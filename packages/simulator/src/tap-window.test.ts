import { describe, expect, it } from "vitest";
import { SeededRandom } from "./random.ts";
import { TapWindow } from "./tap-window.ts";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the tap window", () => {
  it("keeps each terminal's and each card's taps in the drawn order, never two at once, with the window full", async () => {
    const random = new SeededRandom(7);
    const window = new TapWindow<number, number>(4);
    const running = { terminals: new Set<number>(), cards: new Set<number>() };
    const seen = { byTerminal: new Map<number, number[]>(), byCard: new Map<number, number[]>() };
    let widest = 0;
    let inFlight = 0;
    for (let i = 0; i < 300; i++) {
      const terminal = random.int(0, 9);
      const card = random.int(0, 29);
      const ms = random.int(0, 3);
      await window.submit(terminal, card, async () => {
        expect(running.terminals.has(terminal) || running.cards.has(card)).toBe(false);
        running.terminals.add(terminal);
        running.cards.add(card);
        widest = Math.max(widest, ++inFlight);
        seen.byTerminal.set(terminal, [...(seen.byTerminal.get(terminal) ?? []), i]);
        seen.byCard.set(card, [...(seen.byCard.get(card) ?? []), i]);
        await tick(ms);
        inFlight--;
        running.terminals.delete(terminal);
        running.cards.delete(card);
      });
    }
    await window.drain();
    expect(inFlight).toBe(0);
    expect(widest).toBe(4);
    for (const order of [...seen.byTerminal.values(), ...seen.byCard.values()])
      expect(order).toEqual([...order].sort((a, b) => a - b));
    expect([...seen.byTerminal.values()].flat()).toHaveLength(300);
  });

  it("starts a later tap on a free terminal and card while an earlier one waits for its terminal", async () => {
    const window = new TapWindow<string, string>(2);
    const events: string[] = [];
    const slow = (name: string, ms: number) => async () => {
      events.push(`${name} starts`);
      await tick(ms);
      events.push(`${name} ends`);
    };
    await window.submit("till-1", "card-a", slow("first", 30));
    await window.submit("till-1", "card-b", slow("second, same till", 1));
    await window.submit("till-2", "card-c", slow("third, elsewhere", 1));
    await window.drain();
    expect(events.indexOf("third, elsewhere starts")).toBeLessThan(events.indexOf("first ends"));
    expect(events.indexOf("second, same till starts")).toBeGreaterThan(events.indexOf("first ends"));
  });

  it("starts nothing after a tap fails, and hands the failure to the next submit or drain", async () => {
    const window = new TapWindow<string, string>(2, 2);
    await window.submit("a", "x", async () => {
      await tick(5);
      throw new Error("the engine threw");
    });
    let started = false;
    await window.submit("a", "y", async () => {
      started = true;
    });
    await expect(window.submit("b", "z", async () => {})).rejects.toThrow("the engine threw");
    await expect(window.drain()).rejects.toThrow("the engine threw");
    expect(started).toBe(false);
  });
});
