-- CreateTable
CREATE TABLE "bill_imports" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "org_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "source_hash" TEXT NOT NULL,
    "source_name" TEXT,
    "first_day" DATE,
    "last_day" DATE,
    "days" INTEGER NOT NULL DEFAULT 0,
    "lines" INTEGER NOT NULL DEFAULT 0,
    "total_usd" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "imported_by" TEXT NOT NULL,
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bill_imports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bill_lines" (
    "id" BIGSERIAL NOT NULL,
    "org_id" UUID NOT NULL,
    "import_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "line_item" TEXT,
    "model" TEXT,
    "token_type" TEXT,
    "service_tier" TEXT,
    "cost_type" TEXT,
    "context_window" TEXT,
    "project_ref" TEXT,
    "amount_usd" DECIMAL(65,30) NOT NULL,

    CONSTRAINT "bill_lines_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "bill_imports_org_id_imported_at_idx" ON "bill_imports"("org_id", "imported_at");

-- CreateIndex
CREATE INDEX "bill_lines_org_id_provider_day_idx" ON "bill_lines"("org_id", "provider", "day");

-- CreateIndex
CREATE INDEX "bill_lines_import_id_idx" ON "bill_lines"("import_id");

-- AddForeignKey
ALTER TABLE "bill_imports" ADD CONSTRAINT "bill_imports_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bill_lines" ADD CONSTRAINT "bill_lines_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bill_lines" ADD CONSTRAINT "bill_lines_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "bill_imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
