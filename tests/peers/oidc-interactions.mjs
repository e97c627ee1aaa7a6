// Headless login and consent for the oidc-provider test peers (oidc-provider.mjs for browser
// admins, oidc-cli-provider.mjs for smgctl login): no HTML pages, a test drives them as JSON.
//   GET  /interaction/:uid        -> {uid, prompt, client_id}; a consent prompt is granted at once
//   POST /interaction/:uid/login  {login, password}: password must be `${login}-pw`
//                                 (401 invalid_credentials otherwise)
// Mount with: server.on("request", (req, res) => req.url.startsWith("/interaction/")
//   ? void interactions(req, res) : handler(req, res)), interactions = interactionHandler(...).

// A request body as an object, from JSON or a urlencoded form.
export async function readBody(req) {
  let b = "";
  for await (const c of req) b += c;
  if ((req.headers["content-type"] || "").includes("application/json")) return JSON.parse(b || "{}");
  return Object.fromEntries(new URLSearchParams(b));
}

async function autoConsent(provider, req, res, details) {
  const { prompt: { details: d }, grantId, session, params } = details;
  const grant = grantId ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(" "));
  if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
  if (d.missingResourceScopes) for (const [ind, sc] of Object.entries(d.missingResourceScopes)) grant.addResourceScope(ind, sc.join(" "));
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

// The /interaction/ request handler for `provider`, accepting the logins in `users`.
export function interactionHandler(provider, users) {
  return async (req, res) => {
    const m = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
    const reply = (code, obj) => { res.writeHead(code, { "content-type": "application/json" }); res.end(JSON.stringify(obj)); };
    try {
      const details = await provider.interactionDetails(req, res);
      const name = details.prompt.name;
      if (req.method === "GET" && !m[2]) {
        if (name === "consent") return await autoConsent(provider, req, res, details);
        return reply(200, { uid: details.uid, prompt: name, client_id: details.params.client_id });
      }
      if (req.method === "POST" && m[2] && name === "login") {
        const { login, password } = await readBody(req);
        if (!users[login] || password !== `${login}-pw`) return reply(401, { error: "invalid_credentials" });
        return await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      }
      return reply(400, { error: "unexpected_interaction", prompt: name });
    } catch (e) {
      return reply(400, { error: e.name || "error", error_description: e.message });
    }
  };
}
