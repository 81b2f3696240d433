"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";
import { useVisibleInterval } from "@/app/_components/use-visible-interval";
import type { QueueStamp } from "@/lib/tickets/queue-changes";
import { queueChangesAction } from "./live-actions";

const ASK_EVERY_MS = 10_000;

/**
 * QueueLive is mounted by the page above the table, outside the selection context of
 * ./bulk-queue.tsx: it asks the checkboxes themselves whether tickets are selected.
 */
function ticketsSelected(): boolean {
  return document.querySelector("[data-select-ticket]:checked") !== null;
}

/**
 * Keeps an open queue page current: every 10 s while the tab is visible it asks whether the queue
 * changed since `stamp` (drawn by the server with the page, by latestQueueChange), and if so
 * refreshes the page in place, keeping what is typed or open. With tickets selected for bulk work
 * the rows stay put and a button offers the changes instead. Screen readers hear how many tickets
 * are new or updated.
 */
export function QueueLive({ stamp, slug }: { stamp: QueueStamp; slug: string }) {
  const t = useTranslations("tickets.live");
  const router = useRouter();
  const known = useRef(stamp);
  const [waiting, setWaiting] = useState(false);
  const [announcement, setAnnouncement] = useState("");

  // A page drawn anew (refreshed, or another page of the queue) brings its own stamp.
  useEffect(() => {
    known.current = stamp;
  }, [stamp]);

  function show() {
    setWaiting(false);
    router.refresh();
  }

  useVisibleInterval(async () => {
    const state = await queueChangesAction(slug, undefined, { since: known.current });
    if (!state.ok) return;
    if (state.result) {
      known.current = state.result.stamp;
      setAnnouncement(t("changed", { count: state.result.changed }));
    }
    if (!state.result && !waiting) return;
    if (ticketsSelected()) setWaiting(true);
    else show();
  }, ASK_EVERY_MS);

  return (
    <div className="print:hidden">
      <p role="status" aria-live="polite" className="sr-only" data-queue-live>
        {announcement}
      </p>
      {waiting && (
        <div className="mb-4 flex justify-center">
          <Button variant="secondary" size="sm" onClick={show} data-queue-live-show>
            <Icon name="refresh" className="size-4" />
            {t("show")}
          </Button>
        </div>
      )}
    </div>
  );
}
