// bcryptjs as an independent bcrypt implementation for interop tests. The password is read from
// stdin as UTF-8, exactly (no newline stripping), so no argv quoting or encoding gets in the way.
//
//   node bcrypt-peer.mjs hash <cost> <prefix>   prints a hash with prefix $2a$, $2b$ or $2y$
//   node bcrypt-peer.mjs verify <hash>          prints true or false
import bcrypt from "bcryptjs";

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const [command, ...args] = process.argv.slice(2);
const password = await readStdin();

if (command === "hash") {
  const [cost, prefix] = args;
  if (!["$2a$", "$2b$", "$2y$"].includes(prefix)) {
    console.error(`bad prefix ${prefix}`);
    process.exit(2);
  }
  // bcryptjs writes $2b$ (or $2a$); the three variants are the same algorithm here, so the
  // prefix is rewritten to make each one.
  const hash = bcrypt.hashSync(password, bcrypt.genSaltSync(Number(cost)));
  console.log(prefix + hash.slice(4));
} else if (command === "verify") {
  console.log(bcrypt.compareSync(password, args[0]) ? "true" : "false");
} else {
  console.error("usage: bcrypt-peer.mjs hash <cost> <prefix> | verify <hash>");
  process.exit(2);
}
