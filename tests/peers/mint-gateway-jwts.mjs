// Mints the JWTs of the gateway auth matrix with npm `jose` into argv[2], for the issuer argv[3]:
//   jwks.json    the public JWKS (one RS256 key, kid "gw-1", alg RS256, use sig)
//   tokens.json  { name: token }, all RS256, aud "smg", exp +1h unless said otherwise:
//     admin         sub alice, roles ["admin"]
//     user          sub bob, roles ["user"]
//     group_admin   sub carol, groups ["Gateway.Admin"]           (for --jwt-role-mapping)
//     custom_admin  sub dave, "https://smg.example.com/roles": ["smg-admin"]  (--jwt-role-claim)
//     expired       roles ["admin"], exp 1 h ago
//     wrong_aud     roles ["admin"], aud "other"
//     wrong_iss     roles ["admin"], iss "https://evil.example.com"
//     other_key     roles ["admin"], kid "gw-1" but signed by a key not in the JWKS
import { generateKeyPair, exportJWK, SignJWT } from "jose";
import { mkdirSync, writeFileSync } from "node:fs";

const [dir, issuer] = process.argv.slice(2);
if (!dir || !issuer) {
  console.error("usage: mint-gateway-jwts.mjs OUTPUT_DIR ISSUER_URL");
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

const KID = "gw-1";
const now = Math.floor(Date.now() / 1000);
const signing = await generateKeyPair("RS256", { extractable: true });
const stranger = await generateKeyPair("RS256");

const mint = (claims, { key = signing.privateKey, iss = issuer, aud = "smg", exp = now + 3600 } = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: KID, typ: "JWT" }).setIssuer(iss)
    .setAudience(aud).setIssuedAt(now).setExpirationTime(exp).sign(key);

const admin = { sub: "alice", roles: ["admin"] };
const tokens = {
  admin: await mint(admin),
  user: await mint({ sub: "bob", roles: ["user"] }),
  group_admin: await mint({ sub: "carol", groups: ["Gateway.Admin"] }),
  custom_admin: await mint({ sub: "dave", "https://smg.example.com/roles": ["smg-admin"] }),
  expired: await mint(admin, { exp: now - 3600 }),
  wrong_aud: await mint(admin, { aud: "other" }),
  wrong_iss: await mint(admin, { iss: "https://evil.example.com" }),
  other_key: await mint(admin, { key: stranger.privateKey }),
};
const jwks = { keys: [{ ...(await exportJWK(signing.publicKey)), kid: KID, alg: "RS256", use: "sig" }] };

writeFileSync(`${dir}/jwks.json`, JSON.stringify(jwks, null, 2));
writeFileSync(`${dir}/tokens.json`, JSON.stringify(tokens, null, 2));
console.log(`wrote ${Object.keys(tokens).length} tokens for ${issuer} to ${dir}`);
