/**
 * Looking inside tarballs a test received, with the system `tar`.
 *
 * @module
 */
import { execFileSync } from "node:child_process";

/** The entry names of a tar file. */
export function tarEntries(file: string): string[] {
  return execFileSync("tar", ["-tf", file], { encoding: "utf8" }).split("\n").filter(Boolean);
}

/** One entry's content as text. */
export function tarFile(file: string, entry: string): string {
  return execFileSync("tar", ["-xOf", file, entry], { encoding: "utf8" });
}
