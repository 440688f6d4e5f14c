import type { Socket } from "node:net";

import { socketAddresses } from "../../platform/server/socket-addresses";

/** A socket whose address getters count their calls. */
function countingSocket(): { socket: Socket; reads: () => number } {
  let reads = 0;
  const read = <T>(value: T) => () => {
    reads++;
    return value;
  };
  const socket = {} as Socket;
  Object.defineProperties(socket, {
    remoteAddress: { get: read("10.0.0.7") },
    remotePort: { get: read(50123) },
    localAddress: { get: read("10.0.0.1") },
    localPort: { get: read(8080) },
  });
  return { socket, reads: () => reads };
}

test("a connection's addresses are read at its first request and reused for the next ones", () => {
  const { socket, reads } = countingSocket();
  const first = socketAddresses(socket);
  expect(first).toEqual({ remoteIp: "10.0.0.7", remotePort: 50123, localIp: "10.0.0.1", localPort: 8080 });
  expect(reads()).toBe(4);
  expect(socketAddresses(socket)).toBe(first);
  expect(reads()).toBe(4);
});

test("each connection has its own; a socket that lost its addresses gives empty ones", () => {
  const a = countingSocket().socket;
  const gone = {} as Socket;
  expect(socketAddresses(a)).not.toBe(socketAddresses(countingSocket().socket));
  expect(socketAddresses(gone)).toEqual({ remoteIp: "", remotePort: 0, localIp: "", localPort: 0 });
});
