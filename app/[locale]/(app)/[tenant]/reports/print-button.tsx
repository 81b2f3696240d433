"use client";

import { Button } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";

/** The browser's print dialog; the page's print styles leave out the navigation, filters and buttons. */
export function PrintButton({ label }: { label: string }) {
  return (
    <Button variant="secondary" onClick={() => window.print()} className="print:hidden">
      <Icon name="printer" className="size-4" />
      {label}
    </Button>
  );
}
