// Start-up work shared by `npm start` and `spendline migrate`: data every fresh database needs.
import { seedPriceCatalogIfEmpty } from "@/lib/server/pricing";

export async function prepareDatabase(): Promise<void> {
  const seeded = await seedPriceCatalogIfEmpty();
  if (seeded > 0) console.log(`Loaded ${seeded} model prices into the empty price catalog.`);
}
