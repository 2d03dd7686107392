/**
 * What the converter knows while it walks a Dockerfile: the stages so far,
 * the parameters (ARGs), the imports the build.ts needs and what it could
 * not translate.
 *
 * @module
 */
import { identifier, type VarScope } from "./words.ts";

/** A line the converter could not translate. */
export interface ConvertTodo {
  /** 1-based line in the Dockerfile. */
  readonly line: number;
  /** The instruction as written. */
  readonly instruction: string;
  readonly reason: string;
}

/** One stage being converted. */
export interface StageContext {
  /** The Dockerfile's name for it (`AS name`), if any. */
  readonly name?: string;
  /** The build.ts const. */
  readonly ident: string;
  /** The expression the chain starts from. */
  base: string;
  /** Chain calls (`.run(...)`) and comment lines, in order. */
  readonly lines: string[];
  /** ARGs in scope: name to the JS expression of their value. */
  readonly args: Map<string, string>;
  /** ENV values set in this stage, as written (undefined when they use the base image's env). */
  readonly env: Map<string, string | undefined>;
  /** The shell of shell-form commands. */
  shell: string[];
}

/** The whole conversion. */
export class ConvertContext {
  readonly stages: StageContext[] = [];
  /** ARG name to its default (undefined: none), in first-seen order. */
  readonly params = new Map<string, string | undefined>();
  /** ARGs declared before the first FROM. */
  readonly globalArgs = new Set<string>();
  readonly imports = new Set<string>(["build"]);
  readonly todos: ConvertTodo[] = [];
  usesContext = false;
  readonly #reserved = new Set([
    "build",
    "cache",
    "ctx",
    "defaultTarget",
    "image",
    "local",
    "p",
    "params",
    "scratch",
    "secret",
    "ssh",
    "targets",
    "tmpfs",
    "z",
  ]);

  /** A const name for a stage, unique and clear of the build.ts's own names. */
  stageIdent(name: string | undefined, index: number, last: boolean): string {
    let ident = name ? identifier(name) : last ? "final" : `stage${index}`;
    if (this.#reserved.has(ident)) ident += "Stage";
    while (this.stages.some((s) => s.ident === ident)) ident += "_";
    return ident;
  }

  /** The stage a `--from` or `FROM` names (by name or index), if it is one. */
  stageNamed(ref: string): StageContext | undefined {
    const lower = ref.toLowerCase();
    const byName = this.stages.find((s) => s.name?.toLowerCase() === lower);
    if (byName) return byName;
    return /^\d+$/.test(ref) ? this.stages[Number(ref)] : undefined;
  }

  /** The expression for the build context, `ctx`. */
  context(): string {
    this.usesContext = true;
    return "ctx";
  }

  /** Adds a parameter for an ARG with its default, once. */
  param(name: string, defaultValue: string | undefined): string {
    if (!this.params.has(name) || (this.params.get(name) === undefined && defaultValue !== undefined)) {
      this.params.set(name, defaultValue);
    }
    return `p.${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `[${JSON.stringify(name)}]`}`;
  }

  /** `$NAME` in a word of this stage: an ARG's parameter, or an ENV value set here. */
  scope(stage: StageContext | undefined): VarScope {
    return (name) => {
      if (stage?.env.has(name)) {
        const v = stage.env.get(name);
        return v === undefined || v.includes("$") ? undefined : JSON.stringify(v);
      }
      return stage
        ? stage.args.get(name)
        : this.globalArgs.has(name)
        ? this.param(name, undefined)
        : undefined;
    };
  }

  /** Records a line that stays as a TODO comment. */
  todo(stage: StageContext | undefined, line: number, instruction: string, reason: string): void {
    this.todos.push({ line, instruction, reason });
    const text = `// TODO: ${instruction.split("\n").join("\n// ")}  (${reason})`;
    if (stage) stage.lines.push(...text.split("\n"));
  }
}
