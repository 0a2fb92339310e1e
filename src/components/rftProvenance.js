// The provenance line under the RFT funnel: generation run, embedding backend (lexical stand-in called out), evaluation set, seeds, engine.
import {html} from "npm:htl";

export function rftProvenance(p, evaluation) {
  const models = p.generation.models.map((m) => `${m.label}${m.nullBaseline ? " (null baseline: replays human submissions, not a model)" : ""}`).join("; ");
  const e = p.embedder;
  return html`<p class="provenance"><small>
    <b>Provenance.</b> RFT build · profile <code>${p.profile}</code> · training problems: dataset <code>${p.training.dataset}</code> (${p.training.problems}) ·
    generation: experiment <code>${p.generation.experiment}</code>/${p.generation.profile}, ${models}, ${p.generation.strategies.join(", ")},
    ${p.generation.samples} trajectories per problem, seed ${p.generation.seed}, run <code>${p.generation.runKey.slice(0, 12)}</code> ·
    decontamination: ${e.paperEquivalent ? "" : html`<b>lexical stand-in, not paper-equivalent</b> — `}${e.description}, threshold ${e.threshold}, against ${evaluation.description} ·
    tokens: ${p.tokens} · seeds: MinHash ${p.seeds.minhash}, cap ${p.seeds.cap} ·
    engine ${p.engine.rft} / ${p.engine.trajectory} / ${p.engine.execution}, prompts ${p.engine.prompts}, reprompt ${p.engine.reprompt} · built ${p.builtAt.slice(0, 19).replace("T", " ")} UTC.
    Re-run: <code>npx reprompt figure ${p.figure}</code>; write the training files: <code>npx reprompt rft build --profile ${p.profile} --out out/rft</code>.
  </small></p>`;
}
