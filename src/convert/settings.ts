/**
 * The instructions that change settings or the image config: ENV, ARG,
 * WORKDIR, USER, SHELL, LABEL, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK, CMD,
 * ENTRYPOINT, ONBUILD.
 *
 * @module
 */
import { DockerfileParser, type Instruction, type PropertyInstruction } from "dockerfile-ast";
import type { ConvertContext, StageContext } from "./context.ts";
import type { InstructionText } from "./run.ts";
import { expandWord, js, jsonArray, key } from "./words.ts";

type Translation = { call: string } | { todo: string } | { none: true };

/**
 * The chain call for a settings or config instruction.
 *
 * @example
 * ```ts
 * // settingsCall(ctx, stage, text, parsed); // { call: '.user("app")' }
 * ```
 */
export function settingsCall(
  ctx: ConvertContext,
  stage: StageContext,
  i: InstructionText,
  parsed: Instruction,
): Translation {
  const scope = ctx.scope(stage);
  const args = i.args.trim();
  switch (i.keyword) {
    case "ENV": {
      const props = (parsed as PropertyInstruction).getProperties();
      const pairs = props.map((p) => [p.getName(), p.getValue() ?? ""] as const);
      for (const [k, v] of pairs) stage.env.set(k, v);
      if (pairs.length === 1) return { call: `.env(${js(pairs[0][0])}, ${js(pairs[0][1])})` };
      return { call: `.env({ ${pairs.map(([k, v]) => `${key(k)}: ${js(v)}`).join(", ")} })` };
    }
    case "ARG": {
      const calls: string[] = [];
      for (const p of (parsed as PropertyInstruction).getProperties()) {
        const name = p.getName();
        const value = p.getValue();
        if (value === null && !ctx.globalArgs.has(name)) {
          stage.args.set(name, ctx.param(name, undefined));
          continue;
        }
        const expr = ctx.param(name, value ?? undefined);
        stage.args.set(name, expr);
        stage.env.delete(name);
        calls.push(ctx.params.get(name) === undefined ? "" : `.arg(${js(name)}, ${expr})`);
      }
      const call = calls.filter(Boolean).join("");
      return call ? { call } : { none: true };
    }
    case "WORKDIR":
    case "USER": {
      const word = expandWord(args, scope);
      if (word === undefined) return { todo: "a variable the converter cannot resolve" };
      return { call: `.${i.keyword === "WORKDIR" ? "workdir" : "user"}(${word})` };
    }
    case "SHELL": {
      const argv = jsonArray(args);
      if (!argv) return { todo: "SHELL needs the JSON form" };
      stage.shell = argv;
      return { call: `.shell([${argv.map(js).join(", ")}])` };
    }
    case "LABEL": {
      const props = (parsed as PropertyInstruction).getProperties();
      return {
        call: `.config({ labels: { ${
          props.map((p) => `${key(p.getName())}: ${js(p.getValue() ?? "")}`).join(", ")
        } } })`,
      };
    }
    case "EXPOSE": {
      const ports = args.split(/\s+/).map((p) => /^\d+$/.test(p) ? p : js(p));
      return { call: `.config({ expose: [${ports.join(", ")}] })` };
    }
    case "VOLUME": {
      const volumes = jsonArray(args) ?? args.split(/\s+/);
      return { call: `.config({ volumes: [${volumes.map(js).join(", ")}] })` };
    }
    case "STOPSIGNAL":
      return { call: `.config({ stopSignal: ${js(args)} })` };
    case "CMD":
    case "ENTRYPOINT": {
      const argv = jsonArray(args) ?? [...stage.shell, args];
      return { call: `.config({ ${i.keyword.toLowerCase()}: [${argv.map(js).join(", ")}] })` };
    }
    case "ONBUILD":
      return { call: `.config({ onbuild: [${js(args)}] })` };
    case "HEALTHCHECK":
      return healthcheck(i, args);
  }
  return { todo: `${i.keyword} has no drydock equivalent here` };
}

function healthcheck(i: InstructionText, args: string): Translation {
  if (/^NONE$/i.test(args)) return { call: `.config({ healthcheck: "none" })` };
  const m = /^CMD\s+([\s\S]*)$/i.exec(args);
  if (!m) return { todo: "a HEALTHCHECK without CMD" };
  const argv = jsonArray(m[1]);
  const opts = [`test: ${argv ? `[${argv.map(js).join(", ")}]` : js(m[1])}`];
  const names: Record<string, string> = {
    interval: "interval",
    timeout: "timeout",
    "start-period": "startPeriod",
    "start-interval": "startInterval",
  };
  for (const [name, value] of i.flags) {
    if (name === "retries") opts.push(`retries: ${Number(value)}`);
    else if (names[name] && value) opts.push(`${names[name]}: ${js(value)}`);
    else return { todo: `HEALTHCHECK --${name}` };
  }
  return { call: `.config({ healthcheck: { ${opts.join(", ")} } })` };
}

/** The parser, re-exported so the converter has one import of it. */
export { DockerfileParser };
