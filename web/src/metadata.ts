// A service's metadata document (schema/metadata/service-metadata.schema.json), fetched from
// its `metadata_uri`: `https:` (the host must allow CORS), `ipfs:` (through the configured
// gateway) or `data:` (inline JSON). The document is checked against the committed JSON Schema
// itself, so the page and the schema cannot drift; anything missing, unreachable or malformed
// leaves the on-chain name with a note that says why.

import schema from "../../schema/metadata/service-metadata.schema.json";

export interface ServiceMetadata {
  name: string;
  description?: string;
  website?: string;
  logo?: string;
  category?: string;
  audits?: { auditor: string; url: string; date?: string }[];
  contact?: { email?: string; url?: string; security?: string };
}

export type MetadataResult = { ok: true; doc: ServiceMetadata; from: string } | { ok: false; note: string };

/** At most this many bytes of a document are read. */
const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 8000;

/** `ipfs://CID/path` → the gateway's URL; other URIs as they are. */
export function viaGateway(uri: string, gateway: string): string {
  if (!uri.startsWith("ipfs://")) return uri;
  const rest = uri.slice("ipfs://".length).replace(/^ipfs\//, "");
  return gateway.replace(/\/?$/, "/") + rest;
}

/** The JSON text of a `data:` URI (`data:application/json;base64,…` or percent-encoded). */
export function dataUriText(uri: string): string {
  const comma = uri.indexOf(",");
  if (comma < 0) throw new Error("a data: URI without a comma");
  const head = uri.slice(5, comma);
  const body = uri.slice(comma + 1);
  const type = head.split(";")[0];
  if (type && type !== "application/json" && type !== "text/plain") throw new Error(`a data: URI of type ${type}, not application/json`);
  if (head.split(";").includes("base64")) {
    const bin = atob(body);
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  }
  return decodeURIComponent(body);
}

// ------------------------------------------------------------------ JSON Schema (the subset the schema uses)

interface Schema {
  type?: string;
  required?: string[];
  additionalProperties?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  maxItems?: number;
  minProperties?: number;
}

const typeOf = (v: unknown): string => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);

/** The first way `v` breaks `s`, as `path: problem`; null if it conforms. */
export function violation(v: unknown, s: Schema = schema as Schema, path = "document"): string | null {
  if (s.type && typeOf(v) !== s.type) return `${path} should be ${s.type === "object" ? "an object" : `a ${s.type}`}`;
  if (s.enum && !s.enum.includes(v)) return `${path} should be one of ${s.enum.join(", ")}`;
  if (typeof v === "string") {
    if (s.minLength !== undefined && v.length < s.minLength) return `${path} is empty`;
    if (s.maxLength !== undefined && v.length > s.maxLength) return `${path} is longer than ${s.maxLength} characters`;
    if (s.pattern && !new RegExp(s.pattern).test(v)) return `${path} does not match ${s.pattern}`;
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) return `${path} has more than ${s.maxItems} items`;
    for (let i = 0; i < v.length; i++) {
      const bad = s.items ? violation(v[i], s.items, `${path}[${i}]`) : null;
      if (bad) return bad;
    }
  }
  if (typeOf(v) === "object") {
    const o = v as Record<string, unknown>;
    for (const k of s.required ?? []) if (!(k in o)) return `${path} has no "${k}"`;
    if (s.minProperties !== undefined && Object.keys(o).length < s.minProperties) return `${path} is empty`;
    for (const [k, val] of Object.entries(o)) {
      const sub = s.properties?.[k];
      if (!sub) {
        if (s.additionalProperties === false) return `${path} has an unknown field "${k}"`;
        continue;
      }
      const bad = violation(val, sub, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

// ------------------------------------------------------------------ loading

const cache = new Map<string, Promise<MetadataResult>>();

export function loadMetadata(uri: string | null | undefined, gateway: string): Promise<MetadataResult> {
  if (!uri) return Promise.resolve({ ok: false, note: "This service publishes no metadata document (no metadata_uri)." });
  const key = `${gateway}|${uri}`;
  let p = cache.get(key);
  if (!p) {
    p = fetchMetadata(uri, gateway);
    cache.set(key, p);
  }
  return p;
}

async function fetchMetadata(uri: string, gateway: string): Promise<MetadataResult> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  let text: string;
  let from = uri;
  try {
    if (scheme === "data") {
      text = dataUriText(uri);
      from = "an inline data: URI";
    } else if (scheme === "https" || scheme === "ipfs") {
      const url = viaGateway(uri, gateway);
      if (!url.startsWith("https://") && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) {
        return { ok: false, note: `The IPFS gateway ${gateway} is not https.` };
      }
      from = url;
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
      let res: Response;
      try {
        res = await fetch(url, { signal: ctl.signal, headers: { Accept: "application/json" }, referrerPolicy: "no-referrer", credentials: "omit" });
      } finally {
        clearTimeout(timer);
      }
      if (!res.ok) return { ok: false, note: `The metadata document at ${url} could not be read: HTTP ${res.status}.` };
      text = await res.text();
    } else {
      return { ok: false, note: `The metadata URI ${uri} is not https:, ipfs: or data:, so it is not read.` };
    }
  } catch (e) {
    const why = e instanceof Error && e.name === "AbortError" ? "no answer in 8 s" : e instanceof Error ? e.message : String(e);
    return { ok: false, note: `The metadata document at ${from} could not be read (${why}).` };
  }
  if (text.length > MAX_BYTES) return { ok: false, note: `The metadata document at ${from} is larger than 64 KiB.` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, note: `The metadata document at ${from} is not JSON.` };
  }
  const bad = violation(doc);
  if (bad) return { ok: false, note: `The metadata document at ${from} does not follow the service metadata schema: ${bad}.` };
  return { ok: true, doc: doc as ServiceMetadata, from };
}
