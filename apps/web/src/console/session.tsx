// Who is signed in to the console and how: a passkey session (HttpOnly cookie set by the policy Worker) or a
// pasted bootstrap/admin token, which lives in this tab's sessionStorage only and is gone when the tab closes.
import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ConsoleApi, type Credential, ProblemError } from "./api.ts";
import { isRole, type Role } from "./roles.ts";

export const TOKEN_STORAGE_KEY = "tessera.console.token";
/**
 * Not a secret: only "this browser signed in with a passkey". The session cookie is HttpOnly, so without this
 * hint every visit would probe the Workers (and log a 401) just to learn that nobody is signed in.
 */
export const SESSION_HINT_KEY = "tessera.console.session";

/** `GET /v1/me` as the policy Worker answers it. */
export interface Me {
  kind: "user" | "service" | "bootstrap";
  id: string;
  name: string;
  role?: string;
  via?: string;
}

export interface SignedIn {
  me: Me;
  role: Role;
  api: ConsoleApi;
}

export type SessionState =
  | { status: "checking" }
  | { status: "signedOut"; error?: string }
  | ({ status: "signedIn" } & SignedIn);

export interface ConsoleSession {
  state: SessionState;
  signInWithToken(token: string): Promise<void>;
  signInWithPasskey(): Promise<void>;
  registerPasskey(invitation: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<ConsoleSession | null>(null);

interface CeremonyOptions {
  challengeId: string;
  // biome-ignore lint/suspicious/noExplicitAny: the WebAuthn options JSON goes to @simplewebauthn/browser as is.
  options: any;
}

function readStoredToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function sessionHint(present?: boolean): boolean {
  try {
    if (present === true) localStorage.setItem(SESSION_HINT_KEY, "1");
    else if (present === false) localStorage.removeItem(SESSION_HINT_KEY);
    return localStorage.getItem(SESSION_HINT_KEY) === "1";
  } catch {
    return false;
  }
}

async function whoIs(credential: Credential): Promise<SignedIn> {
  const api = new ConsoleApi(credential);
  const me = await api.get<Me>("policy", "/me");
  // An API key has scopes, not a role; the console is for people (and the bootstrap admin).
  if (!isRole(me.role)) throw new ProblemError({ status: 403, code: "forbidden", detail: "not a person" });
  return { me, role: me.role, api };
}

export function ConsoleSessionProvider({ children }: { children: ReactNode }) {
  // Prerendered HTML has no session; the check runs after hydration.
  const [state, setState] = useState<SessionState>({ status: "checking" });

  useEffect(() => {
    let cancelled = false;
    const token = readStoredToken();
    if (!token && !sessionHint()) {
      setState({ status: "signedOut" });
      return;
    }
    const credential: Credential = token ? { kind: "token", token } : { kind: "session" };
    whoIs(credential)
      .then((signedIn) => !cancelled && setState({ status: "signedIn", ...signedIn }))
      .catch(() => {
        if (token) sessionStorage.removeItem(TOKEN_STORAGE_KEY);
        else sessionHint(false);
        if (!cancelled) setState({ status: "signedOut" });
      });
    return () => {
      cancelled = true;
    };
  }, []);

  const signInWithToken = useCallback(async (token: string) => {
    const signedIn = await whoIs({ kind: "token", token: token.trim() });
    sessionStorage.setItem(TOKEN_STORAGE_KEY, token.trim());
    setState({ status: "signedIn", ...signedIn });
  }, []);

  const signInWithPasskey = useCallback(async () => {
    const anonymous = new ConsoleApi({ kind: "session" });
    const { challengeId, options } = await anonymous.post<CeremonyOptions>("policy", "/sessions/options");
    const response = await startAuthentication({ optionsJSON: options });
    await anonymous.post("policy", "/sessions", { challengeId, response });
    sessionHint(true);
    setState({ status: "signedIn", ...(await whoIs({ kind: "session" })) });
  }, []);

  const registerPasskey = useCallback(async (invitation: string) => {
    const anonymous = new ConsoleApi({ kind: "session" });
    const { challengeId, options } = await anonymous.post<CeremonyOptions>(
      "policy",
      "/passkeys/registration-options",
      { invitation },
    );
    const response = await startRegistration({ optionsJSON: options });
    await anonymous.post("policy", "/passkeys", { invitation, challengeId, response });
    sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    sessionHint(true);
    setState({ status: "signedIn", ...(await whoIs({ kind: "session" })) });
  }, []);

  const signOut = useCallback(async () => {
    const current = state.status === "signedIn" ? state : null;
    sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    sessionHint(false);
    if (current?.api.credential.kind === "session") {
      await current.api.delete("policy", "/sessions/current").catch(() => undefined);
    }
    setState({ status: "signedOut" });
  }, [state]);

  const value = useMemo<ConsoleSession>(
    () => ({ state, signInWithToken, signInWithPasskey, registerPasskey, signOut }),
    [state, signInWithToken, signInWithPasskey, registerPasskey, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useConsoleSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useConsoleSession must be used inside <ConsoleSessionProvider>");
  return session;
}

/** The signed-in person; only call inside pages the layout renders once signed in. */
export function useSignedIn(): SignedIn {
  const { state } = useConsoleSession();
  if (state.status !== "signedIn") throw new Error("useSignedIn needs a signed-in console");
  return state;
}
