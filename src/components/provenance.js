// The provenance line under every chart: which models, backends, data, budgets and engine made these numbers.
import {html} from "npm:htl";

export function provenance(p) {
  const models = p.models
    .map((m) => `${m.label}${m.nullBaseline ? " (null baseline: replays human submissions, not a model)" : ""} — ${m.description}`)
    .join("; ");
  return html`<p class="provenance"><small>
    <b>Provenance.</b> ${p.title} · profile <code>${p.profile}</code> · dataset <code>${p.dataset}</code> (${p.problems} problems) ·
    models: ${models} · ${p.samples} samples per problem and strategy · ${p.trajectories.toLocaleString("en")} trajectories ·
    engine ${p.engine} · ${p.sandbox} · finished ${p.finishedAt.slice(0, 19).replace("T", " ")} UTC · run <code>${p.runKey.slice(0, 12)}</code>.
    Re-run this figure: <code>npx reprompt figure ${p.experiment}</code>.
  </small></p>`;
}
