// Labelled corpus for redaction: each sample lists the sensitive values it contains (every one
// must disappear) and the look-alikes that must survive. Values are fictitious test data.
import type { RedactionType } from "./redaction";

export interface CorpusSample {
  text: string;
  secrets: { type: RedactionType; value: string }[];
  keep?: string[];
}

export const REDACTION_CORPUS: CorpusSample[] = [
  // email
  { text: "Contact me at jane.doe@example.com about the invoice.", secrets: [{ type: "email", value: "jane.doe@example.com" }] },
  { text: "cc: OPS+alerts@mail.corp-example.co.uk, thanks", secrets: [{ type: "email", value: "OPS+alerts@mail.corp-example.co.uk" }] },
  { text: "<a href=\"mailto:bob_smith99@sub.example.org\">mail</a>", secrets: [{ type: "email", value: "bob_smith99@sub.example.org" }] },
  { text: "Reply-To: \"Ann\" <ann.lee@uni.example.edu>", secrets: [{ type: "email", value: "ann.lee@uni.example.edu" }] },
  // phone
  { text: "Call me on (555) 123-4567 tomorrow.", secrets: [{ type: "phone", value: "(555) 123-4567" }] },
  { text: "My number is 555-867-5309.", secrets: [{ type: "phone", value: "555-867-5309" }] },
  { text: "Mobile +44 7700 900123, office +1 415 555 0132", secrets: [{ type: "phone", value: "+44 7700 900123" }, { type: "phone", value: "+1 415 555 0132" }] },
  { text: "Ruf an: +49 30 1234567", secrets: [{ type: "phone", value: "+49 30 1234567" }] },
  { text: "Téléphone : 06 12 34 56 78", secrets: [{ type: "phone", value: "06 12 34 56 78" }] },
  { text: "London office 020 7946 0958", secrets: [{ type: "phone", value: "020 7946 0958" }] },
  { text: "phone: 1-800-555-0199", secrets: [{ type: "phone", value: "800-555-0199" }] },
  { text: "whatsapp +33612345678 please", secrets: [{ type: "phone", value: "+33612345678" }] },
  // ssn
  { text: "SSN 123-45-6789 on file", secrets: [{ type: "ssn", value: "123-45-6789" }] },
  { text: "social security number: 078 05 1120", secrets: [{ type: "ssn", value: "078 05 1120" }] },
  // card (Luhn-valid)
  { text: "Charge card 4111 1111 1111 1111 exp 12/29", secrets: [{ type: "card", value: "4111 1111 1111 1111" }] },
  { text: "MC 5555-5555-5555-4444", secrets: [{ type: "card", value: "5555-5555-5555-4444" }] },
  { text: "amex 378282246310005 ok", secrets: [{ type: "card", value: "378282246310005" }] },
  { text: "Discover:6011111111111117.", secrets: [{ type: "card", value: "6011111111111117" }] },
  { text: "card=4012888888881881", secrets: [{ type: "card", value: "4012888888881881" }] },
  // api keys
  { text: "OPENAI_API_KEY=sk-proj-abcDEF1234567890ghiJKL0987654321mnoPQR", secrets: [{ type: "api_key", value: "sk-proj-abcDEF1234567890ghiJKL0987654321mnoPQR" }] },
  { text: "use sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdEFGH", secrets: [{ type: "api_key", value: "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdEFGH" }] },
  { text: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", secrets: [{ type: "api_key", value: "AKIAIOSFODNN7EXAMPLE" }] },
  { text: "token ghp_1234567890abcdefghijABCDEFGHIJ123456 leaked", secrets: [{ type: "api_key", value: "ghp_1234567890abcdefghijABCDEFGHIJ123456" }] },
  { text: "Authorization: Bearer abcdef0123456789ABCDEF.ghijkl", secrets: [{ type: "api_key", value: "abcdef0123456789ABCDEF.ghijkl" }] },
  { text: "slack xoxb-123456789012-abcdefABCDEF", secrets: [{ type: "api_key", value: "xoxb-123456789012-abcdefABCDEF" }] },
  { text: "google key AIzaSyA1234567890abcdefghijklmnopqrstuv", secrets: [{ type: "api_key", value: "AIzaSyA1234567890abcdefghijklmnopqrstuv" }] },
  { text: "stripe sk_live_51HabcdefGHIJKLmnop1234", secrets: [{ type: "api_key", value: "sk_live_51HabcdefGHIJKLmnop1234" }] },
  { text: "{\"password\": \"hunter2hunter2!\"}", secrets: [{ type: "api_key", value: "hunter2hunter2!" }] },
  { text: "client_secret: 9f8e7d6c5b4a3f2e1d0c", secrets: [{ type: "api_key", value: "9f8e7d6c5b4a3f2e1d0c" }] },
  { text: "spendline key spl_abcd1234_0123456789ABCDEFGHIJabcdefghij0123", secrets: [{ type: "api_key", value: "spl_abcd1234_0123456789ABCDEFGHIJabcdefghij0123" }] },
  // jwt
  {
    text: "session eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c end",
    secrets: [{ type: "jwt", value: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c" }],
  },
  // private key
  {
    text: "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MaHY\n-----END RSA PRIVATE KEY-----\nthanks",
    secrets: [{ type: "private_key", value: "MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MaHY" }],
  },
  {
    text: "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----",
    secrets: [{ type: "private_key", value: "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF" }],
  },
  // ip
  { text: "Request from 203.0.113.42 was blocked", secrets: [{ type: "ip", value: "203.0.113.42" }] },
  { text: "server 10.0.0.1:8080 and 192.168.1.254", secrets: [{ type: "ip", value: "10.0.0.1" }, { type: "ip", value: "192.168.1.254" }] },
  { text: "client ip 2001:db8:85a3::8a2e:370:7334 connected", secrets: [{ type: "ip", value: "2001:db8:85a3::8a2e:370:7334" }] },
  { text: "fe80::1ff:fe23:4567:890a%eth0", secrets: [{ type: "ip", value: "fe80::1ff:fe23:4567:890a" }] },
  // mixed
  {
    text: "User Tom (tom@example.net, +1 212 555 0187) paid with 5105105105105100 from 198.51.100.7",
    secrets: [
      { type: "email", value: "tom@example.net" },
      { type: "phone", value: "+1 212 555 0187" },
      { type: "card", value: "5105105105105100" },
      { type: "ip", value: "198.51.100.7" },
    ],
  },

  // look-alikes that must survive
  { text: "Order 4111 1111 1111 1112 was refunded", secrets: [], keep: ["4111 1111 1111 1112"] },
  { text: "tracking number 1234567890123456", secrets: [], keep: ["1234567890123456"] },
  { text: "invoice 5555-5555-5555-4445 (not a card)", secrets: [], keep: ["5555-5555-5555-4445"] },
  { text: "Release 2024-08-06 shipped gpt-4o-2024-08-06", secrets: [], keep: ["2024-08-06", "gpt-4o-2024-08-06"] },
  { text: "Total: $1,234.56 for 12 items at 10:30:45 UTC", secrets: [], keep: ["$1,234.56", "10:30:45"] },
  { text: "uuid 550e8400-e29b-41d4-a716-446655440000", secrets: [], keep: ["550e8400-e29b-41d4-a716-446655440000"] },
  { text: "commit 9fceb02d0ae598e95dc970b74767f19372d61af8", secrets: [], keep: ["9fceb02d0ae598e95dc970b74767f19372d61af8"] },
  { text: "created_at 1732147200123 ms", secrets: [], keep: ["1732147200123"] },
  { text: "The ratio was 3.14159 and pi ~ 3.1416", secrets: [], keep: ["3.14159"] },
  { text: "Model claude-sonnet-4-20250514 used 1500 tokens", secrets: [], keep: ["claude-sonnet-4-20250514", "1500"] },
  { text: "Task-ID: ask-questions-about-the-document", secrets: [], keep: ["ask-questions-about-the-document"] },
  { text: "mac 00:1A:2B:3C:4D:5E and time 12:30", secrets: [], keep: ["00:1A:2B:3C:4D:5E", "12:30"] },
  { text: "Account number 000-12-3456 is not an SSN", secrets: [], keep: ["000-12-3456"] },
  { text: "Python 3.11.4 on port 5432", secrets: [], keep: ["3.11.4", "5432"] },
  { text: "The password field is required", secrets: [], keep: ["password field is required"] },
  { text: "ISBN 978-3-16-148410-0", secrets: [], keep: ["978-3-16-148410-0"] },
  { text: "Room 101, floor 3, building 7", secrets: [], keep: ["Room 101"] },
  { text: "Coordinates 52.5200, 13.4050", secrets: [], keep: ["52.5200", "13.4050"] },
  { text: "sku-12345 quantity 250 price 19.99", secrets: [], keep: ["sku-12345", "19.99"] },
  { text: "@example handle and user@ mention", secrets: [], keep: ["@example handle", "user@ mention"] },
];
