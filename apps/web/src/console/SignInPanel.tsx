// Signing in: with a passkey (the normal way), or by pasting the bootstrap/admin token (local set-up, scripts).
import { useState } from "react";
import { useT } from "../i18n/index.ts";
import { ActionButton, describeError } from "./components/ui.tsx";
import { useConsoleSession } from "./session.tsx";

export function SignInPanel() {
  const t = useT();
  const { signInWithPasskey, signInWithToken } = useConsoleSession();
  const [token, setToken] = useState("");
  const [tokenError, setTokenError] = useState<string | null>(null);
  return (
    <div className="console-sign-in">
      <h1>{t("console.title")}</h1>
      <p className="lead">{t("console.signIn.title")}</p>
      <p className="console-muted">{t("console.signIn.lead")}</p>
      <section className="console-panel" aria-labelledby="passkey-title">
        <h2 id="passkey-title">{t("console.signIn.passkeyTitle")}</h2>
        <p>{t("console.signIn.passkeyBody")}</p>
        <ActionButton onClick={signInWithPasskey}>{t("console.signIn.passkey")}</ActionButton>
      </section>
      <section className="console-panel" aria-labelledby="token-title">
        <h2 id="token-title">{t("console.signIn.tokenTitle")}</h2>
        <p>{t("console.signIn.tokenBody")}</p>
        <form
          className="console-form"
          onSubmit={async (event) => {
            event.preventDefault();
            setTokenError(null);
            try {
              await signInWithToken(token);
            } catch (error) {
              setTokenError(describeError(error));
            }
          }}
        >
          <div className="field">
            <label htmlFor="admin-token">{t("console.signIn.token")}</label>
            <input
              id="admin-token"
              type="password"
              autoComplete="off"
              required
              value={token}
              onChange={(event) => setToken(event.target.value)}
            />
          </div>
          <button type="submit" className="button button-quiet">
            {t("console.signIn.useToken")}
          </button>
          {tokenError ? (
            <p className="action-error" role="alert">
              {tokenError}
            </p>
          ) : null}
        </form>
      </section>
    </div>
  );
}
