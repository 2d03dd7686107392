/**
 * The settings a state gives its later `run` steps (host name, network, security mode, hosts, ulimits,
 * cgroup parent, proxy, platform): the methods {@link State} inherits for them.
 *
 * @module
 */
import { callerLocation } from "../core/location.ts";
import type { NetworkMode, ProxyEnv, SecurityMode } from "./step_settings.ts";
import { schemas, type ULIMIT_NAMES } from "./option_schemas.ts";
import type { StateSettings } from "./state_data.ts";
import { StateBase, stateData } from "./state_base.ts";
import { validate } from "../core/validate.ts";

/** A resource limit name, as Docker's `--ulimit` spells it. */
export type UlimitName = typeof ULIMIT_NAMES[number];

/**
 * The methods that set what later `run` steps get, each returning a new `S` (a {@link State}); the base of
 * State, kept apart so that each file holds one kind of method.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * const s = image("busybox").hostname("builder").network("none").ulimit("nofile", 1024);
 * ```
 */
export abstract class RunSettingsBase<S> extends StateBase {
  /** @internal The state with `patch` applied to its settings. */
  protected abstract withSettings(patch: Partial<StateSettings>): S;

  /**
   * Sets the host name `run` steps see.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").hostname("builder").run("hostname > /name");
   * ```
   */
  hostname(name: string): S {
    return this.withSettings({
      hostname: validate(
        "hostname",
        "name",
        schemas.hostname,
        name,
        callerLocation(RunSettingsBase.prototype.hostname),
      ),
    });
  }

  /**
   * Sets the network of later `run` steps: `"sandbox"` (default, own network),
   * `"host"` (the engine's network; requests the `network.host` entitlement) or `"none"`.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const offline = image("busybox").network("none").run("make test");
   * ```
   */
  network(mode: NetworkMode): S {
    return this.withSettings({
      network: validate(
        "network",
        "mode",
        schemas.networkMode,
        mode,
        callerLocation(RunSettingsBase.prototype.network),
      ),
    });
  }

  /**
   * Sets the security mode of later `run` steps. `"insecure"` runs them
   * privileged and requests the `security.insecure` entitlement, which the
   * engine must allow.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").security("insecure").run("mount -t tmpfs none /mnt");
   * ```
   */
  security(mode: SecurityMode): S {
    const security = validate(
      "security",
      "mode",
      schemas.securityMode,
      mode,
      callerLocation(RunSettingsBase.prototype.security),
    );
    return this.withSettings({ security });
  }

  /**
   * Adds an `/etc/hosts` entry for later `run` steps.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").addHost("db.local", "10.0.0.5").run("ping -c1 db.local");
   * ```
   */
  addHost(host: string, ip: string): S {
    const location = callerLocation(RunSettingsBase.prototype.addHost);
    const h = validate("addHost", "host", schemas.hostname, host, location);
    const i = validate("addHost", "ip", schemas.hostIp, ip, location);
    return this.withSettings({
      extraHosts: [...(stateData(this).settings.extraHosts ?? []), { host: h, ip: i }],
    });
  }

  /**
   * Sets a resource limit of later `run` steps; -1 is unlimited. Needs BuildKit 0.13 (Docker 25+).
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").ulimit("nofile", 1024, 2048).run("ulimit -n");
   * ```
   */
  ulimit(name: UlimitName, soft: number, hard: number = soft): S {
    const location = callerLocation(RunSettingsBase.prototype.ulimit);
    const n = validate("ulimit", "name", schemas.ulimitName, name, location);
    const s = validate("ulimit", "soft", schemas.ulimitValue, soft, location);
    const h = validate("ulimit", "hard", schemas.ulimitValue, hard, location);
    const ulimits = (stateData(this).settings.ulimits ?? []).filter((u) => u.name !== n);
    return this.withSettings({ ulimits: [...ulimits, { name: n, soft: s, hard: h }] });
  }

  /**
   * Sets the cgroup parent of later `run` steps. Needs BuildKit 0.13 (Docker 25+).
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").cgroupParent("builds.slice").run("true");
   * ```
   */
  cgroupParent(parent: string): S {
    const cgroupParent = validate(
      "cgroupParent",
      "parent",
      schemas.path,
      parent,
      callerLocation(RunSettingsBase.prototype.cgroupParent),
    );
    return this.withSettings({ cgroupParent });
  }

  /**
   * Sets proxy variables (`http_proxy`, ...) for later `run` steps. Unlike
   * `env()`, they are not part of the steps' cache keys, as in BuildKit.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").proxy({ httpProxy: "http://proxy:3128", noProxy: "localhost" });
   * ```
   */
  proxy(env: ProxyEnv): S {
    const p = validate("proxy", "", schemas.proxy, env, callerLocation(RunSettingsBase.prototype.proxy));
    return this.withSettings({ proxyEnv: { ...stateData(this).settings.proxyEnv, ...p } });
  }

  /**
   * Sets the platform later `run` steps run on (`"linux/arm64"`); the engine
   * needs an emulator for a foreign one.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox", { platform: "linux/arm64" }).platform("linux/arm64").run("uname -m");
   * ```
   */
  platform(platform: string): S {
    const p = validate(
      "platform",
      "platform",
      schemas.platform,
      platform,
      callerLocation(RunSettingsBase.prototype.platform),
    );
    const [os, architecture, variant] = p.split("/");
    return this.withSettings({ platform: variant ? { os, architecture, variant } : { os, architecture } });
  }
}
