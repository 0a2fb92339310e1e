// reprompt's configuration: the datasets the site shows and (later) the models experiments run.
// Edit this file; `npx reprompt config --json` prints what reprompt read from it.

/** @type {import("./loaders/config/schema.ts").RepromptConfigInput} */
export default {
  datasets: [
    // The demo benchmark: original problems committed with the project. The offline build uses it.
    {kind: "jsonl", name: "demo", path: "data/demo/problems.jsonl"}
    // Your own problems in the same JSONL schema (see data/demo/README.md):
    // {kind: "jsonl", name: "mine", path: "/path/to/problems.jsonl"},
  ]
};
