// Endpoints never leak their query string or userinfo through the CLI, and built pages can leave them out.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {main} from "../../loaders/cli/main.ts";
import {ConfigError, parseConfig} from "../../loaders/config/index.ts";
import {displayURL, isLoopbackURL} from "../../loaders/config/display.ts";
import {publishedModels, REDACTED_ENDPOINT} from "../../loaders/figures/publish.ts";
import type {RunModel} from "../../loaders/trajectories/run.ts";
import {tempDir} from "../helpers/tmp.ts";

const dir = tempDir("reprompt-redact-");
const SECRET = "k3y-0123456789-secret";
const savedConfig = process.env.REPROMPT_CONFIG;
afterEach(() => {
  if (savedConfig === undefined) delete process.env.REPROMPT_CONFIG;
  else process.env.REPROMPT_CONFIG = savedConfig;
});

async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {stdout: (t) => out.push(t), stderr: (t) => err.push(t)});
  expect(code, err.join("")).toBe(0);
  return out.join("");
}

describe("the CLI never prints a baseURL's query string or userinfo", () => {
  it("config --json, config, models and models --json", async () => {
    const file = join(dir, "reprompt.config.js");
    writeFileSync(
      file,
      `export default ${JSON.stringify({
        models: [{name: "remote", backend: "openai", baseURL: `https://alice:${SECRET}@llm.example.com/v1?api-key=${SECRET}`, model: "m"}],
        embeddings: {kind: "openai", baseURL: `https://emb.example.com/v1?key=${SECRET}`, model: "e"}
      })};\n`
    );
    process.env.REPROMPT_CONFIG = file;
    for (const args of [["config", "--json"], ["config"], ["models"], ["models", "--json"]]) {
      const out = await cli(args);
      expect(out, args.join(" ")).not.toContain(SECRET);
      expect(out, args.join(" ")).not.toContain("alice");
      expect(out, args.join(" ")).toContain("https://llm.example.com/v1?[query hidden]");
    }
  });

  it("displayURL keeps scheme, host and path only", () => {
    expect(displayURL(`http://u:p@127.0.0.1:8000/v1?api-key=${SECRET}`)).toBe("http://127.0.0.1:8000/v1?[query hidden]");
    expect(displayURL("http://127.0.0.1:8000/v1")).toBe("http://127.0.0.1:8000/v1");
    expect(["http://127.0.0.1:1/v1", "http://127.8.9.10/v1", "http://localhost:8/v1", "http://[::1]:8/v1"].every(isLoopbackURL)).toBe(true);
    expect(["https://api.example.com/v1", "http://10.0.0.5/v1", "http://127.0.0.1.example.com/v1"].some(isLoopbackURL)).toBe(false);
  });
});

describe("publish.redactEndpoints", () => {
  const run = (identity: string, name = "remote"): {models: RunModel[]} => ({
    models: [{name, label: name, identity, description: `openai-compatible ${identity.slice(7, identity.lastIndexOf(":"))} · m (${name})`, nullBaseline: false, sizeB: null, role: null}]
  });
  const remote = {name: "remote", backend: "openai" as const, baseURL: "https://llm.example.com/private/v1", model: "org/model-7b"};
  const local = {name: "local", backend: "openai" as const, baseURL: "http://127.0.0.1:8000/v1", model: "org/model-7b"};
  const served = () => "org/model-7b-Instruct@rev42";

  it("is on by default for a non-loopback endpoint: the page names the model and its served identity, not the host", () => {
    const [m] = publishedModels(run("openai:https://llm.example.com/private/v1:org/model-7b"), {models: [remote]}, served);
    expect(m!.description).not.toMatch(/example\.com|private/);
    expect(m!.identity).not.toMatch(/example\.com|private/);
    expect(m!.description).toContain("org/model-7b");
    expect(m!.description).toContain("served as org/model-7b-Instruct@rev42");
    expect(m!.description).toContain(REDACTED_ENDPOINT);
  });

  it("is off by default for loopback, and the config decides when set", () => {
    const localRun = run("openai:http://127.0.0.1:8000/v1:org/model-7b", "local");
    expect(publishedModels(localRun, {models: [local]}, served)).toEqual(localRun.models);
    expect(publishedModels(localRun, {models: [local], publish: {redactEndpoints: true}}, served)[0]!.description).not.toContain("127.0.0.1");
    const remoteRun = run("openai:https://llm.example.com/private/v1:org/model-7b");
    expect(publishedModels(remoteRun, {models: [remote], publish: {redactEndpoints: false}}, served)).toEqual(remoteRun.models);
    // a model no longer in the config: its host is unknown, so it is redacted
    expect(publishedModels(remoteRun, {models: []}, served)[0]!.description).not.toContain("example.com");
  });

  it("is a strict config key: a misspelt or mistyped field is an error naming it", () => {
    expect(parseConfig({publish: {redactEndpoints: false}}, "c.js").publish).toEqual({redactEndpoints: false});
    expect(() => parseConfig({publish: {redactEndpoint: true}}, "c.js")).toThrow(ConfigError);
    expect(() => parseConfig({publish: {redactEndpoint: true}}, "c.js")).toThrow(/publish/);
    expect(() => parseConfig({publish: {redactEndpoints: "yes"}}, "c.js")).toThrow(/publish\.redactEndpoints/);
  });
});
