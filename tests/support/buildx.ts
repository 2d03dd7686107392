/**
 * `docker buildx build` on a test engine (the DRYDOCK_BUILDX plugin, the engine's
 * default builder), and a listing of an exported tree, to compare drydock's
 * results with buildx's.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { promisify } from "node:util";
import type { TestEngine } from "./engines.ts";

/** The buildx plugin's path, when the engines were set up with it. */
export const buildxPlugin = process.env.DRYDOCK_BUILDX;

/** Runs `docker buildx build --builder default ...args` against `engine`; returns its stderr. */
export async function buildxBuild(engine: TestEngine, args: readonly string[]): Promise<string> {
  const { stderr } = await promisify(execFile)(
    "docker",
    ["buildx", "build", "--builder", "default", "--progress", "plain", ...args],
    {
      env: {
        ...process.env,
        DOCKER_HOST: `unix://${engine.socket}`,
        DOCKER_CONFIG: dirname(dirname(buildxPlugin!)),
      },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stderr;
}

/**
 * Every entry under `root` as `path type mode [size sha256 | -> target]`, sorted;
 * owners and times are left out (a local export writes them as the client's).
 */
export function treeListing(root: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) lines.push(`${relPath} l ${mode} -> ${readlinkSync(path)}`);
      else if (st.isDirectory()) {
        lines.push(`${relPath} d ${mode}`);
        walk(path, relPath);
      } else {
        const sum = createHash("sha256").update(readFileSync(path)).digest("hex");
        lines.push(`${relPath} f ${mode} ${st.size} ${sum}`);
      }
    }
  };
  walk(root, "");
  return lines;
}
