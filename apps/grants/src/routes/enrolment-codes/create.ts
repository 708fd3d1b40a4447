/** `POST /v1/enrolment-codes`: an operator makes a one-time code a terminal enrols with. */

import type { RouteHandler } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import {
  ENROLMENT_CODE_DEFAULT_SECONDS,
  EnrolmentCodeRequest,
  EnrolmentCodeResponse,
  enrolmentQrPayload,
  generateEnrolmentCode,
} from "@tessera/protocol";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { enrolmentCodes } from "../../db/terminals.ts";
import { hashEnrolmentCode } from "../../enrolment.ts";
import type { GrantsEnv } from "../../env.ts";
import { actorName } from "../../http/actor.ts";
import { newId } from "../../ids.ts";

export const CreatedEnrolmentCode = EnrolmentCodeResponse.extend({
  id: z.string().describe("The code's id (the code itself is never stored, only its hash)"),
  role: EnrolmentCodeRequest.shape.role,
  name: EnrolmentCodeRequest.shape.name,
  locationId: EnrolmentCodeRequest.shape.locationId,
}).openapi("EnrolmentCode");

export const createEnrolmentCodeRoute = secureRoute({
  method: "post",
  path: "/enrolment-codes",
  tags: ["Enrolment"],
  summary: "Create a one-time enrolment code for a terminal",
  description:
    "The code (shown once, also as a QR payload) is single-use and expires (15 minutes by default, at most a day). Only its SHA-256 is stored.",
  access: { roles: ["operator"], scopes: ["terminals:write"] },
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: EnrolmentCodeRequest.openapi("EnrolmentCodeRequest") } },
    },
  },
  responses: {
    201: {
      description: "The code, its expiry and QR payload",
      content: { "application/json": { schema: CreatedEnrolmentCode } },
    },
    ...problemResponses(400, 413, 415, 422),
  },
});

export const createEnrolmentCode: RouteHandler<typeof createEnrolmentCodeRoute, GrantsEnv> = async (c) => {
  const request = c.req.valid("json");
  const code = generateEnrolmentCode();
  const createdAt = Math.floor(Date.now() / 1000);
  const expiresAt = createdAt + (request.expiresInSeconds ?? ENROLMENT_CODE_DEFAULT_SECONDS);
  const id = newId("enr");
  await enrolmentCodes(c.env.DB).insert({
    id,
    codeHash: await hashEnrolmentCode(code),
    role: request.role,
    name: request.name,
    locationId: request.locationId,
    createdBy: actorName(c),
    createdAt,
    expiresAt,
  });
  const expiresAtIso = new Date(expiresAt * 1000).toISOString();
  await c.var.audit("enrolment_code.create", `enrolment_code:${id}`, {
    role: request.role,
    name: request.name,
    locationId: request.locationId,
    expiresAt: expiresAtIso,
  });
  return c.json(
    CreatedEnrolmentCode.parse({
      id,
      code,
      expiresAt: expiresAtIso,
      qr: enrolmentQrPayload(code, new URL(c.req.url).origin),
      role: request.role,
      name: request.name,
      locationId: request.locationId,
    }),
    201,
  );
};
