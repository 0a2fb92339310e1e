// What built pages say about where a model was served: the endpoint, or (redacted) the model and its served identity.
import {redactEndpoints, type PublishConfig} from "../config/display.ts";
import type {ModelConfig} from "../config/index.ts";
import type {RunModel, RunRecord} from "../trajectories/run.ts";

export interface PublishContext {
  models: ModelConfig[];
  publish?: PublishConfig;
}

/** Marks where an endpoint was left out, so a reader knows it was withheld rather than missing. */
export const REDACTED_ENDPOINT = "endpoint not published";

/**
 * The run's models as pages may show them. An openai-compatible model's endpoint host and path are replaced by
 * its configured model name and the identity the server reported (`servedAs`, from its completions) when
 * `publish.redactEndpoints` says so, or by default when the endpoint is not on this machine. A model no longer in
 * the config is redacted unless redaction is explicitly off: its endpoint's host is unknown.
 */
export function publishedModels(record: Pick<RunRecord, "models">, config: PublishContext, servedAs: (name: string) => string | null): RunModel[] {
  return record.models.map((m) => {
    if (!m.identity.startsWith("openai:")) return m;
    const entry = config.models.find((c) => c.name === m.name);
    const baseURL = entry?.backend === "openai" ? entry.baseURL : undefined;
    const redact = baseURL !== undefined ? redactEndpoints(config, baseURL) : config.publish?.redactEndpoints ?? true;
    if (!redact) return m;
    const model = entry?.backend === "openai" ? entry.model : m.label;
    const served = servedAs(m.name);
    return {
      ...m,
      identity: `openai:(${REDACTED_ENDPOINT}):${model}`,
      description: `openai-compatible server (${REDACTED_ENDPOINT}) · ${model}${served && served !== model ? ` · served as ${served}` : ""} (${m.name})`
    };
  });
}
