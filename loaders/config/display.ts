// What of the configuration may be shown: endpoint URLs without their query string or userinfo, which carry keys.
import type {RepromptConfig} from "./schema.ts";
import {z} from "zod";

/** `publish` in reprompt.config.js: what built pages may say about the endpoints models were served from. */
export const publishSchema = z
  .object({
    /** Pages name the model and its served identity, not the endpoint's host and path. Default: on unless every
     * endpoint is on this machine (loopback). */
    redactEndpoints: z.boolean().optional()
  })
  .strict();
export type PublishConfig = z.output<typeof publishSchema>;

/** A URL as it may be shown: scheme, host and path; userinfo dropped, a query string replaced by a marker. */
export function displayURL(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "(not a valid URL)";
  }
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.protocol}//${url.host}${path}${url.search ? "?[query hidden]" : ""}`;
}

/** True for 127.0.0.0/8, ::1 and localhost: an endpoint on this machine, whose address tells nobody anything. */
export function isLoopbackURL(raw: string): boolean {
  try {
    const host = new URL(raw).hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/** Whether pages hide endpoints: the configured choice, else on when any configured endpoint is not loopback. */
export function redactEndpoints(config: Pick<RepromptConfig, "models"> & {publish?: PublishConfig}, baseURL?: string | readonly string[]): boolean {
  if (config.publish?.redactEndpoints !== undefined) return config.publish.redactEndpoints;
  // A model with replicas is redacted when any of them is not on this machine.
  const remote = (urls: string | readonly string[]) => [urls].flat().some((u) => !isLoopbackURL(u));
  if (baseURL !== undefined) return remote(baseURL);
  return config.models.some((m) => m.backend === "openai" && remote(m.baseURL));
}

/** A deep copy with every `baseURL` shown as `displayURL` gives it: for `config --json` and `models`. */
export function configForDisplay<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => configForDisplay(v)) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === "baseURL" && typeof v === "string" ? displayURL(v) : k === "baseURL" && Array.isArray(v) ? v.map((u) => (typeof u === "string" ? displayURL(u) : u)) : configForDisplay(v)])
  ) as T;
}
