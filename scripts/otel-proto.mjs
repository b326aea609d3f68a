// Builds lib/otel/proto/trace-service.json, the protobufjs descriptor of OTLP's trace service, from
// the official .proto files vendored beside it (opentelemetry-proto v1.11.0, Apache-2.0). The
// receiver decodes with that descriptor; lib/otel/proto.test.ts checks that it matches the .proto files.
// Run: `node scripts/otel-proto.mjs` after updating the .proto files.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import protobuf from "protobufjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const PROTO_DIR = path.join(here, "..", "lib", "otel", "proto");
export const DESCRIPTOR_PATH = path.join(PROTO_DIR, "trace-service.json");
const ENTRY = "opentelemetry/proto/collector/trace/v1/trace_service.proto";

/** The descriptor as JSON text (stable key order, one trailing newline). */
export function buildDescriptor() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
  root.loadSync(ENTRY);
  root.resolveAll();
  return `${JSON.stringify(root.toJSON(), null, 1)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  writeFileSync(DESCRIPTOR_PATH, buildDescriptor());
  console.log(`wrote ${path.relative(process.cwd(), DESCRIPTOR_PATH)}`);
}
