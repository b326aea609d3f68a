// Regenerates lib/data/common-passwords.json: the 10,000 most common passwords, taken in rank
// order from the `src/passwords.json` list of @zxcvbn-ts/language-common (MIT; a frequency-ranked
// list of leaked passwords). Usage:
//   npm pack @zxcvbn-ts/language-common@4.1.3 && tar xzf zxcvbn-ts-language-common-4.1.3.tgz
//   node scripts/common-passwords.mjs package/src/passwords.json
import { readFileSync, writeFileSync } from "node:fs";

const source = process.argv[2];
if (!source) {
  console.error("usage: node scripts/common-passwords.mjs <path to @zxcvbn-ts/language-common/src/passwords.json>");
  process.exit(1);
}
const ranked = JSON.parse(readFileSync(source, "utf8"));
const top = [];
const seen = new Set();
for (const p of ranked) {
  const word = String(p).toLowerCase();
  if (seen.has(word)) continue;
  seen.add(word);
  top.push(word);
  if (top.length === 10_000) break;
}
writeFileSync(new URL("../lib/data/common-passwords.json", import.meta.url), `${JSON.stringify(top)}\n`);
console.log(`Wrote ${top.length} passwords (first: ${top.slice(0, 3).join(", ")}).`);
