import { CompiledTemplate } from "./compiled-template";
import { LruMap } from "./lru-map";
import { type TemplateSource, isStale, loadTemplate } from "./template-loader";

export interface PSPCacheOptions {
  /** Most pages kept compiled (default 1000). */
  maxEntries?: number;
  /** Least time between two looks at a page's files, in ms (default 1000). */
  checkInterval?: number;
}

export interface TemplateRequest {
  source: TemplateSource;
  /** The folder includes may not leave. */
  root: string;
  /** `false` (TsAutoReload Off): once compiled, a page is never compared with its files again. */
  checkChanges: boolean;
}

/**
 * Compiled pages by source. A page is recompiled when the page or any file it includes has
 * a new mtime or size, looked at no more than once per `checkInterval`, so a busy page costs
 * one stat per file per second rather than per request.
 */
export class PSPCache {
  private readonly templates: LruMap<string, CompiledTemplate>;
  private readonly checkInterval: number;

  constructor(options: PSPCacheOptions = {}) {
    this.templates = new LruMap(options.maxEntries ?? 1000);
    this.checkInterval = options.checkInterval ?? 1000;
  }

  /**
   * The compiled page when it can be used without looking at its files now, else `undefined`
   * (then `get`): a render of a busy page needs no promise to find its template.
   */
  fresh(request: TemplateRequest): CompiledTemplate | undefined {
    const cached = this.templates.get(cacheKey(request));
    return cached && this.isFresh(cached, request, Date.now()) ? cached : undefined;
  }

  async get(request: TemplateRequest): Promise<CompiledTemplate> {
    const key = cacheKey(request);
    const cached = this.templates.get(key);
    const now = Date.now();
    if (cached && this.isFresh(cached, request, now)) return cached;
    if (cached) {
      cached.checkedAt = now;
      if (!(await isStale(cached.stamps))) return cached;
    }
    const template = new CompiledTemplate(await loadTemplate(request.source, request.root), now);
    this.templates.set(key, template);
    return template;
  }

  private isFresh(template: CompiledTemplate, request: TemplateRequest, now: number): boolean {
    return !request.checkChanges || now - template.checkedAt < this.checkInterval;
  }

  clear(): void {
    this.templates.clear();
  }

  get size(): number {
    return this.templates.size;
  }
}

/** The root is part of the key: it decides which includes are allowed. */
function cacheKey({ source, root }: TemplateRequest): string {
  return "filename" in source
    ? `file\0${root}\0${source.filename}`
    : `string\0${root}\0${source.baseDir}\0${source.string}`;
}

/** The cache pages share unless a caller brings its own. */
export const defaultPSPCache = new PSPCache();
