import { PageHeader } from "@/components/ui/card";
import { CardSkeleton } from "@/components/ui/skeleton";

// Safe as a route-level skeleton: the account page cannot answer 404.
export default function AccountLoading() {
  return (
    <>
      <PageHeader title="Account" />
      <div className="max-w-md">
        <CardSkeleton height="h-48" label="Loading your account" />
      </div>
    </>
  );
}
