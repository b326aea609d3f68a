// Adversarial inputs for redaction (SPEC §6 "no input can stall the server"): each one aims at a
// rule's worst case — long runs its character classes accept, repeated prefixes that start a
// match at every position, near-misses that fail only at the end. Shared by the test matrix and
// `scripts/bench/redaction.ts`.
export const ADVERSARIAL_SIZE = 5 * 1024 * 1024;

const fill = (unit: string, size = ADVERSARIAL_SIZE) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

export const ADVERSARIAL_INPUTS: { name: string; make: () => string }[] = [
  { name: "one letter repeated", make: () => fill("a") },
  { name: "one digit repeated", make: () => fill("1") },
  { name: "'-eyJ' repeated", make: () => fill("-eyJ") },
  { name: "'eyJ' + letters, dot, no second part", make: () => `eyJ${fill("a", ADVERSARIAL_SIZE - 7)}.eyJ` },
  { name: "'@' repeated", make: () => fill("@") },
  { name: "'a@' repeated", make: () => fill("a@") },
  { name: "letters then '@' and a domain without TLD", make: () => fill("a.b@c.d") },
  { name: "dots repeated", make: () => fill(".") },
  { name: "'a.' repeated", make: () => fill("a.") },
  { name: "base64 blob", make: () => fill("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIzNDU2Nzg5Ky8=") },
  { name: "base64url blob with dashes", make: () => fill("eyJhbGci-_Ab9") },
  { name: "spaced digits", make: () => fill("1 ") },
  { name: "dashed digits", make: () => fill("12-") },
  { name: "'+' and digit runs", make: () => fill(" +1234567890123456789012345678") },
  { name: "'0' phone-like groups", make: () => fill(" 01 23 45 67 89 01 23") },
  { name: "colons and hex", make: () => fill("a:") },
  { name: "colons only", make: () => fill(":") },
  { name: "IPv4-like dotted digits", make: () => fill("1.2.3.4.") },
  { name: "'sk-' repeated", make: () => fill("sk-") },
  { name: "'SG.' + long part, no second dot", make: () => `SG.${fill("a", ADVERSARIAL_SIZE - 3)}` },
  { name: "'token=' repeated", make: () => fill("token=") },
  { name: "'password' + spaces", make: () => `password${fill(" ", ADVERSARIAL_SIZE - 8)}` },
  { name: "'Bearer ' repeated", make: () => fill("Bearer ") },
  { name: "private-key header repeated", make: () => fill("-----BEGIN RSA PRIVATE KEY-----") },
  { name: "'-----BEGIN' + capitals", make: () => `-----BEGIN${fill("A", ADVERSARIAL_SIZE - 10)}` },
  { name: "dashes", make: () => fill("-") },
  { name: "whitespace and newlines", make: () => fill(" \n\t") },
  { name: "prose with secrets", make: () => fill("Mail jo@example.com or call +1 415 555 0132; key sk-abcdefghijklmnopqrstuvwx. ") },
];
