/** Wire messages of the signing keys resource. */
import { z } from "@hono/zod-openapi";
import { KeyVersion } from "@tessera/protocol";
import { KEY_STATUSES } from "../db/signing-keys.ts";

export const SigningKey = z
  .object({
    version: KeyVersion,
    kid: z.string(),
    status: z
      .enum(KEY_STATUSES)
      .describe(
        "published: in the JWKS, not signing yet; active: signing grants and certificates; previous: superseded, in the JWKS until what it signed expires; retired: out of the JWKS",
      ),
    publicKey: z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string() }),
    publishedAt: z.iso.datetime(),
    activatedAt: z.iso.datetime().nullable(),
    supersededAt: z.iso.datetime().nullable(),
    retiredAt: z.iso.datetime().nullable(),
    activatableAt: z.iso
      .datetime()
      .nullable()
      .describe(
        "For a published key: when it may start signing without an override (a grant lifetime after publication)",
      ),
    liveGrants: z
      .int()
      .nonnegative()
      .describe("Grants signed with it whose grant or certificate is still valid"),
    validUntil: z.iso.datetime().nullable().describe("When the last grant or certificate it signed expires"),
    acceptedByPolicy: z.boolean().describe("Whether the current policy tells card readers to accept it"),
  })
  .openapi("SigningKey");
export type SigningKey = z.infer<typeof SigningKey>;

export const SigningKeyList = z.object({ keys: z.array(SigningKey) }).openapi("SigningKeyList");

export const KeyVersionParam = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(255)
    .openapi({ param: { name: "version", in: "path" }, example: 2 }),
});

export const ActivateKeyRequest = z
  .object({
    override: z
      .boolean()
      .default(false)
      .describe(
        "Activate before the key has been published for a grant lifetime (terminals holding older grants will not know it)",
      ),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe("Required with override; kept in the audit log"),
  })
  .refine((body) => !body.override || body.reason !== undefined, {
    message: "an override needs a reason",
    path: ["reason"],
  })
  .openapi("ActivateKey");
