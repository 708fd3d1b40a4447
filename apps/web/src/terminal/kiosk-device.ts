// What a kiosk asks of the device: full screen, the screen kept awake and a short sound for each result.
// Each is best effort: a browser without one still takes payments.

let audio: AudioContext | undefined;

/** A short beep: one high tone for done, two low ones for refused, a middle one to ask for the card again. */
export function playResultSound(kind: "done" | "uncertain" | "refused"): void {
  try {
    audio ??= new AudioContext();
    const tones = kind === "done" ? [880] : kind === "refused" ? [220, 220] : [520];
    let at = audio.currentTime;
    for (const frequency of tones) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + 0.18);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.2);
      at += 0.25;
    }
    navigator.vibrate?.(kind === "done" ? 80 : [120, 80, 120]);
  } catch {
    // No audio device, or autoplay not yet allowed: the screen still says it.
  }
}

/** Full screen needs a user gesture, so the kiosk asks at the first touch. */
export function requestFullscreenOnce(): void {
  if (document.fullscreenElement || !document.documentElement.requestFullscreen) return;
  document.documentElement.requestFullscreen({ navigationUI: "hide" }).catch(() => undefined);
}

/** Keeps the screen on while the kiosk shows; the browser drops the lock when the tab hides, so take it again. */
export function keepScreenAwake(): () => void {
  let sentinel: WakeLockSentinel | undefined;
  let stopped = false;
  const acquire = () => {
    if (stopped || document.visibilityState !== "visible" || !("wakeLock" in navigator)) return;
    navigator.wakeLock
      .request("screen")
      .then((lock) => {
        sentinel = lock;
      })
      .catch(() => undefined);
  };
  acquire();
  document.addEventListener("visibilitychange", acquire);
  return () => {
    stopped = true;
    document.removeEventListener("visibilitychange", acquire);
    sentinel?.release().catch(() => undefined);
  };
}
