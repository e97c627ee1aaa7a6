// A real OpenID Provider (npm oidc-provider 9) on 127.0.0.1 for `smgctl login` tests: a public
// native client for the CLI (device code, authorization code + PKCE S256, refresh tokens), token
// revocation, and resource indicators so access tokens are RS256 JWTs for the gateway's audience.
// Adapted from the shared reference peer; oidc-provider.mjs (the gateway's browser login) is separate.
// No browser needed: every page a person would see answers JSON, and forms take plain form posts.
//
// Env: PORT (0 = any free port), CLIENT_ID (smgctl-cli), AUDIENCE (smg),
//      TTL_AT (access token lifetime in seconds, default 3600: short for the refresh tests),
//      TTL_DEVICE (device code lifetime in seconds, default 600).
// Prints one JSON line on stdout: {"issuer": ..., "port": ..., "jwks_uri": ...}.
//
// Users (password = <name>-pw): alice (roles ["admin"]), bob (roles ["user"]). Access tokens carry
// `roles`, so a gateway started with --jwt-issuer <issuer> --jwt-audience smg makes alice an admin.
// Redirect URI: http://127.0.0.1/callback; the port is free (RFC 8252 §7.3, native client).
//
// Logins (authorization code): GET /interaction/:uid -> JSON {uid, prompt}; consent prompts are
//   granted automatically (303 onwards); POST /interaction/:uid/login login=<user>&password=<pw>
//   -> 303 back to the authorization flow.
// Device approval (RFC 8628 §3.3, the user's side):
//   GET  /device                             -> JSON {step: "input", xsrf}
//   POST /device xsrf=&user_code=            -> JSON {step: "confirm", xsrf, user_code}
//   POST /device xsrf=&user_code=&confirm=yes -> 303 into the login interaction above; after it,
//        the redirects end at JSON {step: "success"}
//   POST /device xsrf=&user_code=&abort=yes  -> the device's next poll gets access_denied
// A wrong or expired code answers JSON {step: "input", error}.
import http from "node:http";
import Provider from "oidc-provider";
import { generateKeyPair, exportJWK } from "jose";
import { interactionHandler } from "./oidc-interactions.mjs";

const CLIENT_ID = process.env.CLIENT_ID || "smgctl-cli";
const AUDIENCE = process.env.AUDIENCE || "smg";
const TTL_AT = Number(process.env.TTL_AT || 3600);
const TTL_DEVICE = Number(process.env.TTL_DEVICE || 600);
const USERS = {
  alice: { email: "alice@example.test", roles: ["admin"] },
  bob: { email: "bob@example.test", roles: ["user"] },
};

const { privateKey } = await generateKeyPair("RS256", { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: "cli-op-rs256", alg: "RS256", use: "sig" };

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT || 0), "127.0.0.1", resolve));
const PORT = server.address().port;
const ISSUER = `http://127.0.0.1:${PORT}`;

function json(ctx, body) {
  ctx.type = "application/json";
  ctx.body = JSON.stringify(body);
}

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: CLIENT_ID,
    client_name: "smgctl",
    application_type: "native",
    token_endpoint_auth_method: "none",
    grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
    response_types: ["code"],
    redirect_uris: ["http://127.0.0.1/callback"],
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ["cli-peer-cookie-key-1"] },
  pkce: { required: () => true },
  scopes: ["openid", "offline_access", "email", "profile"],
  claims: { openid: ["sub"], email: ["email"], profile: ["name"] },
  ttl: { DeviceCode: TTL_DEVICE },
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    deviceFlow: {
      enabled: true,
      userCodeInputSource: async (ctx, _form, _out, err) =>
        json(ctx, { step: "input", xsrf: ctx.oidc.session.state.secret, error: err ? err.name || "error" : undefined }),
      userCodeConfirmSource: async (ctx, _form, _client, _deviceInfo, userCode) =>
        json(ctx, { step: "confirm", xsrf: ctx.oidc.session.state.secret, user_code: userCode }),
      successSource: async (ctx) => json(ctx, { step: "success" }),
    },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => `urn:${AUDIENCE}`,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: "openid",
        audience: AUDIENCE,
        accessTokenTTL: TTL_AT,
        accessTokenFormat: "jwt",
        jwt: { sign: { alg: "RS256" } },
      }),
    },
  },
  // The CLI always gets a refresh token: that is what keeps a terminal session alive.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
  extraTokenClaims: async (_ctx, token) => {
    const user = USERS[token.accountId];
    return user ? { roles: user.roles } : undefined;
  },
  findAccount: async (_ctx, sub) => {
    const u = USERS[sub];
    if (!u) return undefined;
    return { accountId: sub, claims: async () => ({ sub, email: u.email, name: sub }) };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.proxy = false;

const interactions = interactionHandler(provider, USERS);

const handler = provider.callback();
server.on("request", (req, res) => {
  if (req.url.startsWith("/interaction/")) return void interactions(req, res);
  handler(req, res);
});
console.log(JSON.stringify({ issuer: ISSUER, port: PORT, jwks_uri: `${ISSUER}/jwks` }));
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => { server.close(); process.exit(0); });
