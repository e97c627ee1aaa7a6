// node-casbin as a test oracle for smg's policy engine: reads ONE JSON document on stdin, prints
// decisions on stdout. Adapted from shared/peers/casbin-oracle.mjs to run many cases per process.
//
// stdin:  {"model": "<casbin model text>",
//          "cases": [{"policy": ["p, ...", "g, ..."], "requests": [["sub","dom","obj","act"], ...]},
//                    ...]}
// stdout: {"results": [{"decisions": [true, ...], "explain": [["sub","dom","obj","act"], [], ...]},
//                      ...]}
// Every enforcer gets `actionMatch(r, p)`: true when r equals one `|`-separated alternative of p
// (anchored, exact), the function smg's model.h pins. Exit 0 on success, 2 on bad input.
import { newEnforcer, newModelFromString, StringAdapter } from "casbin";

const actionMatch = (requested, allowed) => String(allowed).split("|").includes(String(requested));

async function runCase(model, testCase) {
  const policy = Array.isArray(testCase.policy) ? testCase.policy.join("\n") : String(testCase.policy ?? "");
  const enforcer = await newEnforcer(newModelFromString(model), new StringAdapter(policy));
  await enforcer.addFunction("actionMatch", actionMatch);
  const decisions = [], explain = [];
  for (const r of testCase.requests) {
    const [ok, rule] = await enforcer.enforceEx(...r);
    decisions.push(ok);
    explain.push(rule);
  }
  return { decisions, explain };
}

let input = "";
for await (const c of process.stdin) input += c;
try {
  const doc = JSON.parse(input);
  if (typeof doc.model !== "string" || !Array.isArray(doc.cases)) throw new Error("need model (string) and cases (array)");
  const results = [];
  for (const testCase of doc.cases) results.push(await runCase(doc.model, testCase));
  process.stdout.write(JSON.stringify({ results }) + "\n");
} catch (e) {
  process.stderr.write(`casbin-oracle: ${e.message}\n`);
  process.exit(2);
}
