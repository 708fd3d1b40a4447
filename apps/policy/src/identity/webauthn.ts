/** The relying party passkeys are bound to, from the Worker's vars, and how long a ceremony may take. */
export interface RelyingParty {
  id: string;
  name: string;
  origins: string[];
}

/** Long enough to find a security key or unlock a phone; short enough that a leaked challenge is useless. */
export const CEREMONY_TIMEOUT_MS = 5 * 60 * 1000;

export function relyingParty(env: {
  WEBAUTHN_RP_ID: string;
  WEBAUTHN_RP_NAME: string;
  WEBAUTHN_ORIGINS: string;
}): RelyingParty {
  return {
    id: env.WEBAUTHN_RP_ID,
    name: env.WEBAUTHN_RP_NAME,
    origins: env.WEBAUTHN_ORIGINS.split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
}
