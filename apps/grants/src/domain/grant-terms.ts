/**
 * What a terminal's next grant says, as a pure function of the terminal, the policy, the signing key
 * version and the clock: the JWT claims, the card certificate's fields and when to refresh.
 */
import {
  GRANT_AUDIENCE,
  type Operation,
  type PolicyDocument,
  ROLE_CEILING,
  type Role,
  type SessionGrantClaims,
} from "@tessera/protocol";

const HOUR = 3600;

export interface GrantSubject {
  terminalId: string;
  terminalNumber: number;
  role: Role;
  locationId: string;
  jkt: string;
}

export interface GrantTermsInput {
  subject: GrantSubject;
  policy: PolicyDocument;
  keyVersion: number;
  denyListVersion: number;
  gseq: number;
  grantId: string;
  issuer: string;
  /** Seconds since the epoch. */
  now: number;
}

export interface GrantTerms {
  claims: SessionGrantClaims;
  certificate: { operations: Operation[]; validFrom: number; validHours: number };
  /** When the terminal should fetch its next grant (the policy's refresh margin before expiry). */
  refreshAt: number;
}

export function grantTerms(input: GrantTermsInput): GrantTerms {
  const { subject, policy, now } = input;
  const rolePolicy = policy.roles[subject.role];
  // Policy validation already keeps roles within their ceiling; this keeps a bad document from ever
  // producing a grant (signGrant would refuse it anyway).
  const ops = rolePolicy.operations.filter((op) => ROLE_CEILING[subject.role].includes(op));
  const exp = now + policy.grant.lifetimeSeconds;
  // Certificates start on the hour (cards store whole hours) and cover the whole grant window. The start is
  // taken from the clock-skew allowance before issue, so a terminal whose clock runs behind by up to that much
  // can write at once, even in the first minutes of an hour.
  const validFrom = Math.floor((now - policy.clockSkewSeconds) / HOUR) * HOUR;
  const validHours = Math.ceil((exp - validFrom) / HOUR);
  const claims: SessionGrantClaims = {
    iss: input.issuer,
    sub: subject.terminalId,
    aud: GRANT_AUDIENCE,
    iat: now,
    nbf: now,
    exp,
    jti: input.grantId,
    cnf: { jkt: subject.jkt },
    tid: subject.terminalNumber,
    gseq: input.gseq,
    role: subject.role,
    ops,
    limits: {
      perTransaction: rolePolicy.offline.perTransaction,
      cumulativeValue: rolePolicy.offline.cumulativeValue,
      cumulativeCount: rolePolicy.offline.cumulativeCount,
    },
    loc: subject.locationId,
    pv: policy.version,
    dlv: input.denyListVersion,
    kv: input.keyVersion,
  };
  const refreshAt = Math.max(
    now,
    exp - Math.min(policy.grant.refreshMarginSeconds, policy.grant.lifetimeSeconds),
  );
  return { claims, certificate: { operations: ops, validFrom, validHours }, refreshAt };
}
