import type { Socket } from "node:net";
import { Table } from "../table";

/** What lives as long as a client connection: Apache's `c->id`, `c->notes`, `c->keepalives`. */
export interface ConnectionState {
  readonly id: number;
  readonly notes: Table;
  /** Requests begun on the connection so far. */
  requests: number;
}

let lastId = 0;
const states = new WeakMap<Socket, ConnectionState>();

/** The connection's state, made when its first request (or its connection handler) asks. */
export function connectionState(socket: Socket): ConnectionState {
  let s = states.get(socket);
  if (!s) states.set(socket, (s = { id: ++lastId, notes: new Table(), requests: 0 }));
  return s;
}
