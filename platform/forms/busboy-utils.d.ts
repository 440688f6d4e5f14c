// busboy 1.6.0 (pinned exactly in package.json) keeps its header-value parsers in lib/utils.js.
// The part-header sniffer uses them so that it reads part headers exactly as busboy does.
declare module "busboy/lib/utils" {
  export interface ParsedContentType {
    type: string;
    subtype: string;
    params: Record<string, string>;
  }
  export interface ParsedDisposition {
    type: string;
    params: Record<string, string> | null;
  }
  export type Decoder = (data: string | Buffer, hint: number) => string | undefined;

  export function parseContentType(value: string): ParsedContentType | undefined;
  export function parseDisposition(value: string, decoder: Decoder): ParsedDisposition | undefined;
  export function getDecoder(charset: string): Decoder;
}
