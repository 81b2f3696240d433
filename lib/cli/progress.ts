import cliProgress from "cli-progress";

/** Count, rate and time left, redrawn in place on stderr; `verb` and `unit` name the work ("importing", "mails"). */
export function progressBar(verb: string, unit: string) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${verb} {bar} {value}/{total} ${unit} | {rate} ${unit}/s | {duration_formatted} | {eta_formatted} left`,
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    show({ done, total }: { done: number; total: number }) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? (done / seconds).toFixed(1) : "-";
      if (!running) {
        bar.start(total, done, { rate });
        running = true;
      } else {
        bar.update(done, { rate });
      }
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
