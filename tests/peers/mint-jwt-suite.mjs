// Mints a JWT interop suite with npm `jose` into argv[2]:
//   jwks.json   public JWKs (kid + alg + use) for RS256, RS384, RS512, PS256, ES256, ES384, EdDSA
//   tokens.json { name: token } — "valid_<ALG>" (iss https://issuer.test, aud smg, exp +1h,
//               sub "sub-<ALG>", roles ["admin"] for RS*, ["user", "dev"] otherwise) and attacks:
//               alg_none, alg_none_sig, hs256_public_pem, es256_der, expired, nbf_future,
//               wrong_iss, wrong_aud, unknown_kid, tampered_payload.
//   rs256-pub.pem  the RS256 public key (SPKI)
import { generateKeyPair, exportJWK, exportSPKI, SignJWT, base64url } from "jose";
import { createHmac } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: mint-jwt-suite.mjs OUTPUT_DIR");
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

const ISS = "https://issuer.test";
const ALGS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"];
const now = Math.floor(Date.now() / 1000);
const enc = (obj) => base64url.encode(JSON.stringify(obj));

const mint = (key, alg, kid, claims, { iss = ISS, aud = "smg", exp = now + 3600 } = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg, kid, typ: "JWT" }).setIssuer(iss)
    .setAudience(aud).setIssuedAt(now).setExpirationTime(exp).sign(key);

// JOSE raw r||s → DER ECDSA-Sig-Value (what a confused signer would send).
function rawToDer(raw) {
  const int = (bytes) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let body = bytes.subarray(i);
    if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const half = raw.length / 2;
  const seq = Buffer.concat([int(raw.subarray(0, half)), int(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30, seq.length]), seq]);
}

const keys = {};
const jwks = { keys: [] };
for (const alg of ALGS) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  keys[alg] = { publicKey, privateKey };
  const kid = `kid-${alg.toLowerCase()}`;
  jwks.keys.push({ ...(await exportJWK(publicKey)), kid, alg, use: "sig" });
}

const tokens = {};
for (const alg of ALGS) {
  const roles = alg.startsWith("RS") ? ["admin"] : ["user", "dev"];
  tokens[`valid_${alg}`] = await mint(keys[alg].privateKey, alg, `kid-${alg.toLowerCase()}`,
    { sub: `sub-${alg}`, roles });
}

const claims = { sub: "attacker", roles: ["admin"], iss: ISS, aud: "smg", exp: now + 3600 };
const rsKey = keys.RS256.privateKey;
const rsPem = await exportSPKI(keys.RS256.publicKey);
writeFileSync(`${dir}/rs256-pub.pem`, rsPem);

tokens.alg_none = `${enc({ alg: "none", kid: "kid-rs256" })}.${enc(claims)}.`;
tokens.alg_none_sig = `${enc({ alg: "none", kid: "kid-rs256" })}.${enc(claims)}.AAAA`;
const hsInput = `${enc({ alg: "HS256", kid: "kid-rs256", typ: "JWT" })}.${enc(claims)}`;
tokens.hs256_public_pem =
  `${hsInput}.${createHmac("sha256", rsPem).update(hsInput).digest("base64url")}`;
const es = (await mint(keys.ES256.privateKey, "ES256", "kid-es256", { sub: "attacker" }))
  .split(".");
const der = rawToDer(Buffer.from(base64url.decode(es[2])));
tokens.es256_der = `${es[0]}.${es[1]}.${base64url.encode(der)}`;
tokens.expired = await mint(rsKey, "RS256", "kid-rs256", { sub: "late" }, { exp: now - 3600 });
tokens.nbf_future = await new SignJWT({ sub: "early" })
  .setProtectedHeader({ alg: "RS256", kid: "kid-rs256" }).setIssuer(ISS).setAudience("smg")
  .setNotBefore(now + 3600).setExpirationTime(now + 7200).sign(rsKey);
tokens.wrong_iss =
  await mint(rsKey, "RS256", "kid-rs256", { sub: "x" }, { iss: "https://evil.test" });
tokens.wrong_aud = await mint(rsKey, "RS256", "kid-rs256", { sub: "x" }, { aud: "other" });
tokens.unknown_kid = await mint(rsKey, "RS256", "kid-nope", { sub: "x" });
const valid = tokens.valid_RS256.split(".");
tokens.tampered_payload = `${valid[0]}.${enc({ ...claims, sub: "sub-RS256" })}.${valid[2]}`;

writeFileSync(`${dir}/jwks.json`, JSON.stringify(jwks, null, 2));
writeFileSync(`${dir}/tokens.json`, JSON.stringify(tokens, null, 2));
console.log(`wrote ${Object.keys(tokens).length} tokens and ${jwks.keys.length} keys to ${dir}`);
