import { Request, type RequestInit } from "../request";

/**
 * A request Node's parser refused, rebuilt only for its access-log line: its request line
 * is what the client sent, or unknown (logged as `-`).
 */
export class RefusedRequest extends Request {
  constructor(
    init: RequestInit,
    private readonly requestLine: string,
  ) {
    super(init);
  }

  override get theRequest(): string {
    return this.requestLine;
  }

  /** The version the request line names; HTTP/1.0 when it is unknown, as Apache assumes. */
  override get protocol(): string {
    const version = this.requestLine.slice(this.requestLine.lastIndexOf(" ") + 1);
    return /^HTTP\/\d\.\d$/.test(version) ? version : "HTTP/1.0";
  }
}
