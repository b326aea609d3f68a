-- AlterTable
ALTER TABLE "model_prices" ADD COLUMN     "cache_write_1h_per_mtok" DECIMAL(24,12),
ADD COLUMN     "service_tiers" JSONB,
ADD COLUMN     "tiers" JSONB,
ALTER COLUMN "input_per_mtok" SET DATA TYPE DECIMAL(24,12),
ALTER COLUMN "cached_input_per_mtok" SET DATA TYPE DECIMAL(24,12),
ALTER COLUMN "cache_write_per_mtok" SET DATA TYPE DECIMAL(24,12),
ALTER COLUMN "output_per_mtok" SET DATA TYPE DECIMAL(24,12),
ALTER COLUMN "per_request" SET DATA TYPE DECIMAL(24,12);

-- AlterTable
ALTER TABLE "usage_events" ADD COLUMN     "cache_write_1h_tokens" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "service_tier" TEXT,
ALTER COLUMN "input_uncached_tokens" SET DATA TYPE BIGINT,
ALTER COLUMN "cache_read_tokens" SET DATA TYPE BIGINT,
ALTER COLUMN "cache_write_tokens" SET DATA TYPE BIGINT,
ALTER COLUMN "output_tokens" SET DATA TYPE BIGINT,
ALTER COLUMN "reasoning_tokens" SET DATA TYPE BIGINT;
