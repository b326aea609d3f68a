import { describeDatabase } from "@/lib/db/config";
import { getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { prepareDatabase } from "../prepare";

export const summary = "Apply pending database migrations.";
export const usage = "migrate";
export const skipMigrate = true;

export async function run(): Promise<void> {
  const db = await getDatabase();
  const result = await migrate(db.sql);
  if (result.applied.length === 0) console.log(`Database is up to date (${result.total} migrations, ${describeDatabase()}).`);
  for (const name of result.applied) console.log(`Applied migration ${name}`);
  await prepareDatabase();
}
