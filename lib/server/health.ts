import { getDatabase } from "@/lib/db/client";

/** True when the database answers a trivial query within a few seconds. */
export async function checkDatabaseHealth(timeoutMs = 3000): Promise<boolean> {
  try {
    const db = await getDatabase();
    const probe = db.sql.query("SELECT 1");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
    });
    try {
      await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return true;
  } catch {
    return false;
  }
}
