import net from "node:net";

/**
 * A TCP proxy on loopback in front of a mail server's plain IMAP port, which cuts the line where a
 * test says: after so many bytes from the server (in the middle of a FETCH), or at a command from
 * the client, either before the server sees it or after the server has done it but before its
 * answer gets back. A cut destroys every connection at once, as a network failure or a server
 * crash does, and the line stays down (new connections are dropped at once) until `disarm()`.
 *
 * It reads the client's commands, so the client must not use TLS: give the mailbox security
 * "none" and the proxy's port.
 */

export type CutTrigger =
  | { type: "bytes"; afterBytes: number }
  | { type: "command"; command: string; when: "before" | "after" };

export interface Cut {
  trigger: CutTrigger;
  /** The command in flight on the connection where the cut was made ("UID FETCH", "UID MOVE"), without its arguments. */
  command: string | null;
  /** Only for a cut after a command: the server's answer, which the client never got. */
  withheldAnswer: string | null;
  /** Connections destroyed by the cut. */
  connections: number;
}

export interface CuttingProxy {
  host: string;
  port: number;
  /** Cuts every connection once `afterBytes` bytes have come from the server since now. */
  cutAfterBytes(afterBytes: number): Promise<Cut>;
  /**
   * Cuts every connection at the first client command named `command` (with or without UID):
   * "before" it reaches the server, or "after" the server has answered it, the answer withheld.
   */
  cutAtCommand(command: string, when: "before" | "after"): Promise<Cut>;
  /** Lets connections through again; an armed cut that has not happened is called off. */
  disarm(): void;
  /** Bytes the server has sent through the proxy, over every connection so far. */
  bytesFromServer(): number;
  /** Connections the client opened through the proxy so far (each one a login). */
  connectionsOpened(): number;
  close(): Promise<void>;
}

/** How long a cut "after" a command waits for the server's tagged answer before cutting anyway. */
const ANSWER_WITHIN_MS = 5_000;

interface Link {
  client: net.Socket;
  server: net.Socket;
  /** The client's unfinished command line. */
  pending: string;
  /** The last command the client sent, without its arguments (never a password). */
  command: string | null;
  /** Nothing more of the client's reaches the server: a cut at a command is under way. */
  halted: boolean;
  /** Set once a command was passed on whose answer is withheld until the cut. */
  withholding: { fired: Armed; tag: string; answer: string; timer: NodeJS.Timeout } | null;
}

interface Armed {
  trigger: CutTrigger;
  counted: number;
  resolve(cut: Cut): void;
}

export async function startCuttingProxy(target: { host: string; port: number }): Promise<CuttingProxy> {
  const links = new Set<Link>();
  let armed: Armed | null = null;
  let down = false;
  let fromServer = 0;
  let opened = 0;

  /** Takes the armed cut: it fires once, however many connections meet its trigger. */
  function take(): Armed {
    const fired = armed!;
    armed = null;
    return fired;
  }

  function cutAll(fired: Armed, link: Link, withheldAnswer: string | null = null) {
    down = true;
    const connections = links.size;
    for (const each of links) destroy(each);
    fired.resolve({ trigger: fired.trigger, command: link.command, withheldAnswer, connections });
  }

  function destroy(link: Link) {
    if (link.withholding) clearTimeout(link.withholding.timer);
    links.delete(link);
    link.client.destroy();
    link.server.destroy();
  }

  function fromClient(link: Link, chunk: Buffer) {
    if (!links.has(link) || link.halted) return;
    // Offsets are the chunk's: a line begun in an earlier chunk starts before it.
    let offset = -link.pending.length;
    const lines = (link.pending + chunk.toString("latin1")).split("\r\n");
    link.pending = lines.pop()!;
    for (const line of lines) {
      const lineStart = offset;
      offset += line.length + 2;
      const parsed = /^(\S+) ((?:UID )?[A-Z]+)/i.exec(line);
      if (!parsed) continue;
      link.command = parsed[2]!.toUpperCase();
      const trigger = armed?.trigger;
      if (trigger?.type !== "command" || !matchesCommand(link.command, trigger.command)) continue;
      const fired = take();
      link.halted = true;
      if (trigger.when === "before") {
        // Whatever preceded the command still reaches the server; the command does not.
        link.server.write(chunk.subarray(0, Math.max(0, lineStart)), () => cutAll(fired, link));
        return;
      }
      link.server.write(chunk);
      const timer = setTimeout(() => cutAll(fired, link, link.withholding?.answer ?? ""), ANSWER_WITHIN_MS);
      link.withholding = { fired, tag: parsed[1]!, answer: "", timer };
      return;
    }
    link.server.write(chunk);
  }

  function fromServerData(link: Link, chunk: Buffer) {
    if (!links.has(link)) return;
    fromServer += chunk.length;
    const withholding = link.withholding;
    if (withholding) {
      withholding.answer += chunk.toString("latin1");
      const tagged = new RegExp(`(^|\\r\\n)${escapeRegExp(withholding.tag)} `).test(withholding.answer);
      if (tagged) cutAll(withholding.fired, link, withholding.answer);
      return;
    }
    if (armed?.trigger.type === "bytes") {
      const left = armed.trigger.afterBytes - armed.counted;
      if (chunk.length >= left) {
        // Exactly `afterBytes` get through; the rest of the answer never does.
        const fired = take();
        link.client.write(chunk.subarray(0, left));
        return cutAll(fired, link);
      }
      armed.counted += chunk.length;
    }
    link.client.write(chunk);
  }

  const proxy = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    opened++;
    const server = net.connect(target.port, target.host);
    const link: Link = { client, server, pending: "", command: null, halted: false, withholding: null };
    links.add(link);
    client.on("data", (chunk: Buffer) => fromClient(link, chunk));
    server.on("data", (chunk: Buffer) => fromServerData(link, chunk));
    // Either side going away ends the other, as a plain TCP relay would.
    for (const socket of [client, server]) {
      socket.on("error", () => destroy(link));
      socket.on("close", () => destroy(link));
    }
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once("error", reject);
    proxy.listen(0, "127.0.0.1", () => resolve());
  });

  const arm = (trigger: CutTrigger) =>
    new Promise<Cut>((resolve) => {
      if (armed) throw new Error("A cut is already armed");
      armed = { trigger, counted: 0, resolve };
    });

  return {
    host: "127.0.0.1",
    port: (proxy.address() as net.AddressInfo).port,
    cutAfterBytes: (afterBytes) => arm({ type: "bytes", afterBytes }),
    cutAtCommand: (command, when) => arm({ type: "command", command: command.toUpperCase(), when }),
    disarm() {
      armed = null;
      down = false;
    },
    bytesFromServer: () => fromServer,
    connectionsOpened: () => opened,
    async close() {
      armed = null;
      for (const link of links) destroy(link);
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/** "MOVE" names both `MOVE` and `UID MOVE`. */
function matchesCommand(sent: string, wanted: string): boolean {
  return sent === wanted || sent === `UID ${wanted}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
