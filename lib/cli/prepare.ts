// Start-up work shared by `npm start` and `spendline migrate`: data every fresh database needs.
import { seedDemoIfEmpty } from "@/lib/server/demo";
import { loadBundledCatalog } from "@/lib/server/pricing";
import { formatUsd } from "@/lib/money";
import { progress } from "./args";

export async function prepareDatabase(): Promise<void> {
  const seeded = await loadBundledCatalog();
  if (seeded > 0) console.log(`Loaded ${seeded} model price versions from the bundled catalog.`);
  if (process.env.SPENDLINE_DEMO === "1") {
    let bar: ReturnType<typeof progress> | null = null;
    const demo = await seedDemoIfEmpty({
      onProgress: (done, total) => {
        bar ??= progress("SPENDLINE_DEMO=1: recording demo events", total);
        bar.update(done);
      },
    });
    if (demo) {
      console.log(`Demo data: ${demo.organizations} organisations, ${demo.endUsers} end users, ${demo.created} events (${formatUsd(demo.totalCostUsd)}), ${demo.budgets} budgets, ${demo.alerts} alerts.`);
      // Printed once: the passwords are not stored anywhere in clear.
      for (const l of demo.logins) console.log(`Demo ${l.role} of ${l.organization}: ${l.email} / ${l.password}`);
    }
    else console.log("SPENDLINE_DEMO=1: the database already has data; no demo was added.");
  }
}
