/** Wire messages of the signing keys resource. */
import { z } from "@hono/zod-openapi";
import { KeyVersion } from "@tessera/protocol";
import { FLEET_OVERRIDE_FIELDS, overrideNeedsReason } from "@tessera/service-kit";
import { KEY_STATUSES } from "../db/signing-keys.ts";

const PublicKey = z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string() });

export const SigningKey = z
  .object({
    version: KeyVersion,
    kid: z
      .string()
      .describe(
        "Key id of the version's grant key in the JWKS: tessera-grant-<version>, or tessera-<version> for a legacy dual-purpose version",
      ),
    status: z
      .enum(KEY_STATUSES)
      .describe(
        "published: in the JWKS and the certificate key set, not signing yet; active: signing grants and certificates; previous: superseded, published until what it signed expires; retired: published no more",
      ),
    publicKey: PublicKey.describe("The grant key"),
    certificateKey: z
      .object({
        kid: z
          .string()
          .describe(
            "Key id in the certificate key set: tessera-cert-<version>, or tessera-<version> for a legacy version",
          ),
        publicKey: PublicKey,
      })
      .describe("The key that signs this version's terminal certificates (cards name it by the version)"),
    dualPurpose: z
      .boolean()
      .describe(
        "A legacy version made before keys were split: one key signs grants and certificates until the version is retired (ADR 0004)",
      ),
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

/** Rotating to the first split-purpose version waits for the fleet (ADR 0005); an admin may override it. */
export const RotateKeyRequest = z
  .object(FLEET_OVERRIDE_FIELDS)
  .superRefine(overrideNeedsReason)
  .openapi("RotateKey");
