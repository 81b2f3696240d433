import net from "node:net";

/**
 * A loopback server that accepts connections, says nothing, and remembers what it was sent: proof
 * of whether something connected at all, and of what it gave away.
 */
export interface RecordingServer {
  port: number;
  connections(): number;
  received(): string;
  close(): Promise<void>;
}

export async function recordingServer(host = "127.0.0.1"): Promise<RecordingServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let received = "";
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    received: () => received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
