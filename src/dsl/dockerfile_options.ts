/**
 * Options of `dockerfile()`, with the zod schema that checks them at run time.
 * They follow `docker buildx build`'s flags: `-f`, `--target`, `--build-arg`,
 * `--platform`, `--build-context`, `--no-cache`.
 *
 * @module
 */
import { z } from "zod";
import { State } from "./state.ts";
import { platformString } from "./source_options.ts";
import { contextRecord, parseContextSource } from "../core/context_spec.ts";

/** Options of {@link dockerfile}. */
export interface DockerfileOptions {
  /** Path of the Dockerfile inside `context`. @default "Dockerfile" */
  filename?: string;
  /**
   * A Dockerfile anywhere on this machine, as `docker build -f ../other/Dockerfile .`:
   * relative to the build.ts file, like `local()`. Its `<name>.dockerignore` goes with it.
   */
  file?: string;
  /** The Dockerfile's text itself, as `docker build -f - .` reads it from stdin. */
  content?: string;
  /** The stage to build. @default the last one */
  target?: string;
  /** Values for `ARG`s, by their names in the Dockerfile (`NODE_VERSION`, `http_proxy`). */
  args?: Record<string, string>;
  /** Platform to build for. @default the target's platform, or the engine's */
  platform?: string;
  /**
   * Named contexts, as `--build-context name=...`: `FROM name`, `COPY --from=name` and
   * `RUN --mount=from=name` use them. A State, or `docker-image://ref` for an image.
   */
  contexts?: Record<string, State | string>;
  /** Build every step again (`true`), or only these stages' steps, as `--no-cache` / `--no-cache-filter`. */
  noCache?: boolean | string[];
}

const nonEmpty = z.string().min(1, "must not be empty");
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// The one reader of context values; here only images are strings (a directory is local(dir), a target a State).
const isImageContext = (v: string) => {
  try {
    return parseContextSource(v, (why) => {
      throw new Error(why);
    }).type === "image";
  } catch {
    return false;
  }
};

/** The schema of {@link DockerfileOptions}. */
export const dockerfileOptionsSchema = z.strictObject({
  filename: nonEmpty.optional(),
  file: nonEmpty.optional(),
  content: nonEmpty.optional(),
  target: nonEmpty.optional(),
  args: z.record(z.string(), z.string({ error: "values must be strings" }))
    .refine((r) => Object.keys(r).every((k) => ARG_NAME.test(k)), {
      message: "names must be ARG names (letters, digits and _)",
    }).optional(),
  platform: platformString.optional(),
  contexts: contextRecord(
    z.union([
      z.instanceof(State),
      z.string().refine(isImageContext, 'must be "docker-image://<ref>" (a directory: local(dir))'),
    ], { error: 'values must be a State or "docker-image://<ref>"' }),
  ).optional(),
  noCache: z.union([z.boolean(), z.array(nonEmpty).min(1)]).optional(),
}).refine((o) => [o.filename, o.file, o.content].filter((v) => v !== undefined).length <= 1, {
  message: "give only one of filename, file and content",
});
