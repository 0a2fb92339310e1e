// Model backends behind one interface, and building one from a model entry of reprompt.config.js.
import type {ModelConfig} from "../config/index.ts";
import {createHumanBackend} from "./human.ts";
import type {ModelBackend} from "./types.ts";

export * from "./types.ts";
export {createHumanBackend} from "./human.ts";

/** The built-in null baseline, available without any configuration. */
export const HUMAN_MODEL: ModelConfig = {name: "human", backend: "human", label: "human submissions (null baseline)"};

/** Builds the backend of a configured model. Heavy backends are imported only when used. */
export async function createBackend(model: ModelConfig): Promise<ModelBackend> {
  switch (model.backend) {
    case "human":
      return createHumanBackend({labels: model.labels});
    case "openai": {
      const {createOpenAIBackend} = await import("./openai.ts");
      return createOpenAIBackend(model);
    }
    case "llama": {
      const {createLlamaBackend} = await import("./llama.ts");
      return createLlamaBackend(model);
    }
  }
}
