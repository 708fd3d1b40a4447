// Test stand-in for the policy Worker: serves the current policy at GET /v1/policy, starting from the
// POLICY_DOCUMENT binding; tests may replace it with PUT /test/policy.
let current;

export default {
  async fetch(request, env) {
    current ??= JSON.parse(env.POLICY_DOCUMENT);
    const url = new URL(request.url);
    if (url.pathname === "/v1/policy" && request.method === "GET") return Response.json(current);
    if (url.pathname === "/test/policy" && request.method === "PUT") {
      current = await request.json();
      return new Response(null, { status: 204 });
    }
    return new Response("not found", { status: 404 });
  },
};
