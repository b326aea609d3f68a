import NextAuth from "next-auth";
import { getAuthOptions, servedOverHttps } from "@/lib/server/auth-options";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx) {
  // next-auth 4 reads params synchronously; Next 16 hands them over as a promise.
  const params = await ctx.params;
  return NextAuth(req as never, { params } as never, await getAuthOptions(servedOverHttps(req.headers, req.url)));
}

export { handler as GET, handler as POST };
