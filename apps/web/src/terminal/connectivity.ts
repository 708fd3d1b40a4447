// What the terminal knows about its connection: the browser's online flag for now; a backend
// health probe will add "unreachable" (online, but the Workers do not answer).
import { useSyncExternalStore } from "react";

export type Connectivity = "checking" | "online" | "offline" | "unreachable";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

const browserConnectivity = (): Connectivity => (navigator.onLine ? "online" : "offline");

// A prerendered page cannot know the kiosk's connection, so it says it is checking until hydrated.
const prerenderedConnectivity = (): Connectivity => "checking";

export function useConnectivity(): Connectivity {
  return useSyncExternalStore(subscribe, browserConnectivity, prerenderedConnectivity);
}
