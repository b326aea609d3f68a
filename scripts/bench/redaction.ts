// Redaction benchmark (SPEC §6 "no input can stall the server"): per-rule timings over each
// adversarial 5 MiB input. `npx tsx scripts/bench/redaction.ts`
import { ADVERSARIAL_INPUTS } from "../../lib/redaction.adversarial";
import { REDACTION_RULE_COUNT, redactString, redactWithRule, redactionRuleType } from "../../lib/redaction";

const header = ["input", ...Array.from({ length: REDACTION_RULE_COUNT }, (_, i) => `${redactionRuleType(i)}#${i}`), "all (ms)"];
console.log(header.join("\t"));
let worst = { name: "", ms: 0 };
for (const input of ADVERSARIAL_INPUTS) {
  const text = input.make();
  const cells = [input.name];
  for (let i = 0; i < REDACTION_RULE_COUNT; i++) {
    const t = performance.now();
    redactWithRule(i, text);
    cells.push((performance.now() - t).toFixed(0));
  }
  const t = performance.now();
  redactString(text);
  const ms = performance.now() - t;
  cells.push(ms.toFixed(0));
  if (ms > worst.ms) worst = { name: input.name, ms };
  console.log(cells.join("\t"));
}
console.log(`worst whole redaction of a 5 MiB field: ${worst.ms.toFixed(0)} ms (${worst.name}); SPEC §6 bound for the whole request: 2000 ms`);
