import type { Socket } from "node:net";
import { Table } from "../table";

let lastId = 0;

/** What lives as long as a client connection: Apache's `c->id`, `c->notes`, `c->keepalives`. */
export class ConnectionState {
  readonly id = ++lastId;
  /** Requests begun on the connection so far. */
  requests = 0;
  private table: Table | null = null;

  /** Made on first use: most connections never keep notes. */
  get notes(): Table {
    this.table ??= new Table();
    return this.table;
  }
}

const states = new WeakMap<Socket, ConnectionState>();

/** The connection's state, made when its first request (or its connection handler) asks. */
export function connectionState(socket: Socket): ConnectionState {
  let s = states.get(socket);
  if (!s) states.set(socket, (s = new ConnectionState()));
  return s;
}
