import { openApiDocument } from "./openapi-document";

export const dynamic = "force-static";

export function GET() {
  return Response.json(openApiDocument, { headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" } });
}
