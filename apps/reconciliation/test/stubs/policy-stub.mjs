// Test stand-in for the policy Worker: `GET /v1/policy` answers the policy of test/fixtures/scheme.json.
export default {
  fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/v1/policy") return Response.json(env.FIXTURE.policy);
    return new Response("not found", { status: 404 });
  },
};
