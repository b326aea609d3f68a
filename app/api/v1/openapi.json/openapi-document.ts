// OpenAPI 3.1 description of Spendline's public API (SPEC §5), served without a key.
import { MAX_EVENTS_PER_BATCH } from "@/lib/usage/event-schema";
import { SUMMARY_GROUPS } from "@/lib/usage/summary-query";

const decimal = { type: "string", pattern: "^\\d+(\\.\\d{1,12})?$", description: "Exact decimal USD amount, up to 12 decimal places.", examples: ["0.00000125"] };
const nullableDecimal = { ...decimal, type: ["string", "null"] };
const tokens = { type: "integer", minimum: 0, maximum: 1_000_000_000_000 };
const errorRef = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
const retryAfter = { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } } };

const commonErrors = {
  "401": errorRef("Missing, invalid or revoked API key."),
  "429": { ...errorRef("Rate limited for this API key."), headers: retryAfter },
  "503": { ...errorRef("Database unavailable; nothing was stored."), headers: retryAfter },
};

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Spendline API",
    version: "1.0.0",
    description: "Report AI model usage, read totals and ask budgets before a call. Authenticate with `Authorization: Bearer spl_<prefix>_<secret>`; the key decides the organisation.",
  },
  servers: [{ url: "/" }],
  security: [{ apiKey: [] }],
  components: {
    securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "A Spendline API key (spl_<prefix>_<secret>)." } },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, details: {} } } },
      },
      UsageEvent: {
        type: "object",
        required: ["event_id"],
        description: "One AI call. Unknown fields are ignored; an `organization` field never changes the organisation.",
        properties: {
          event_id: { type: "string", minLength: 1, maxLength: 128, description: "Client-supplied id, unique per organisation; a replay returns the original result." },
          timestamp: { type: "string", format: "date-time", description: "Default now; accepted from 35 days ago to 5 minutes ahead. UTC when no zone is given." },
          provider: { type: "string", examples: ["openai"] },
          model: { type: "string", examples: ["gpt-4o-2024-08-06"] },
          input_tokens: { ...tokens, description: "ALL input tokens, cached ones included." },
          cache_read_tokens: { ...tokens, description: "Part of input_tokens read from the cache." },
          cache_write_tokens: { ...tokens, description: "Part of input_tokens written to the cache." },
          cache_write_1h_tokens: { ...tokens, description: "Part of cache_write_tokens written for one hour (billed at the 1-hour cache-write price)." },
          service_tier: { type: "string", description: "batch, flex or priority; default, auto, standard or absent mean standard prices." },
          output_tokens: { ...tokens, description: "All output tokens, reasoning included." },
          reasoning_tokens: { ...tokens, description: "Part of output_tokens spent reasoning (informational)." },
          duration_ms: { type: "number", minimum: 0 },
          success: { type: "boolean", description: "Default true (false when `error` is set)." },
          error: { type: "string" },
          user: { type: "string", description: "End user's external id; created on first sight." },
          user_email: { type: "string" },
          user_name: { type: "string" },
          project: { type: "string", description: "Project key; default the key's project; created on first sight." },
          document: { type: "string" },
          category: { type: "string", examples: ["document_analysis"] },
          purpose_detail: { type: "string" },
          prompt: { description: "Redacted before storage; not stored when the organisation disables content storage.", oneOf: [{ type: "string" }, { type: "array" }, { type: "object" }] },
          response: { oneOf: [{ type: "string" }, { type: "array" }, { type: "object" }] },
          metadata: { type: "object", additionalProperties: true },
          cost_usd: { description: "Client-reported cost, kept beside Spendline's.", oneOf: [decimal, { type: "number", minimum: 0 }] },
          reservation_id: { type: "string", format: "uuid", description: "From POST /api/v1/budgets/check; settled by this event." },
          override_token: { type: "string", description: "From a `confirm` budget check; records the event as an authorised override." },
          usage: {
            type: "object",
            additionalProperties: true,
            description: "A provider usage object, verbatim: OpenAI Chat Completions, OpenAI Responses or Anthropic. When present, token counts come from it (cached tokens are never counted twice).",
          },
        },
      },
      UsageResult: {
        type: "object",
        required: ["event_id", "status", "cost_usd", "priced", "budget_override", "over_budget"],
        properties: {
          event_id: { type: ["string", "null"] },
          status: { type: "string", enum: ["created", "duplicate", "rejected"] },
          cost_usd: { ...nullableDecimal, description: "Null when the model is unpriced or the event was rejected." },
          priced: { type: "boolean" },
          budget_override: { type: "boolean" },
          over_budget: { type: "boolean" },
          error: { type: "object", properties: { code: { type: "string", examples: ["validation_failed", "conflict"] }, message: { type: "string" }, details: {} } },
        },
      },
      UsageResults: { type: "object", required: ["results"], properties: { results: { type: "array", items: { $ref: "#/components/schemas/UsageResult" } } } },
      SummaryTotals: {
        type: "object",
        required: ["cost_usd", "requests", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"],
        properties: {
          cost_usd: decimal,
          requests: { type: "integer" },
          input_tokens: { type: "integer", description: "Cached tokens included." },
          output_tokens: { type: "integer" },
          cache_read_tokens: { type: "integer" },
          cache_write_tokens: { type: "integer" },
        },
      },
      Budget: {
        type: "object",
        properties: {
          id: { type: "string" },
          scope: { type: "string", enum: ["organization", "project", "user"] },
          scope_key: { type: ["string", "null"] },
          period: { type: "string", enum: ["daily", "weekly", "monthly"] },
          mode: { type: "string", enum: ["soft", "hard"] },
          limit_usd: decimal,
          spent_usd: decimal,
          reserved_usd: decimal,
          remaining_usd: decimal,
          warn_percent: { type: "integer" },
          period_start: { type: "string", format: "date-time" },
          period_end: { type: "string", format: "date-time" },
        },
      },
    },
  },
  paths: {
    "/api/v1/usage": {
      post: {
        summary: "Report usage",
        description: `One event, or \`{ "events": [...] }\` with up to ${MAX_EVENTS_PER_BATCH} events and 5 MiB.`,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  { $ref: "#/components/schemas/UsageEvent" },
                  { type: "object", required: ["events"], properties: { events: { type: "array", minItems: 1, maxItems: MAX_EVENTS_PER_BATCH, items: { $ref: "#/components/schemas/UsageEvent" } } } },
                ],
              },
            },
          },
        },
        responses: {
          "200": { description: "Every event created or duplicate.", content: { "application/json": { schema: { $ref: "#/components/schemas/UsageResults" } } } },
          "207": { description: "Batch: some or all events rejected, each with its own error.", content: { "application/json": { schema: { $ref: "#/components/schemas/UsageResults" } } } },
          "400": errorRef("Malformed JSON."),
          "409": errorRef("Single event: same event_id with a different body."),
          "413": errorRef("Body over 5 MiB or more than 1,000 events."),
          "415": errorRef("Content type missing or not application/json."),
          "422": errorRef("Single event: invalid fields."),
          ...commonErrors,
        },
      },
    },
    "/api/v1/usage/summary": {
      get: {
        summary: "Usage totals from the roll-ups",
        parameters: [
          { name: "from", in: "query", schema: { type: "string", format: "date" }, description: "Inclusive UTC date; default the first of this month." },
          { name: "to", in: "query", schema: { type: "string", format: "date" }, description: "Inclusive UTC date; default today." },
          { name: "group_by", in: "query", schema: { type: "string", enum: [...SUMMARY_GROUPS], default: "day" } },
        ],
        responses: {
          "200": {
            description: "Totals and every group; `key` is null for events without that attribute.",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["from", "to", "total", "groups"],
                  properties: {
                    from: { type: "string", format: "date" },
                    to: { type: "string", format: "date" },
                    total: { $ref: "#/components/schemas/SummaryTotals" },
                    groups: { type: "array", items: { allOf: [{ type: "object", required: ["key"], properties: { key: { type: ["string", "null"] } } }, { $ref: "#/components/schemas/SummaryTotals" }] } },
                  },
                },
              },
            },
          },
          "422": errorRef("Invalid from, to or group_by."),
          ...commonErrors,
        },
      },
    },
    "/api/v1/budgets/check": {
      post: {
        summary: "Ask before an AI call",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  user: { type: "string" },
                  project: { type: "string" },
                  provider: { type: "string" },
                  model: { type: "string" },
                  estimated_cost_usd: { oneOf: [decimal, { type: "number" }] },
                  estimated_input_tokens: tokens,
                  estimated_output_tokens: tokens,
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "`allow`/`warn` reserve the estimate; `confirm` carries an override token; `block` over a hard limit.",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["decision", "budgets"],
                  properties: {
                    decision: { type: "string", enum: ["allow", "warn", "confirm", "block"] },
                    reservation_id: { type: "string" },
                    override_token: { type: "string" },
                    budgets: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          scope: { type: "string" },
                          limit_usd: decimal,
                          spent_usd: decimal,
                          reserved_usd: decimal,
                          remaining_usd: decimal,
                          period_end: { type: "string", format: "date-time" },
                          mode: { type: "string", enum: ["soft", "hard"] },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          "400": errorRef("Malformed JSON."),
          "415": errorRef("Content type missing or not application/json."),
          "422": errorRef("Invalid fields."),
          ...commonErrors,
        },
      },
    },
    "/api/v1/budgets": {
      get: {
        summary: "Budgets of the key's organisation",
        responses: {
          "200": {
            description: "Every budget with its current period.",
            content: { "application/json": { schema: { type: "object", required: ["budgets"], properties: { budgets: { type: "array", items: { $ref: "#/components/schemas/Budget" } } } } } },
          },
          ...commonErrors,
        },
      },
    },
    "/api/v1/otel/v1/traces": {
      post: {
        summary: "OpenTelemetry OTLP/HTTP trace receiver",
        description:
          "An OTLP/HTTP `ExportTraceServiceRequest` (protobuf or OTLP/JSON, optionally `Content-Encoding: gzip`; at most 5 MiB compressed and decompressed). Every span carrying GenAI usage (`gen_ai.usage.input_tokens` / `output_tokens`, or the older `prompt_tokens` / `completion_tokens`) becomes one usage event `otel-<trace id>-<span id>`, priced and budgeted like POST /api/v1/usage: provider from `gen_ai.provider.name` (else `gen_ai.system`), model from `gen_ai.response.model` (else `gen_ai.request.model`), cache and reasoning parts from `gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_creation.input_tokens`, `gen_ai.usage.reasoning.output_tokens`, client cost from `gen_ai.usage.cost`; user, project, category and document from the span or resource attributes `spendline.user` (else `user.id`, `enduser.id`), `spendline.project`, `spendline.category`, `spendline.document`; other string attributes are kept as (redacted) metadata. Spans without GenAI usage are skipped. Replayed spans count once. Point an exporter here with `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` and `OTEL_EXPORTER_OTLP_TRACES_HEADERS=Authorization=Bearer <key>`.",
        requestBody: {
          required: true,
          content: {
            "application/x-protobuf": { schema: { type: "string", format: "binary", description: "opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest" } },
            "application/json": { schema: { type: "object", description: "ExportTraceServiceRequest in OTLP/JSON (hex trace and span ids).", properties: { resourceSpans: { type: "array", items: { type: "object" } } } } },
          },
        },
        responses: {
          "200": {
            description: "ExportTraceServiceResponse in the request's encoding; `partialSuccess` is present when some spans were rejected (invalid fields, or a span id replayed with different usage).",
            content: {
              "application/x-protobuf": { schema: { type: "string", format: "binary" } },
              "application/json": {
                schema: { type: "object", properties: { partialSuccess: { type: "object", properties: { rejectedSpans: { type: "integer", minimum: 0 }, errorMessage: { type: "string" } } } } },
              },
            },
          },
          "400": errorRef("The body does not decode (not protobuf / JSON / gzip of an ExportTraceServiceRequest)."),
          "413": errorRef("Body over 5 MiB, compressed or decompressed."),
          "415": errorRef("Content type other than application/x-protobuf or application/json, or a content encoding other than gzip."),
          ...commonErrors,
        },
      },
    },
    "/api/health": {
      get: {
        summary: "Health",
        security: [],
        responses: {
          "200": { description: "The database answers.", content: { "application/json": { schema: { type: "object", properties: { status: { const: "ok" }, database: { const: "ok" } } } } } },
          "503": { description: "The database does not answer.", headers: retryAfter },
        },
      },
    },
    "/api/v1/openapi.json": {
      get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1 document." } } },
    },
  },
} as const;
