import { CardSkeleton } from "@/components/ui/skeleton";

export default function ReconciliationLoading() {
  return (
    <div className="space-y-6">
      <CardSkeleton height="h-72" label="Loading the reconciliation" />
      <CardSkeleton height="h-48" />
    </div>
  );
}
