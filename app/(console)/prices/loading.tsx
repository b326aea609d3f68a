import { PageHeader } from "@/components/ui/card";
import { CardSkeleton, PageBodySkeleton } from "@/components/ui/skeleton";

// A route-level skeleton is safe here: the page cannot answer 404 (a streamed page has already
// answered 200 when notFound() runs, so pages that can 404 stream inside <Suspense> instead).
export default function PricesLoading() {
  return (
    <>
      <PageHeader title="Prices" description="USD per million tokens. Each event is priced by the version in force at its time and keeps it." />
      <PageBodySkeleton aside label="Loading prices" />
      <div className="mt-6">
        <CardSkeleton height="h-96" />
      </div>
    </>
  );
}
