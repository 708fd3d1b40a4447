// Test stand-in for the policy Worker: `GET /v1/policy` answers the policy of test/fixtures/scheme.json, and
// `GET /v1/policy/versions/{v}` that policy as version 1 and, as version 7, the same with three hours of
// clock skew allowed (a grant naming 7 is judged by it).
const LENIENT_VERSION = 7;
export default {
  fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/v1/policy") return Response.json(env.FIXTURE.policy);
    if (request.method === "GET" && pathname === `/v1/policy/versions/${env.FIXTURE.policy.version}`)
      return Response.json(env.FIXTURE.policy);
    if (request.method === "GET" && pathname === `/v1/policy/versions/${LENIENT_VERSION}`)
      return Response.json({ ...env.FIXTURE.policy, version: LENIENT_VERSION, clockSkewSeconds: 3 * 3600 });
    return new Response("not found", { status: 404 });
  },
};
