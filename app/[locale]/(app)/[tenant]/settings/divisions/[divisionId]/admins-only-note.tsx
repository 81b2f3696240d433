import type { ReactNode } from "react";
import { Icon } from "@/app/_components/icons";

/** Tells someone who may only look at a division's settings why they cannot change them. */
export function AdminsOnlyNote({ children }: { children: ReactNode }) {
  return (
    <p role="note" className="flex items-start gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
      <Icon name="lock" className="mt-px size-5 shrink-0 text-amber-600" />
      {children}
    </p>
  );
}
