import type { ApiName, CredentialKind, CredentialLocation } from "./http_types.ts";
import type { FaultKind } from "./fault_types.ts";

/** One recorded request. Holds no secrets: tokens appear only as fingerprints. */
export interface LogEntry {
  /** 1, 2, 3… in arrival order. */
  readonly seq: number;
  /** Sandbox clock (epoch ms) when the request arrived. */
  readonly time: number;
  readonly durationMs: number;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The matched route template, e.g. `/mapiq/api/v2/buildings/{id}`; `null` if none matched. */
  readonly route: string | null;
  readonly api: ApiName;
  /** The HTTP status sent; 0 when the connection was reset by a fault. */
  readonly status: number;
  readonly credential: CredentialKind;
  readonly credentialLocation: CredentialLocation | null;
  /** `fingerprint()` of the token or secret presented. */
  readonly credentialFingerprint: string | null;
  readonly clientId: string | null;
  /** For token endpoint calls. */
  readonly grantType: string | null;
  /** The injected fault applied to this request, if any. */
  readonly fault: FaultKind | null;
}

/** Select entries by equal fields, or by a predicate. */
export type LogFilter = Partial<LogEntry> | ((entry: LogEntry) => boolean);

/** The request log: every request the sandbox answered (or dropped). */
export interface RequestLog {
  /** Matching entries, oldest first. */
  entries(filter?: LogFilter): LogEntry[];
  /** How many entries match. */
  count(filter?: LogFilter): number;
  /** The newest matching entry. */
  last(filter?: LogFilter): LogEntry | undefined;
  /** Forgets every entry. */
  clear(): void;
}

/** The log plus the write side the server uses. */
export interface RequestLogWriter extends RequestLog {
  record(entry: Omit<LogEntry, "seq">): LogEntry;
}

/** A fresh in-memory request log. */
export function createRequestLog(): RequestLogWriter {
  let entries: LogEntry[] = [];
  let seq = 0;
  const select = (filter?: LogFilter): LogEntry[] => entries.filter((e) => matches(e, filter));
  return {
    record(entry) {
      const full = { ...entry, seq: ++seq };
      entries.push(full);
      return full;
    },
    entries: select,
    count: (filter) => select(filter).length,
    last: (filter) => select(filter).at(-1),
    clear() {
      entries = [];
    },
  };
}

function matches(entry: LogEntry, filter: LogFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === "function") return filter(entry);
  return Object.entries(filter).every(([key, value]) => (entry as unknown as Record<string, unknown>)[key] === value);
}
