import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 p-6 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-muted">This page does not exist, or you do not have access to it.</p>
      <Link href="/" className="text-accent hover:underline">
        Back to the overview
      </Link>
    </main>
  );
}
