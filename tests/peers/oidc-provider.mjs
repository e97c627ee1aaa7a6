// A real OpenID Provider (npm oidc-provider 9) on 127.0.0.1 for the gateway's browser-login tests,
// adapted from the shared reference peer. No browser needed: logins are JSON/form calls.
//
// Env: PORT (0 = any free port), GATEWAY_REDIRECT (the gateway callback URLs, comma-separated),
//      GATEWAY_CLIENT_ID (smg-admin), GATEWAY_CLIENT_SECRET (gateway-admin-secret),
//      EMAIL_DOMAIN (example.test).
// Prints one JSON line on stdout: {"issuer": ..., "port": ...}.
//
// Users (password = <name>-pw):
//   alice    alice@<domain>               email_verified true
//   mallory  mallory@<domain>.evil.test   look-alike (suffix) domain, verified
//   eve      eve@evil-<domain>            look-alike (prefix) domain, verified
//   carol    carol@<domain>               email_verified false
// Logins: GET /interaction/:uid -> JSON {uid, prompt}; POST /interaction/:uid/login
//   login=<user>&password=<pw> -> 303 back; consent prompts are granted automatically.
// Attacks: POST /test/tamper with body mode=<none|alg_none|aud|nonce|hs256> rewrites the ID token
// of the next token responses (alg_none: unsigned; aud/nonce: re-signed with the OP's real key
// and a wrong claim; hs256: HMAC-signed with the client secret, the classic confusion attack).
import http from "node:http";
import Provider from "oidc-provider";
import { generateKeyPair, exportJWK, importJWK, SignJWT, decodeJwt } from "jose";
import { interactionHandler, readBody } from "./oidc-interactions.mjs";

const DOMAIN = process.env.EMAIL_DOMAIN || "example.test";
const CLIENT_ID = process.env.GATEWAY_CLIENT_ID || "smg-admin";
const CLIENT_SECRET = process.env.GATEWAY_CLIENT_SECRET || "gateway-admin-secret";
const USERS = {
  alice: { email: `alice@${DOMAIN}`, verified: true, groups: ["admins"] },
  mallory: { email: `mallory@${DOMAIN}.evil.test`, verified: true, groups: [] },
  eve: { email: `eve@evil-${DOMAIN}`, verified: true, groups: [] },
  carol: { email: `carol@${DOMAIN}`, verified: false, groups: [] },
};
let tamper = "";

const { privateKey } = await generateKeyPair("RS256", { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: "op-rs256", alg: "RS256", use: "sig" };

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT || 0), "127.0.0.1", resolve));
const PORT = server.address().port;
const ISSUER = `http://127.0.0.1:${PORT}`;

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    token_endpoint_auth_method: "client_secret_basic",
    grant_types: ["authorization_code"],
    response_types: ["code"],
    redirect_uris: (process.env.GATEWAY_REDIRECT || "http://127.0.0.1:1/admin/auth/callback").split(","),
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ["peer-cookie-key-1"] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,  // put email etc. in the ID token of the code flow
  scopes: ["openid", "email", "profile"],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
  features: { devInteractions: { enabled: false } },
  findAccount: async (_ctx, sub) => {
    const u = USERS[sub];
    if (!u) return undefined;
    return { accountId: sub, claims: async () => ({ sub, email: u.email, email_verified: u.verified, name: sub, groups: u.groups }) };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.proxy = false;

async function tampered(idToken) {
  const claims = decodeJwt(idToken);
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  if (tamper === "alg_none") return `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
  if (tamper === "hs256") {
    return new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: "op-rs256" }).sign(new TextEncoder().encode(CLIENT_SECRET));
  }
  if (tamper === "aud") claims.aud = "some-other-client";
  if (tamper === "nonce") claims.nonce = "forged-nonce";
  const key = await importJWK(signingJwk, "RS256");
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "op-rs256" }).sign(key);
}
provider.use(async (ctx, next) => {
  await next();
  if (tamper && ctx.path === "/token" && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token) };
  }
});

const interactions = interactionHandler(provider, USERS);

const handler = provider.callback();
server.on("request", async (req, res) => {
  if (req.url.startsWith("/interaction/")) return void interactions(req, res);
  if (req.url === "/test/tamper" && req.method === "POST") {
    tamper = (await readBody(req)).mode || "";
    res.writeHead(200, { "content-type": "application/json" });
    return void res.end(JSON.stringify({ tamper }));
  }
  handler(req, res);
});
console.log(JSON.stringify({ issuer: ISSUER, port: PORT }));
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => { server.close(); process.exit(0); });
