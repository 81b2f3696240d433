"use client";

import { useTranslations } from "next-intl";
import { KeyboardShortcuts } from "@/app/_components/keyboard-shortcuts";

/**
 * The ticket page's keys: r and n open the reply or the note tab of the composer and put the cursor
 * in it, a and e press the page's own "Assign to me" and "Closed" buttons (marked `data-shortcut`),
 * so a key does exactly what the click does.
 */
export function TicketShortcuts() {
  const t = useTranslations("shortcuts.ticket");
  return (
    <KeyboardShortcuts
      shortcuts={[
        { key: "r", label: t("reply"), run: () => focusComposer("reply") },
        { key: "n", label: t("note"), run: () => focusComposer("note") },
        { key: "a", label: t("assignToMe"), run: () => press("assign-to-me") },
        { key: "e", label: t("close"), run: () => press("close") },
      ]}
    />
  );
}

function focusComposer(tab: "reply" | "note") {
  const field = () => document.getElementById(`${tab}-text`);
  const panelTab = document.querySelector<HTMLElement>(`[role="tab"][aria-controls$="-${tab}"]`);
  panelTab?.click();
  // The tab's panel is shown on the next render; the field can take the focus only then.
  requestAnimationFrame(() => requestAnimationFrame(() => field()?.focus()));
}

function press(shortcut: string) {
  const button = document.querySelector<HTMLButtonElement>(`[data-shortcut="${shortcut}"]`);
  if (button && !button.disabled) button.click();
}
