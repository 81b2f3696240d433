"use client";

import { useEffect, useEffectEvent } from "react";

/**
 * Runs `tick` at once and then every `ms` while the page is visible. A hidden tab stops asking
 * (nobody reads it, and the server need not answer it); shown again, it asks at once and goes on.
 * A tick still waiting for its answer is not overtaken by the next.
 */
export function useVisibleInterval(tick: () => Promise<void>, ms: number): void {
  const onTick = useEffectEvent(tick);
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    let running = false;
    const run = async () => {
      if (running) return;
      running = true;
      try {
        await onTick();
      } finally {
        running = false;
      }
    };
    const start = () => {
      void run();
      timer = setInterval(run, ms);
    };
    const stop = () => clearInterval(timer);
    const onVisibility = () => {
      stop();
      if (document.visibilityState === "visible") start();
    };
    if (document.visibilityState === "visible") start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [ms]);
}
