import type { PSPRequest } from "../../psp-templates";

/** The smallest request the PSP engine accepts, recording what the page did to it. */
export class FakeRequest implements PSPRequest {
  contentType: string | null = null;
  status = 200;
  readonly headers = new Map<string, string>();
  readonly headersOut = { set: (name: string, value: string): void => void this.headers.set(name, value) };
  readonly chunks: string[] = [];
  flushes = 0;

  constructor(readonly filename: string) {}

  write(data: string): void {
    this.chunks.push(data);
  }

  flush(): void {
    this.flushes++;
  }

  get body(): string {
    return this.chunks.join("");
  }
}
