// Terminal mode: the kiosk for POS, gate and station. Prerendered as a "starting" screen; the terminal itself
// (its engine over IndexedDB, the card reader) only exists in the browser, after hydration.
import { createFileRoute } from "@tanstack/react-router";
import terminalCss from "../styles/terminal.css?url";
import { TerminalApp } from "../terminal/TerminalApp.tsx";

export const Route = createFileRoute("/terminal")({
  head: () => ({ links: [{ rel: "stylesheet", href: terminalCss }] }),
  component: TerminalApp,
});
