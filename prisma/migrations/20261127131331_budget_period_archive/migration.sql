-- CreateTable
CREATE TABLE "budget_period_archive" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "budget_id" UUID NOT NULL,
    "period" "BudgetPeriod" NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "spent_usd" DECIMAL(24,12) NOT NULL,
    "limit_usd" DECIMAL(20,6) NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "budget_period_archive_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "budget_period_archive_budget_id_period_start_idx" ON "budget_period_archive"("budget_id", "period_start");

-- AddForeignKey
ALTER TABLE "budget_period_archive" ADD CONSTRAINT "budget_period_archive_budget_id_fkey" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
